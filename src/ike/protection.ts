/**
 * Encryption of the payload chain after the ISAKMP header (RFC 2409 App. B):
 * CBC without implicit padding; we pad with zero bytes to the block size,
 * always at least one (as strongSwan does), and receivers walk payloads by their
 * lengths, so whatever padding a DUT uses is ignored. The caller owns the IV
 * chain: every result carries the last cipher block, the next IV.
 */
import { cipherBlockSize, decryptCbc, encryptCbc, type CipherAlgorithm } from '../crypto/cbc-cipher.js';
import { IkeError } from '../errors.js';
import { decodePayloads, encodeMessage, encodePayloads, payloadTypeOf } from '../wire/index.js';
import type { IsakmpHeader, Payload } from '../wire/types.js';

export interface CipherState {
  cipher: CipherAlgorithm;
  key: Uint8Array;
}

export interface Sealed {
  bytes: Uint8Array;
  lastBlock: Uint8Array;
}

/** The plaintext chain padded with 1..bs zero bytes. */
export function padded(plaintext: Uint8Array, blockSize: number): Uint8Array {
  const out = new Uint8Array(plaintext.length + blockSize - (plaintext.length % blockSize));
  out.set(plaintext);
  return out;
}

export function sealMessage(c: CipherState, iv: Uint8Array, header: IsakmpHeader, payloads: Payload[]): Sealed {
  const ciphertext = encryptCbc(c.cipher, c.key, iv, padded(encodePayloads(payloads), cipherBlockSize(c.cipher)));
  const bytes = encodeMessage({
    ...header,
    nextPayload: header.nextPayload ?? (payloads[0] ? payloadTypeOf(payloads[0]) : 0),
    flags: { ...header.flags, encryption: true },
    payloads: [],
    encrypted: ciphertext,
  });
  return { bytes, lastBlock: ciphertext.slice(ciphertext.length - cipherBlockSize(c.cipher)) };
}

export interface Opened {
  payloads: Payload[];
  /** The plaintext chain without padding: hashes cover these bytes. */
  plaintext: Uint8Array;
  lastBlock: Uint8Array;
}

/** Decrypts and decodes; a ciphertext that is not whole blocks is ERR_IKE_MALFORMED, undecodable plaintext a WireError. */
export function openMessage(c: CipherState, iv: Uint8Array, firstPayload: number, ciphertext: Uint8Array): Opened {
  const bs = cipherBlockSize(c.cipher);
  if (ciphertext.length === 0 || ciphertext.length % bs !== 0) {
    throw new IkeError('ERR_IKE_MALFORMED', `ciphertext of ${ciphertext.length} bytes is not a whole number of ${bs}-byte blocks (at byte 28)`);
  }
  const plain = decryptCbc(c.cipher, c.key, iv, ciphertext);
  const { payloads, padding } = decodePayloads(firstPayload, plain, 28);
  return { payloads, plaintext: plain.subarray(0, plain.length - padding.length), lastBlock: ciphertext.slice(ciphertext.length - bs) };
}

/** The bytes after the first payload (a HASH) in a plaintext chain: what HASH(1)/HASH(2) cover (RFC 2409 §5.5, §5.7). */
export function afterFirstPayload(plaintext: Uint8Array): Uint8Array {
  const length = (plaintext[2] << 8) | plaintext[3];
  return plaintext.subarray(length);
}
