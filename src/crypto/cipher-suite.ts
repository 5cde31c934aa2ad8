/**
 * The encryption/integrity pairs IKEv2's SK payload and ESP share: AES-CBC with
 * a truncated HMAC (encrypt, then MAC the IV and ciphertext) and AES-GCM with a
 * 16-byte tag. Both protocols lay out IV ‖ ciphertext ‖ ICV and differ only in
 * what the ICV or AAD also covers and how the plaintext is padded, which stays
 * with each protocol (ikev2-sk-protection.ts, esp-protection.ts).
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { asBytes, concatBytes } from './bytes.js';
import { decryptCbc, encryptCbc } from './cbc-cipher.js';

export type SuiteEncryption = 'aes-cbc-128' | 'aes-cbc-256' | 'aes-gcm-16-128' | 'aes-gcm-16-256';
export type SuiteIntegrity = 'hmac-sha1-96' | 'hmac-sha256-128';

/** CBC needs an integrity transform; GCM must have none (RFC 5282 §8, RFC 4106 §3). */
export type CipherSuite =
  | { encryption: 'aes-cbc-128' | 'aes-cbc-256'; integrity: SuiteIntegrity }
  | { encryption: 'aes-gcm-16-128' | 'aes-gcm-16-256'; integrity?: undefined };

export interface SuiteKeys {
  /** The encryption key (with the 4-byte salt appended for GCM). */
  encryption: Uint8Array;
  /** The integrity key; empty for GCM. */
  integrity: Uint8Array;
}

/** A bad ICV or padding: the message is not from the holder of the keys, or was altered. */
export class IntegrityCheckError extends CryptoError {
  constructor(message: string) {
    super('ERR_CRYPTO_BAD_INPUT', message);
  }
}

export interface EncryptionSpec {
  aead: boolean;
  keyLength: number;
  /** RFC 3602 §3: a 16-byte random IV; RFC 5282 §3.1, RFC 4106 §3.1: an 8-byte explicit IV. */
  ivLength: number;
  blockSize: number;
}

const ENCRYPTION: Record<SuiteEncryption, EncryptionSpec> = {
  'aes-cbc-128': { aead: false, keyLength: 16, ivLength: 16, blockSize: 16 },
  'aes-cbc-256': { aead: false, keyLength: 32, ivLength: 16, blockSize: 16 },
  // A stream mode needs no padding to a block.
  'aes-gcm-16-128': { aead: true, keyLength: 16, ivLength: 8, blockSize: 1 },
  'aes-gcm-16-256': { aead: true, keyLength: 32, ivLength: 8, blockSize: 1 },
};

/** RFC 2404 (HMAC-SHA1-96), RFC 4868 §2.3 (HMAC-SHA-256-128): key length and truncated ICV length. */
const INTEGRITY: Record<SuiteIntegrity, { hash: string; keyLength: number; icvLength: number }> = {
  'hmac-sha1-96': { hash: 'sha1', keyLength: 20, icvLength: 12 },
  'hmac-sha256-128': { hash: 'sha256', keyLength: 32, icvLength: 16 },
};

/** RFC 5282 §7.1, RFC 4106 §8.1: the last 4 bytes of the encryption key material are the nonce's salt. */
const GCM_SALT_LENGTH = 4;
/** RFC 5282 §8, RFC 4106 §3: AES-GCM with a 16-octet ICV. */
const GCM_ICV_LENGTH = 16;

export function encryptionSpec(suite: CipherSuite): EncryptionSpec {
  if (!Object.hasOwn(ENCRYPTION, suite.encryption)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported encryption '${String(suite.encryption)}'`);
  const spec = ENCRYPTION[suite.encryption];
  if (spec.aead !== (suite.integrity === undefined)) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} ${spec.aead ? 'takes no' : 'needs an'} integrity transform`);
  }
  if (suite.integrity !== undefined && !Object.hasOwn(INTEGRITY, suite.integrity)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported integrity '${String(suite.integrity)}'`);
  }
  return spec;
}

/** Lengths of the encryption and integrity keys (with the GCM salt). */
export function suiteKeyLengths(suite: CipherSuite): { encryption: number; integrity: number } {
  const spec = encryptionSpec(suite);
  if (spec.aead) return { encryption: spec.keyLength + GCM_SALT_LENGTH, integrity: 0 };
  return { encryption: spec.keyLength, integrity: INTEGRITY[suite.integrity as SuiteIntegrity].keyLength };
}

export function icvLength(suite: CipherSuite): number {
  return encryptionSpec(suite).aead ? GCM_ICV_LENGTH : INTEGRITY[suite.integrity as SuiteIntegrity].icvLength;
}

function checkKeys(suite: CipherSuite, keys: SuiteKeys): void {
  const want = suiteKeyLengths(suite);
  if (keys.encryption.length !== want.encryption || keys.integrity.length !== want.integrity) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} keys of ${keys.encryption.length}/${keys.integrity.length} bytes (must be ${want.encryption}/${want.integrity})`);
  }
}

/** The truncated HMAC an integrity transform appends (RFC 2404 §2, RFC 4868 §2.3). */
export function integrityChecksum(integrity: SuiteIntegrity, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  if (!Object.hasOwn(INTEGRITY, integrity)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported integrity '${String(integrity)}'`);
  const spec = INTEGRITY[integrity];
  const h = createHmac(spec.hash, key);
  for (const part of parts) h.update(part);
  return asBytes(h.digest()).slice(0, spec.icvLength);
}

function gcm(keys: SuiteKeys, iv: Uint8Array): { name: 'aes-128-gcm' | 'aes-256-gcm'; key: Uint8Array; nonce: Uint8Array } {
  const keyLength = keys.encryption.length - GCM_SALT_LENGTH;
  // RFC 5282 §4, RFC 4106 §4: nonce = salt ‖ explicit IV.
  return { name: keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key: keys.encryption.subarray(0, keyLength), nonce: concatBytes(keys.encryption.subarray(keyLength), iv) };
}

/**
 * IV ‖ ciphertext ‖ ICV for `padded` (already a whole number of blocks). `covered`
 * is what the protocol authenticates besides IV and ciphertext: in front of them
 * in the HMAC for CBC, as the AAD for GCM. With GCM the IV must never repeat
 * under one key (RFC 4106 §3.1), so callers use a counter or fresh random bytes.
 */
export function sealBlocks(suite: CipherSuite, keys: SuiteKeys, iv: Uint8Array, covered: Uint8Array, padded: Uint8Array): Uint8Array {
  const spec = encryptionSpec(suite);
  checkKeys(suite, keys);
  if (iv.length !== spec.ivLength) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} IV of ${iv.length} bytes (must be ${spec.ivLength})`);
  if (!spec.aead) {
    const ciphertext = encryptCbc('aes-cbc', keys.encryption, iv, padded);
    return concatBytes(iv, ciphertext, integrityChecksum(suite.integrity as SuiteIntegrity, keys.integrity, covered, iv, ciphertext));
  }
  const g = gcm(keys, iv);
  const cipher = createCipheriv(g.name, g.key, g.nonce, { authTagLength: GCM_ICV_LENGTH });
  cipher.setAAD(covered);
  const ciphertext = concatBytes(asBytes(cipher.update(padded)), asBytes(cipher.final()));
  return concatBytes(iv, ciphertext, asBytes(cipher.getAuthTag()));
}

/** The padded plaintext of IV ‖ ciphertext ‖ ICV; a wrong ICV throws IntegrityCheckError before anything is decrypted (CBC). */
export function openBlocks(suite: CipherSuite, keys: SuiteKeys, covered: Uint8Array, body: Uint8Array, what: string): Uint8Array {
  const spec = encryptionSpec(suite);
  checkKeys(suite, keys);
  const icvLen = icvLength(suite);
  const cipherLength = body.length - spec.ivLength - icvLen;
  if (cipherLength < 1 || cipherLength % spec.blockSize !== 0) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${what} of ${body.length} bytes leaves ${cipherLength} ciphertext bytes, not whole ${spec.blockSize}-byte blocks`);
  }
  const iv = body.subarray(0, spec.ivLength);
  const ciphertext = body.subarray(spec.ivLength, spec.ivLength + cipherLength);
  const icv = body.subarray(spec.ivLength + cipherLength);
  if (!spec.aead) {
    if (!timingSafeEqual(integrityChecksum(suite.integrity as SuiteIntegrity, keys.integrity, covered, iv, ciphertext), icv)) throw new IntegrityCheckError(`${what} integrity checksum does not match`);
    return decryptCbc('aes-cbc', keys.encryption, iv, ciphertext);
  }
  const g = gcm(keys, iv);
  const decipher = createDecipheriv(g.name, g.key, g.nonce, { authTagLength: GCM_ICV_LENGTH });
  decipher.setAAD(covered);
  decipher.setAuthTag(icv);
  const head = asBytes(decipher.update(ciphertext));
  try {
    return concatBytes(head, asBytes(decipher.final()));
  } catch {
    throw new IntegrityCheckError(`${what} AES-GCM authentication tag does not match`);
  }
}
