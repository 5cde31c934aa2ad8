/**
 * Sealing and opening the body of the IKEv2 Encrypted payload (RFC 7296 §3.14):
 * IV ‖ ciphertext of (payloads ‖ padding ‖ pad length) ‖ ICV. `prefix` is the
 * message from the IKE header through SK's generic header, with the final
 * lengths already in place: the ICV (CBC + HMAC) or the AAD (GCM) covers it.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { ENCR_IDS, INTEG_IDS } from '../wire/ikev2/constants.js';
import { asBytes, concatBytes } from './bytes.js';
import { decryptCbc, encryptCbc } from './cbc-cipher.js';

export type SkEncryption = 'aes-cbc-128' | 'aes-cbc-256' | 'aes-gcm-16-128' | 'aes-gcm-16-256';
export type SkIntegrity = 'hmac-sha1-96' | 'hmac-sha256-128';

/** CBC needs an integrity transform; GCM must have none (RFC 5282 §8). */
export type SkSuite = { encryption: 'aes-cbc-128' | 'aes-cbc-256'; integrity: SkIntegrity } | { encryption: 'aes-gcm-16-128' | 'aes-gcm-16-256'; integrity?: undefined };

/** A bad ICV or padding: the message is not from the holder of the keys, or was altered. */
export class SkIntegrityError extends CryptoError {
  constructor(message: string) {
    super('ERR_CRYPTO_BAD_INPUT', message);
  }
}

interface EncryptionSpec {
  aead: boolean;
  keyLength: number;
  /** RFC 3602 §3: a 16-byte random IV; RFC 5282 §3.1: an 8-byte explicit IV. */
  ivLength: number;
  blockSize: number;
}

const ENCRYPTION: Record<SkEncryption, EncryptionSpec> = {
  'aes-cbc-128': { aead: false, keyLength: 16, ivLength: 16, blockSize: 16 },
  'aes-cbc-256': { aead: false, keyLength: 32, ivLength: 16, blockSize: 16 },
  // A stream mode needs no padding, so only the pad length byte is added.
  'aes-gcm-16-128': { aead: true, keyLength: 16, ivLength: 8, blockSize: 1 },
  'aes-gcm-16-256': { aead: true, keyLength: 32, ivLength: 8, blockSize: 1 },
};

/** RFC 2404 (HMAC-SHA1-96), RFC 4868 §2.3 (HMAC-SHA-256-128): key length and truncated ICV length. */
const INTEGRITY: Record<SkIntegrity, { hash: string; keyLength: number; icvLength: number }> = {
  'hmac-sha1-96': { hash: 'sha1', keyLength: 20, icvLength: 12 },
  'hmac-sha256-128': { hash: 'sha256', keyLength: 32, icvLength: 16 },
};

/** RFC 5282 §7.1: the last 4 bytes of SK_e are the salt of the nonce. */
const GCM_SALT_LENGTH = 4;
/** RFC 5282 §8: AES-GCM with a 16-octet ICV. */
const GCM_ICV_LENGTH = 16;

function encryptionSpec(suite: SkSuite): EncryptionSpec {
  if (!Object.hasOwn(ENCRYPTION, suite.encryption)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported SK encryption '${String(suite.encryption)}'`);
  const spec = ENCRYPTION[suite.encryption];
  if (spec.aead !== (suite.integrity === undefined)) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} ${spec.aead ? 'takes no' : 'needs an'} integrity transform`);
  }
  if (suite.integrity !== undefined && !Object.hasOwn(INTEGRITY, suite.integrity)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported SK integrity '${String(suite.integrity)}'`);
  }
  return spec;
}

/** The suite for negotiated transform IDs (IANA): ENCR with its Key Length in bits, INTEG (absent or NONE for GCM). */
export function skSuiteOf(encrId: number, keyLengthBits: number | undefined, integId: number | undefined): SkSuite {
  const bits = keyLengthBits === 128 || keyLengthBits === 256 ? keyLengthBits : undefined;
  const integrity = integId === INTEG_IDS.HMAC_SHA1_96 ? 'hmac-sha1-96' : integId === INTEG_IDS.HMAC_SHA2_256_128 ? 'hmac-sha256-128' : undefined;
  const noInteg = integId === undefined || integId === INTEG_IDS.NONE;
  if (encrId === ENCR_IDS.AES_CBC && bits && integrity) return { encryption: `aes-cbc-${bits}`, integrity };
  if (encrId === ENCR_IDS.AES_GCM_16 && bits && noInteg) return { encryption: `aes-gcm-16-${bits}` };
  throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported SK transforms: ENCR ${encrId} (key ${String(keyLengthBits)} bits), INTEG ${String(integId)}`);
}

/** Lengths of SK_e and SK_a for deriveIkeSaKeys (RFC 7296 §2.14, RFC 5282 §7.1). */
export function skKeyLengths(suite: SkSuite): { encryption: number; integrity: number } {
  const spec = encryptionSpec(suite);
  if (spec.aead) return { encryption: spec.keyLength + GCM_SALT_LENGTH, integrity: 0 };
  return { encryption: spec.keyLength, integrity: INTEGRITY[suite.integrity as SkIntegrity].keyLength };
}

export function skIvLength(suite: SkSuite): number {
  return encryptionSpec(suite).ivLength;
}

function icvLength(suite: SkSuite): number {
  return suite.integrity === undefined ? GCM_ICV_LENGTH : INTEGRITY[suite.integrity].icvLength;
}

/** RFC 7296 §3.14: the fewest padding bytes that make payloads ‖ padding ‖ pad length whole blocks. */
function paddingLength(spec: EncryptionSpec, plaintextLength: number): number {
  return (spec.blockSize - ((plaintextLength + 1) % spec.blockSize)) % spec.blockSize;
}

/** Bytes of the SK body sealSkBody writes for `plaintextLength` bytes of payloads. */
export function skBodyLength(suite: SkSuite, plaintextLength: number): number {
  const spec = encryptionSpec(suite);
  return spec.ivLength + plaintextLength + paddingLength(spec, plaintextLength) + 1 + icvLength(suite);
}

export interface SkKeys {
  /** SK_ei or SK_er (with the salt for GCM). */
  encryption: Uint8Array;
  /** SK_ai or SK_ar; empty for GCM. */
  integrity: Uint8Array;
}

function checkKeys(suite: SkSuite, keys: SkKeys): void {
  const want = skKeyLengths(suite);
  if (keys.encryption.length !== want.encryption || keys.integrity.length !== want.integrity) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} keys of ${keys.encryption.length}/${keys.integrity.length} bytes (must be ${want.encryption}/${want.integrity})`);
  }
}

function gcmName(key: Uint8Array): 'aes-128-gcm' | 'aes-256-gcm' {
  return key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
}

/** The truncated HMAC an integrity transform appends (RFC 2404 §2, RFC 4868 §2.3). */
export function integrityChecksum(integrity: SkIntegrity, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  if (!Object.hasOwn(INTEGRITY, integrity)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported SK integrity '${String(integrity)}'`);
  const spec = INTEGRITY[integrity];
  const h = createHmac(spec.hash, key);
  for (const part of parts) h.update(part);
  return asBytes(h.digest()).slice(0, spec.icvLength);
}

/** RFC 5282 §4: nonce = salt (from SK_e) ‖ explicit IV. */
function gcmParts(keys: SkKeys): { key: Uint8Array; salt: Uint8Array } {
  const keyLength = keys.encryption.length - GCM_SALT_LENGTH;
  return { key: keys.encryption.subarray(0, keyLength), salt: keys.encryption.subarray(keyLength) };
}

/**
 * The SK body for `plaintext` (the encoded inner payloads). `iv` comes from the
 * caller's Random; with GCM it must never repeat under one key (RFC 5282 §3.1),
 * so callers use a counter or fresh random bytes per message.
 */
export function sealSkBody(suite: SkSuite, keys: SkKeys, iv: Uint8Array, prefix: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const spec = encryptionSpec(suite);
  checkKeys(suite, keys);
  if (iv.length !== spec.ivLength) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${suite.encryption} IV of ${iv.length} bytes (must be ${spec.ivLength})`);
  const pad = paddingLength(spec, plaintext.length);
  // RFC 7296 §3.14: the padding may hold any value; zeros keep sealing deterministic for tests.
  const padded = concatBytes(plaintext, new Uint8Array(pad), Uint8Array.of(pad));
  if (!spec.aead) {
    const ciphertext = encryptCbc('aes-cbc', keys.encryption, iv, padded);
    // RFC 7296 §3.14: the ICV covers the message from the IKE header through the encrypted payloads.
    return concatBytes(iv, ciphertext, integrityChecksum(suite.integrity as SkIntegrity, keys.integrity, prefix, iv, ciphertext));
  }
  const { key, salt } = gcmParts(keys);
  const cipher = createCipheriv(gcmName(key), key, concatBytes(salt, iv), { authTagLength: GCM_ICV_LENGTH });
  // RFC 5282 §5.1: the AAD is the IKE header through the SK generic header, without the IV.
  cipher.setAAD(prefix);
  const ciphertext = concatBytes(asBytes(cipher.update(padded)), asBytes(cipher.final()));
  return concatBytes(iv, ciphertext, asBytes(cipher.getAuthTag()));
}

/** The inner payloads of an SK body, padding removed; a wrong ICV or pad length throws SkIntegrityError. */
export function openSkBody(suite: SkSuite, keys: SkKeys, prefix: Uint8Array, body: Uint8Array): Uint8Array {
  const spec = encryptionSpec(suite);
  checkKeys(suite, keys);
  const icvLen = icvLength(suite);
  const cipherLength = body.length - spec.ivLength - icvLen;
  if (cipherLength < 1 || cipherLength % spec.blockSize !== 0) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `SK body of ${body.length} bytes leaves ${cipherLength} ciphertext bytes, not whole ${spec.blockSize}-byte blocks`);
  }
  const iv = body.subarray(0, spec.ivLength);
  const ciphertext = body.subarray(spec.ivLength, spec.ivLength + cipherLength);
  const icv = body.subarray(spec.ivLength + cipherLength);
  let padded: Uint8Array;
  if (!spec.aead) {
    // RFC 7296 §3.14: check the ICV before decrypting anything.
    if (!timingSafeEqual(integrityChecksum(suite.integrity as SkIntegrity, keys.integrity, prefix, iv, ciphertext), icv)) throw new SkIntegrityError('SK integrity checksum does not match');
    padded = decryptCbc('aes-cbc', keys.encryption, iv, ciphertext);
  } else {
    const { key, salt } = gcmParts(keys);
    const decipher = createDecipheriv(gcmName(key), key, concatBytes(salt, iv), { authTagLength: GCM_ICV_LENGTH });
    decipher.setAAD(prefix);
    decipher.setAuthTag(icv);
    const head = asBytes(decipher.update(ciphertext));
    try {
      padded = concatBytes(head, asBytes(decipher.final()));
    } catch {
      throw new SkIntegrityError('SK AES-GCM authentication tag does not match');
    }
  }
  const pad = padded[padded.length - 1] as number;
  if (pad + 1 > padded.length) throw new SkIntegrityError(`SK pad length ${pad} exceeds the ${padded.length - 1} decrypted bytes`);
  return padded.slice(0, padded.length - 1 - pad);
}
