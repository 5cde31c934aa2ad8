/**
 * Sealing and opening the body of the IKEv2 Encrypted payload (RFC 7296 §3.14):
 * IV ‖ ciphertext of (payloads ‖ padding ‖ pad length) ‖ ICV. `prefix` is the
 * message from the IKE header through SK's generic header, with the final
 * lengths already in place: the ICV (CBC + HMAC) or the AAD (GCM) covers it.
 */
import { CryptoError } from '../errors.js';
import { ENCR_IDS, INTEG_IDS } from '../wire/ikev2/constants.js';
import { concatBytes } from './bytes.js';
import {
  encryptionSpec,
  icvLength,
  IntegrityCheckError,
  openBlocks,
  sealBlocks,
  suiteKeyLengths,
  type CipherSuite,
  type EncryptionSpec,
  type SuiteEncryption,
  type SuiteIntegrity,
  type SuiteKeys,
} from './cipher-suite.js';

export type SkEncryption = SuiteEncryption;
export type SkIntegrity = SuiteIntegrity;
export type SkSuite = CipherSuite;
/** SK_ei/SK_ai or SK_er/SK_ar (with the salt for GCM; SK_a empty). */
export type SkKeys = SuiteKeys;
export { IntegrityCheckError as SkIntegrityError };

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
  return suiteKeyLengths(suite);
}

export function skIvLength(suite: SkSuite): number {
  return encryptionSpec(suite).ivLength;
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

/**
 * The SK body for `plaintext` (the encoded inner payloads). `iv` comes from the
 * caller's Random; with GCM it must never repeat under one key (RFC 5282 §3.1).
 * RFC 7296 §3.14: the ICV covers the message from the IKE header through the
 * encrypted payloads; RFC 5282 §5.1: the AAD is the IKE header through the SK
 * generic header, without the IV.
 */
export function sealSkBody(suite: SkSuite, keys: SkKeys, iv: Uint8Array, prefix: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const pad = paddingLength(encryptionSpec(suite), plaintext.length);
  // RFC 7296 §3.14: the padding may hold any value; zeros keep sealing deterministic for tests.
  return sealBlocks(suite, keys, iv, prefix, concatBytes(plaintext, new Uint8Array(pad), Uint8Array.of(pad)));
}

/** The inner payloads of an SK body, padding removed; a wrong ICV or pad length throws SkIntegrityError. */
export function openSkBody(suite: SkSuite, keys: SkKeys, prefix: Uint8Array, body: Uint8Array): Uint8Array {
  const padded = openBlocks(suite, keys, prefix, body, 'SK body');
  const pad = padded[padded.length - 1] as number;
  if (pad + 1 > padded.length) throw new IntegrityCheckError(`SK pad length ${pad} exceeds the ${padded.length - 1} decrypted bytes`);
  return padded.slice(0, padded.length - 1 - pad);
}
