/**
 * Hashes and the IKEv1 PRF. RFC 2409 §4: the PRF is the HMAC (RFC 2104) version of the
 * negotiated hash unless a PRF is negotiated, and no implementation we test negotiates one.
 *
 * Both are one-shot hashes (node:crypto `hash`) over the parts laid out in one scratch
 * buffer: creating a Hash or Hmac object per call, the HMAC's key set-up above all, was
 * over a quarter of receiving a DPD message. The scratch is safe to share because `hash` is
 * synchronous and its result is a fresh buffer.
 */
import { hash as oneShot } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { asBytes } from './bytes.js';

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASH_LENGTHS: Record<HashAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
/** B of RFC 2104 §2: the hash's input block length in bytes. */
const BLOCK_LENGTHS: Record<HashAlgorithm, number> = { md5: 64, sha1: 64, sha256: 64, sha384: 128, sha512: 128 };

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

let scratch = new Uint8Array(512);

/** The scratch buffer, grown to hold at least `length` bytes. */
function scratchOf(length: number): Uint8Array {
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
  return scratch;
}

function put(buf: Uint8Array, at: number, parts: readonly Uint8Array[]): number {
  for (const part of parts) {
    buf.set(part, at);
    at += part.length;
  }
  return at;
}

const totalLength = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

export function hash(alg: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const name = checked(alg);
  if (parts.length === 1) return asBytes(oneShot(name, parts[0], 'buffer'));
  const buf = scratchOf(totalLength(parts));
  return asBytes(oneShot(name, buf.subarray(0, put(buf, 0, parts)), 'buffer'));
}

/** prf(key, msg) = HMAC-hash(key, parts concatenated) = H(K XOR opad | H(K XOR ipad | text)) (RFC 2104 §2, RFC 2409 §4). */
export function prf(alg: HashAlgorithm, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const name = checked(alg);
  const b = BLOCK_LENGTHS[name];
  // RFC 2104 §2: a key longer than B is hashed first; a shorter one is padded with zeros to B.
  const k = key.length > b ? hash(name, key) : key;
  const buf = scratchOf(b + Math.max(totalLength(parts), HASH_LENGTHS[name]));
  buf.fill(0x36, 0, b);
  for (let i = 0; i < k.length; i++) buf[i] ^= k[i];
  const inner = oneShot(name, buf.subarray(0, put(buf, b, parts)), 'buffer');
  buf.fill(0x5c, 0, b);
  for (let i = 0; i < k.length; i++) buf[i] ^= k[i];
  buf.set(inner, b);
  return asBytes(oneShot(name, buf.subarray(0, b + inner.length), 'buffer'));
}
