/**
 * The IKEv1 phase-1/phase-2 ciphers in CBC mode, with no padding added or removed:
 * IKEv1 pads the payload chain itself with zero bytes (RFC 2409 App. B), and the
 * receiver walks payloads by their lengths, so the cipher must see exact blocks.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { asBytes } from './bytes.js';

export type CipherAlgorithm = 'aes-cbc' | '3des-cbc';

interface CipherSpec {
  blockSize: number;
  /** node/OpenSSL cipher name for each allowed key length in bytes. */
  names: Record<number, string>;
}

const CIPHERS: Record<CipherAlgorithm, CipherSpec> = {
  // RFC 3602 §2.1: AES-CBC, 128-bit blocks, 128/192/256-bit keys.
  'aes-cbc': { blockSize: 16, names: { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' } },
  // RFC 2451 §2.2: 3DES-CBC (EDE), 64-bit blocks, 192-bit key including parity bits.
  '3des-cbc': { blockSize: 8, names: { 24: 'des-ede3-cbc' } },
};

function spec(alg: CipherAlgorithm): CipherSpec {
  if (!Object.hasOwn(CIPHERS, alg)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported cipher '${String(alg)}'`);
  }
  return CIPHERS[alg];
}

export function cipherBlockSize(alg: CipherAlgorithm): number {
  return spec(alg).blockSize;
}

function opensslName(alg: CipherAlgorithm, key: Uint8Array, iv: Uint8Array, data: Uint8Array, what: string): string {
  const { blockSize, names } = spec(alg);
  const name = names[key.length];
  if (name === undefined) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${alg} key of ${key.length} bytes (allowed: ${Object.keys(names).join(', ')})`);
  }
  if (iv.length !== blockSize) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${alg} IV of ${iv.length} bytes (must be ${blockSize})`);
  }
  if (data.length % blockSize !== 0) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${alg} ${what} of ${data.length} bytes is not a multiple of the ${blockSize}-byte block`);
  }
  return name;
}

// Without padding and with whole blocks, update() returns every block and final() nothing: the object is dropped unfinished.
export function encryptCbc(alg: CipherAlgorithm, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return asBytes(createCipheriv(opensslName(alg, key, iv, plaintext, 'plaintext'), key, iv).setAutoPadding(false).update(plaintext));
}

export function decryptCbc(alg: CipherAlgorithm, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return asBytes(createDecipheriv(opensslName(alg, key, iv, ciphertext, 'ciphertext'), key, iv).setAutoPadding(false).update(ciphertext));
}
