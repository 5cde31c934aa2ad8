/**
 * The IKEv1 key schedule for pre-shared keys (RFC 2409). Every value is computed from
 * what both sides see on the wire; "_b" arguments are payload bodies without the 4-byte
 * generic payload header (RFC 2409 §5).
 */
import { CryptoError } from '../errors.js';
import { concatBytes, messageIdBytes } from './bytes.js';
import { hash, hashInto, hashLength, prf as hmac, prfInto, type HashAlgorithm } from './hash-algorithm.js';

const COOKIE_LENGTH = 8;

/** The one-byte suffixes of SKEYID_d/_a/_e: only read by the HMAC, so one array each for every SA. */
const SUFFIX = [Uint8Array.of(0), Uint8Array.of(1), Uint8Array.of(2)] as const;

function requireCookie(name: string, cookie: Uint8Array): void {
  if (cookie.length !== COOKIE_LENGTH) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${name} of ${cookie.length} bytes (must be ${COOKIE_LENGTH})`);
  }
}

function requireLength(name: string, length: number, max = Infinity): void {
  if (!Number.isInteger(length) || length <= 0 || length > max) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${name} ${length} is not an integer in 1..${max}`);
  }
}

/**
 * The RFC 2409 expansion K1 = prf(key, seed(K0)), Kn = prf(key, seed(Kn-1)), truncated:
 * App. B for the encryption key and §5.5 for KEYMAT differ only in their seeds.
 */
function expand(alg: HashAlgorithm, key: Uint8Array, length: number, seed: (previous: Uint8Array) => Uint8Array[]): Uint8Array {
  const out = new Uint8Array(length);
  let filled = 0;
  let block: Uint8Array = new Uint8Array(0);
  while (filled < length) {
    block = hmac(alg, key, ...seed(block));
    out.set(block.subarray(0, length - filled), filled);
    filled += block.length;
  }
  return out;
}

/** RFC 2409 §5: "For pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b)". */
export function skeyidPreSharedKey(prf: HashAlgorithm, psk: Uint8Array, niB: Uint8Array, nrB: Uint8Array): Uint8Array {
  return hmac(prf, psk, niB, nrB);
}

export interface Skeyids {
  skeyidD: Uint8Array;
  skeyidA: Uint8Array;
  skeyidE: Uint8Array;
}

export function deriveSkeyids(
  prf: HashAlgorithm,
  skeyid: Uint8Array,
  gxy: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
): Skeyids {
  requireCookie('CKY-I', ckyI);
  requireCookie('CKY-R', ckyR);
  // RFC 2409 §5: SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
  const skeyidD = hmac(prf, skeyid, gxy, ckyI, ckyR, SUFFIX[0]);
  // RFC 2409 §5: SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
  const skeyidA = hmac(prf, skeyid, skeyidD, gxy, ckyI, ckyR, SUFFIX[1]);
  // RFC 2409 §5: SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
  const skeyidE = hmac(prf, skeyid, skeyidA, gxy, ckyI, ckyR, SUFFIX[2]);
  return { skeyidD, skeyidA, skeyidE };
}

/**
 * RFC 2409 App. B: the cipher key is the first keyLength bytes of SKEYID_e; when SKEYID_e
 * is too short, Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1).
 */
export function ikev1EncryptionKey(prf: HashAlgorithm, skeyidE: Uint8Array, keyLength: number): Uint8Array {
  requireLength('key length', keyLength);
  if (skeyidE.length >= keyLength) return skeyidE.slice(0, keyLength);
  return expand(prf, skeyidE, keyLength, (previous) => [previous.length === 0 ? Uint8Array.of(0) : previous]);
}

/**
 * The M-ID's 4 bytes for a hash input, in one array reused by every call: hash() and prf()
 * copy their parts before they return, and a fresh array per phase-2 hash was measurable
 * garbage on the DPD path (three per R-U-THERE answered).
 */
const messageIdScratch = new Uint8Array(4);

const midBytes = (messageId: number): Uint8Array => messageIdBytes(messageId, messageIdScratch);

function truncatedIv(hashAlg: HashAlgorithm, blockSize: number, ...parts: Uint8Array[]): Uint8Array {
  requireLength('block size', blockSize, hashLength(hashAlg));
  // A view of the digest, which is fresh and held by nothing else.
  return hash(hashAlg, ...parts).subarray(0, blockSize);
}

/** RFC 2409 App. B: the phase-1 IV is hash(g^xi | g^xr) with the negotiated hash, truncated to the block size. */
export function phase1Iv(hashAlg: HashAlgorithm, gxi: Uint8Array, gxr: Uint8Array, blockSize: number): Uint8Array {
  return truncatedIv(hashAlg, blockSize, gxi, gxr);
}

/**
 * RFC 2409 App. B: each phase-2 exchange starts from hash(last phase-1 CBC output block | M-ID).
 * Written into `out` (blockSize bytes) when given: an Informational's IV lives only while its one
 * message is encrypted or decrypted, so the engine keeps one buffer per SA for it.
 */
export function phase2Iv(hashAlg: HashAlgorithm, lastPhase1CipherBlock: Uint8Array, messageId: number, blockSize: number, out?: Uint8Array): Uint8Array {
  if (out === undefined) return truncatedIv(hashAlg, blockSize, lastPhase1CipherBlock, midBytes(messageId));
  requireLength('block size', blockSize, hashLength(hashAlg));
  if (out.length !== blockSize) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `IV buffer of ${out.length} bytes for a ${blockSize}-byte block`);
  hashInto(hashAlg, out, 0, blockSize, lastPhase1CipherBlock, midBytes(messageId));
  return out;
}

/** RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashI(
  prf: HashAlgorithm,
  skeyid: Uint8Array,
  gxi: Uint8Array,
  gxr: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
  saiB: Uint8Array,
  idiiB: Uint8Array,
): Uint8Array {
  requireCookie('CKY-I', ckyI);
  requireCookie('CKY-R', ckyR);
  return hmac(prf, skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
}

/**
 * RFC 2409 §5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b).
 * SAi_b is the initiator's offer on both sides, never the responder's reply.
 */
export function hashR(
  prf: HashAlgorithm,
  skeyid: Uint8Array,
  gxr: Uint8Array,
  gxi: Uint8Array,
  ckyR: Uint8Array,
  ckyI: Uint8Array,
  saiB: Uint8Array,
  idirB: Uint8Array,
): Uint8Array {
  requireCookie('CKY-R', ckyR);
  requireCookie('CKY-I', ckyI);
  return hmac(prf, skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB);
}

/** The phase-2 HASH shape shared by Informational and Quick Mode: prf(SKEYID_a, M-ID | ...). */
function phase2Hash(prf: HashAlgorithm, skeyidA: Uint8Array, messageId: number, ...parts: Uint8Array[]): Uint8Array {
  return hmac(prf, skeyidA, midBytes(messageId), ...parts);
}

/**
 * RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D). payloadsAfterHash are the payloads
 * after the HASH payload with their generic headers, without encryption padding.
 */
export function informationalHash(prf: HashAlgorithm, skeyidA: Uint8Array, messageId: number, payloadsAfterHash: Uint8Array): Uint8Array {
  return phase2Hash(prf, skeyidA, messageId, payloadsAfterHash);
}

/** RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D), written into `out` at `at` (a check buffer, or the HASH field itself). */
export function informationalHashInto(prf: HashAlgorithm, skeyidA: Uint8Array, messageId: number, payloadsAfterHash: Uint8Array, out: Uint8Array, at: number): void {
  prfInto(prf, skeyidA, out, at, midBytes(messageId), payloadsAfterHash);
}

/** RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]). */
export function quickModeHash1(prf: HashAlgorithm, skeyidA: Uint8Array, messageId: number, payloadsAfterHash: Uint8Array): Uint8Array {
  return phase2Hash(prf, skeyidA, messageId, payloadsAfterHash);
}

/** RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]). */
export function quickModeHash2(
  prf: HashAlgorithm,
  skeyidA: Uint8Array,
  messageId: number,
  niB: Uint8Array,
  payloadsAfterHash: Uint8Array,
): Uint8Array {
  return phase2Hash(prf, skeyidA, messageId, niB, payloadsAfterHash);
}

/** RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
export function quickModeHash3(prf: HashAlgorithm, skeyidA: Uint8Array, messageId: number, niB: Uint8Array, nrB: Uint8Array): Uint8Array {
  return hmac(prf, skeyidA, Uint8Array.of(0), midBytes(messageId), niB, nrB);
}

export interface QuickModeKeymatInput {
  /** g(qm)^xy when the Quick Mode carried KE payloads (PFS). */
  gqm?: Uint8Array;
  /** Protocol ID of the SA the keys are for (3 = ESP, RFC 2407 §4.4.1). */
  protocol: number;
  /** SPI of the SA the keys are for: inbound keys use our own SPI. */
  spi: Uint8Array;
  niB: Uint8Array;
  nrB: Uint8Array;
  /** Bytes of keying material: encryption key then integrity key. */
  length: number;
}

/**
 * RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded
 * as K1 | K2 | ... with Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 */
export function quickModeKeymat(prf: HashAlgorithm, skeyidD: Uint8Array, input: QuickModeKeymatInput): Uint8Array {
  const { gqm, protocol, spi, niB, nrB, length } = input;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xff) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `protocol ID ${protocol} is not one byte`);
  }
  if (spi.length === 0) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', 'empty SPI');
  requireLength('KEYMAT length', length);
  const seed = [...(gqm === undefined ? [] : [gqm]), Uint8Array.of(protocol), spi, niB, nrB];
  return expand(prf, skeyidD, length, (previous) => [previous, ...seed]);
}
