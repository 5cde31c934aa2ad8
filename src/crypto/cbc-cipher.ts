/**
 * The IKEv1 phase-1/phase-2 ciphers in CBC mode, with no padding added or removed:
 * IKEv1 pads the payload chain itself with zero bytes (RFC 2409 App. B), and the
 * receiver walks payloads by their lengths, so the cipher must see exact blocks.
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { asBytes } from './bytes.js';
import { RecentKeys } from './recent-keys.js';

export type CipherAlgorithm = 'aes-cbc' | '3des-cbc';

interface CipherSpec {
  blockSize: number;
  /** node/OpenSSL cipher name for each allowed key length in bytes. */
  names: Record<number, string>;
  /** The same block cipher in ECB mode, for decryptCbc's keyed objects. */
  ecbNames: Record<number, string>;
}

const CIPHERS: Record<CipherAlgorithm, CipherSpec> = {
  // RFC 3602 §2.1: AES-CBC, 128-bit blocks, 128/192/256-bit keys.
  'aes-cbc': { blockSize: 16, names: { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' }, ecbNames: { 16: 'aes-128-ecb', 24: 'aes-192-ecb', 32: 'aes-256-ecb' } },
  // RFC 2451 §2.2: 3DES-CBC (EDE), 64-bit blocks, 192-bit key including parity bits.
  '3des-cbc': { blockSize: 8, names: { 24: 'des-ede3-cbc' }, ecbNames: { 24: 'des-ede3-ecb' } },
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

/**
 * One CBC cipher per key, kept while the key is in use (RecentKeys), instead of a fresh OpenSSL context per
 * message. A kept cipher chains from the last block it produced (`last`), not from the IV a
 * message needs; since C_1 = E_K(P_1 XOR C_0) (NIST SP 800-38A §6.2), feeding
 * P_1 XOR IV XOR last makes its first block E_K(P_1 XOR IV): the message encrypted under IV.
 * Without padding and with whole blocks, update() returns every block and final() is never needed.
 */
const cbcCiphers = new RecentKeys<{ alg: CipherAlgorithm; cipher: Cipher; last: Uint8Array }>();

export function encryptCbc(alg: CipherAlgorithm, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const name = opensslName(alg, key, iv, plaintext, 'plaintext');
  let keyed = cbcCiphers.get(key);
  // A 24-byte key fits AES-192 and 3DES alike: the schedule is per key and algorithm.
  if (keyed?.alg !== alg) {
    keyed = { alg, cipher: createCipheriv(name, key, iv).setAutoPadding(false), last: iv.slice() };
    cbcCiphers.set(key, keyed);
  }
  if (plaintext.length === 0) return new Uint8Array(0);
  const bs = iv.length;
  const { cipher, last } = keyed;
  // The first block is adjusted in place and restored at once (update() is synchronous): no copy of the plaintext.
  for (let i = 0; i < bs; i++) plaintext[i] ^= iv[i] ^ last[i];
  let ciphertext: Uint8Array;
  try {
    ciphertext = asBytes(cipher.update(plaintext));
  } finally {
    for (let i = 0; i < bs; i++) plaintext[i] ^= iv[i] ^ last[i];
  }
  // Byte by byte: a view to copy from was one more object per message.
  for (let i = 0, from = ciphertext.length - bs; i < bs; i++) last[i] = ciphertext[from + i];
  return ciphertext;
}

/**
 * One ECB decipher per key, kept while the key is in use (RecentKeys): a keyed object takes any number of
 * update() calls, where a CBC one is bound to its IV. Keys are never changed in place (a
 * new key is a new array), so the key array names its schedule.
 */
const ecbDeciphers = new RecentKeys<{ alg: CipherAlgorithm; ecb: Decipher }>();

/** CBC decryption (NIST SP 800-38A §6.2): P_j = D_K(C_j) XOR C_{j-1}, C_0 = IV. */
export function decryptCbc(alg: CipherAlgorithm, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  opensslName(alg, key, iv, ciphertext, 'ciphertext');
  let keyed = ecbDeciphers.get(key);
  if (keyed?.alg !== alg) {
    keyed = { alg, ecb: createDecipheriv(spec(alg).ecbNames[key.length], key, null).setAutoPadding(false) };
    ecbDeciphers.set(key, keyed);
  }
  const plain = asBytes(keyed.ecb.update(ciphertext));
  const bs = iv.length;
  for (let i = 0; i < bs; i++) plain[i] ^= iv[i];
  for (let i = bs; i < plain.length; i++) plain[i] ^= ciphertext[i - bs];
  return plain;
}
