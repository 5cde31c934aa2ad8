/**
 * Hashes and the IKEv1 PRF. RFC 2409 §4: the PRF is the HMAC (RFC 2104) version of the
 * negotiated hash unless a PRF is negotiated, and no implementation we test negotiates one.
 */
import { createHash, createHmac } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { asBytes } from './bytes.js';

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASH_LENGTHS: Record<HashAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function checked(alg: HashAlgorithm): HashAlgorithm {
  // Algorithm names come from profiles and suites at run time, so the type alone is no guarantee.
  if (!Object.hasOwn(HASH_LENGTHS, alg)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported hash algorithm '${String(alg)}'`);
  }
  return alg;
}

export function hashLength(alg: HashAlgorithm): number {
  return HASH_LENGTHS[checked(alg)];
}

export function hash(alg: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(checked(alg));
  for (const part of parts) h.update(part);
  return asBytes(h.digest());
}

/** prf(key, msg) = HMAC-hash(key, parts concatenated) (RFC 2104 §2, RFC 2409 §4). */
export function prf(alg: HashAlgorithm, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(checked(alg), key);
  for (const part of parts) h.update(part);
  return asBytes(h.digest());
}
