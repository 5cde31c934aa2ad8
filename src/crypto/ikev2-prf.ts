/**
 * The IKEv2 pseudo-random functions: prf (RFC 7296 §2.13) is HMAC with the
 * negotiated hash (RFC 2104; PRF_HMAC_SHA2_256 per RFC 4868 §2.1), and prf+
 * stretches it to any length. Transform IDs are IANA's (src/wire/ikev2/constants.ts).
 */
import { CryptoError } from '../errors.js';
import { PRF_IDS } from '../wire/ikev2/constants.js';
import { hashLength, prf as hmac, type HashAlgorithm } from './hash-algorithm.js';

export type Ikev2Prf = 'hmac-sha1' | 'hmac-sha256';

const HASH_OF: Record<Ikev2Prf, HashAlgorithm> = { 'hmac-sha1': 'sha1', 'hmac-sha256': 'sha256' };

const PRF_OF_ID = new Map<number, Ikev2Prf>([
  [PRF_IDS.HMAC_SHA1, 'hmac-sha1'],
  [PRF_IDS.HMAC_SHA2_256, 'hmac-sha256'],
]);

/** RFC 7296 §2.13: prf+ stops at T255, since the counter is one octet. */
const MAX_BLOCKS = 255;

function hashOf(alg: Ikev2Prf): HashAlgorithm {
  if (!Object.hasOwn(HASH_OF, alg)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported IKEv2 PRF '${String(alg)}'`);
  return HASH_OF[alg];
}

/** The PRF for a transform type 2 ID, or ERR_CRYPTO_UNSUPPORTED. */
export function ikev2PrfOfId(transformId: number): Ikev2Prf {
  const alg = PRF_OF_ID.get(transformId);
  if (alg === undefined) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported IKEv2 PRF transform ID ${transformId}`);
  return alg;
}

/** Output length in bytes; also the key length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14). */
export function ikev2PrfLength(alg: Ikev2Prf): number {
  return hashLength(hashOf(alg));
}

export function ikev2Prf(alg: Ikev2Prf, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  return hmac(hashOf(alg), key, ...data);
}

/** RFC 7296 §2.13: prf+ (K,S) = T1 | T2 | ..., T1 = prf (K, S | 0x01), Tn = prf (K, Tn-1 | S | n). */
export function prfPlus(alg: Ikev2Prf, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const blockLength = ikev2PrfLength(alg);
  if (!Number.isInteger(length) || length < 0 || length > MAX_BLOCKS * blockLength) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `prf+ length ${length} is not an integer in 0..${MAX_BLOCKS * blockLength}`);
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let n = 1, filled = 0; filled < length; n++, filled += blockLength) {
    previous = ikev2Prf(alg, key, previous, seed, Uint8Array.of(n));
    out.set(previous.subarray(0, length - filled), filled);
  }
  return out;
}
