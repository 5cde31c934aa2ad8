/**
 * Byte helpers shared by the crypto modules. Results are plain Uint8Array (never a
 * node Buffer) so callers' deep-equality checks compare bytes, not classes.
 */
import { CryptoError } from '../errors.js';

/**
 * A plain Uint8Array over the same memory, not a copy: every Buffer handed in
 * comes fresh from OpenSSL (digest, cipher update, ECDH), owns its memory and is
 * referenced nowhere else, and a copy per message was measurable garbage.
 */
export function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Left-pads with zero bytes: DH values are fixed-width on the wire and in the key schedule.
 * A value already that wide (all but about 1 in 256) is the fresh OpenSSL Buffer itself, viewed
 * as asBytes does, not copied: four 256-byte copies per MODP2048 handshake.
 */
export function leftPad(value: Buffer, length: number): Uint8Array {
  if (value.length > length) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `value of ${value.length} bytes does not fit in ${length}`);
  }
  if (value.length === length) return asBytes(value);
  const out = new Uint8Array(length);
  out.set(value, length - value.length);
  return out;
}

/** A message ID as the 4 header bytes in network order (RFC 2408 §3.1), written into `out` when given. */
export function messageIdBytes(messageId: number, out = new Uint8Array(4)): Uint8Array {
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > 0xffffffff) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `message ID ${messageId} is not a 32-bit unsigned integer`);
  }
  out[0] = messageId >>> 24;
  out[1] = (messageId >>> 16) & 0xff;
  out[2] = (messageId >>> 8) & 0xff;
  out[3] = messageId & 0xff;
  return out;
}
