/**
 * Hashes and the IKEv1 PRF. RFC 2409 §4: the PRF is the HMAC (RFC 2104) version of the
 * negotiated hash unless a PRF is negotiated, and no implementation we test negotiates one.
 *
 * Both are one-shot hashes (node:crypto `hash`) over the parts laid out in one scratch
 * buffer: creating a Hash or Hmac object per call, the HMAC's key set-up above all, was
 * over a quarter of receiving a DPD message. The scratch is safe to share because `hash` is
 * synchronous and its result is a fresh string. The `…Into` forms write the digest into a buffer
 * the caller owns, for the hot paths that would otherwise allocate a result only to copy it.
 *
 * Digests come back from Node as 'binary' (latin1) strings, one character per byte on V8's heap, and are
 * copied into arrays here: a 'buffer' result costs a native allocation and a backing store, and
 * measured 0.93 µs per SHA-1 of an R-U-THERE's size against 0.34 µs this way.
 */
import { hash as oneShot } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { RecentKeys } from './recent-keys.js';

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
/**
 * Exact-length views of the scratch's start, by length: a one-shot hash takes a whole view, and a
 * fresh subarray per call was three of the typed arrays every R-U-THERE answer allocated. Messages
 * of one kind hash the same lengths again and again; the bound only stops odd lengths piling up.
 */
const views = new Map<number, Uint8Array>();
const VIEWS_KEPT = 64;

/** The scratch buffer, grown to hold at least `length` bytes. */
function scratchOf(length: number): Uint8Array {
  if (scratch.length < length) {
    scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
    views.clear();
  }
  return scratch;
}

function scratchView(length: number): Uint8Array {
  let view = views.get(length);
  if (view === undefined) {
    if (views.size >= VIEWS_KEPT) views.clear();
    view = scratch.subarray(0, length);
    views.set(length, view);
  }
  return view;
}

function put(buf: Uint8Array, at: number, parts: readonly Uint8Array[]): number {
  for (const part of parts) {
    buf.set(part, at);
    at += part.length;
  }
  return at;
}

const totalLength = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

function digestOf(name: HashAlgorithm, parts: readonly Uint8Array[]): string {
  if (parts.length === 1) return oneShot(name, parts[0], 'binary');
  return oneShot(name, scratchView(put(scratchOf(totalLength(parts)), 0, parts)), 'binary');
}

interface KeyPads {
  name: HashAlgorithm;
  /** A copy of the key the pads were made from: a caller that rewrites a key array in place gets fresh pads. */
  key: Uint8Array;
  inner: Uint8Array;
  outer: Uint8Array;
}

/**
 * K XOR ipad and K XOR opad per key (RecentKeys), as the bench's crypto floor keeps them: an
 * Informational's HASH(1) is checked and its answer's computed under the same SKEYID_a, and
 * refilling and XORing both pads for each was about 150 ns of every HMAC. About 250 bytes a key
 * for SHA-1, for at most the 1,024 keys used last.
 */
const keptPads = new RecentKeys<KeyPads>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function padsOf(name: HashAlgorithm, key: Uint8Array): KeyPads {
  const kept = keptPads.get(key);
  if (kept !== undefined && kept.name === name && sameBytes(kept.key, key)) return kept;
  const b = BLOCK_LENGTHS[name];
  // RFC 2104 §2: a key longer than B is hashed first; a shorter one is padded with zeros to B.
  const k = key.length > b ? hash(name, key) : key;
  const pads: KeyPads = { name, key: key.slice(), inner: new Uint8Array(b).fill(0x36), outer: new Uint8Array(b).fill(0x5c) };
  for (let i = 0; i < k.length; i++) {
    pads.inner[i] ^= k[i];
    pads.outer[i] ^= k[i];
  }
  keptPads.set(key, pads);
  return pads;
}

/** HMAC (RFC 2104 §2): H(K XOR opad | H(K XOR ipad | text)), both passes one-shot over the scratch. */
function hmacOf(name: HashAlgorithm, key: Uint8Array, parts: readonly Uint8Array[]): string {
  const b = BLOCK_LENGTHS[name];
  const pads = padsOf(name, key);
  const buf = scratchOf(b + Math.max(totalLength(parts), HASH_LENGTHS[name]));
  buf.set(pads.inner, 0);
  const inner = oneShot(name, scratchView(put(buf, b, parts)), 'binary');
  buf.set(pads.outer, 0);
  for (let i = 0; i < inner.length; i++) buf[b + i] = inner.charCodeAt(i);
  return oneShot(name, scratchView(b + inner.length), 'binary');
}

/** The first `length` bytes of a latin1 digest into `out` at `at`. */
function copyDigest(digest: string, length: number, out: Uint8Array, at: number): Uint8Array {
  if (length > digest.length || at < 0 || at + length > out.length) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${length} digest byte(s) do not fit at ${at} of a ${out.length}-byte buffer (digest ${digest.length})`);
  }
  for (let i = 0; i < length; i++) out[at + i] = digest.charCodeAt(i);
  return out;
}

export function hash(alg: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const digest = digestOf(checked(alg), parts);
  return copyDigest(digest, digest.length, new Uint8Array(digest.length), 0);
}

/** hash(), its first `length` bytes written into `out` at `at` (truncated IVs, RFC 2409 App. B). */
export function hashInto(alg: HashAlgorithm, out: Uint8Array, at: number, length: number, ...parts: Uint8Array[]): void {
  copyDigest(digestOf(checked(alg), parts), length, out, at);
}

/** prf(key, msg) = HMAC-hash(key, parts concatenated) = H(K XOR opad | H(K XOR ipad | text)) (RFC 2104 §2, RFC 2409 §4). */
export function prf(alg: HashAlgorithm, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const digest = hmacOf(checked(alg), key, parts);
  return copyDigest(digest, digest.length, new Uint8Array(digest.length), 0);
}

/** prf() written into `out` at `at` (RFC 2104 §2, RFC 2409 §4). */
export function prfInto(alg: HashAlgorithm, key: Uint8Array, out: Uint8Array, at: number, ...parts: Uint8Array[]): void {
  const name = checked(alg);
  copyDigest(hmacOf(name, key, parts), HASH_LENGTHS[name], out, at);
}
