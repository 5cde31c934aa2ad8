/**
 * Encryption of the payload chain after the ISAKMP header (RFC 2409 App. B):
 * CBC without implicit padding; we pad with zero bytes to the block size,
 * always at least one (as strongSwan does), and receivers walk payloads by their
 * lengths, so whatever padding a DUT uses is ignored. The caller owns the IV
 * chain: every result carries the last cipher block, the next IV.
 */
import { cipherBlockSize, decryptCbc, encryptCbc, type CipherAlgorithm } from '../crypto/cbc-cipher.js';
import { IkeError } from '../errors.js';
import { datagramBytes } from './datagram-slab.js';
import { decodePayloads, header, HEADER_LENGTH, payloadsLength, payloadTypeOf, writePayloads } from '../wire/index.js';
import type { IsakmpHeader, Payload } from '../wire/types.js';

export interface CipherState {
  cipher: CipherAlgorithm;
  key: Uint8Array;
}

/** An encrypted datagram, and the last cipher block: the next IV of a CBC chain. */
export class Sealed {
  constructor(
    readonly bytes: Uint8Array,
    private readonly ciphertext: Uint8Array,
    private readonly blockSize: number,
  ) {}

  /**
   * A view into the cipher's own output, which nothing else holds (the sent bytes can never alias
   * the IV chain), made only when read: an Informational, with its own IV each, never reads it.
   */
  get lastBlock(): Uint8Array {
    return this.ciphertext.subarray(this.ciphertext.length - this.blockSize);
  }
}

/**
 * One buffer for the whole datagram: the chain and its zero padding are written
 * after the header, to be encrypted from there in place (sealLaidOut), instead of
 * encoding, padding and framing into three more buffers.
 */
export function layOut(c: CipherState, payloads: Payload[]): Uint8Array {
  const bs = cipherBlockSize(c.cipher);
  const chain = payloadsLength(payloads);
  const bytes = datagramBytes(HEADER_LENGTH + chain + bs - (chain % bs));
  writePayloads(payloads, bytes, HEADER_LENGTH);
  return bytes;
}

/** Encrypts a chain layOut() wrote for these payloads, the ciphertext copied back over it, and writes the header. */
export function sealLaidOut(c: CipherState, iv: Uint8Array, h: IsakmpHeader, payloads: Payload[], bytes: Uint8Array): Sealed {
  const bs = cipherBlockSize(c.cipher);
  const ciphertext = encryptCbc(c.cipher, c.key, iv, bytes.subarray(HEADER_LENGTH));
  bytes.set(ciphertext, HEADER_LENGTH);
  // Field by field: spreading the header and the flags took as long as encrypting the message.
  const { flags } = h;
  header.write(
    {
      initiatorCookie: h.initiatorCookie,
      responderCookie: h.responderCookie,
      nextPayload: h.nextPayload ?? (payloads[0] ? payloadTypeOf(payloads[0]) : 0),
      version: h.version,
      exchangeType: h.exchangeType,
      flags: { encryption: true, commit: flags.commit, authOnly: flags.authOnly, other: flags.other },
      messageId: h.messageId,
      length: h.length ?? bytes.length,
    },
    bytes,
    0,
  );
  return new Sealed(bytes, ciphertext, bs);
}

export function sealMessage(c: CipherState, iv: Uint8Array, h: IsakmpHeader, payloads: Payload[]): Sealed {
  return sealLaidOut(c, iv, h, payloads, layOut(c, payloads));
}

/** A decrypted, decoded chain. */
export class Opened {
  constructor(
    readonly payloads: Payload[],
    /** The plaintext chain without padding: hashes cover these bytes. */
    readonly plaintext: Uint8Array,
    private readonly ciphertext: Uint8Array,
    private readonly blockSize: number,
  ) {}

  /** The next IV of a CBC chain, copied when read (the ciphertext may be a view of the datagram); an Informational never reads it. */
  get lastBlock(): Uint8Array {
    return this.ciphertext.slice(this.ciphertext.length - this.blockSize);
  }
}

/** Decrypts and decodes; a ciphertext that is not whole blocks is ERR_IKE_MALFORMED, undecodable plaintext a WireError. */
export function openMessage(c: CipherState, iv: Uint8Array, firstPayload: number, ciphertext: Uint8Array): Opened {
  const bs = cipherBlockSize(c.cipher);
  if (ciphertext.length === 0 || ciphertext.length % bs !== 0) {
    throw new IkeError('ERR_IKE_MALFORMED', `ciphertext of ${ciphertext.length} bytes is not a whole number of ${bs}-byte blocks (at byte 28)`);
  }
  const plain = decryptCbc(c.cipher, c.key, iv, ciphertext);
  // The plaintext is this call's own and never written again: its payloads may be views into it.
  // Whatever follows next-payload 0 is cipher padding (RFC 2409 App. B), ignored.
  const { payloads, end } = decodePayloads(firstPayload, plain, HEADER_LENGTH, true);
  return new Opened(payloads, plain.subarray(0, end), ciphertext, bs);
}

/** The bytes after the first payload (a HASH) in a plaintext chain: what HASH(1)/HASH(2) cover (RFC 2409 §5.5, §5.7). */
export function afterFirstPayload(plaintext: Uint8Array): Uint8Array {
  const length = (plaintext[2] << 8) | plaintext[3];
  return plaintext.subarray(length);
}
