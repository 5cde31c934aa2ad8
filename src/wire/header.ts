/** The 28-byte ISAKMP header (RFC 2408 §3.1). */
import { WireError } from '../errors.js';
import { toCodec } from './codec.js';
import { HEADER_FLAGS } from './constants.js';
import type { IsakmpFlags, IsakmpHeader } from './types.js';
import { putBytes, putU32, putU8 } from './wire-writer.js';

export const HEADER_LENGTH = 28;
export const ISAKMP_VERSION = 0x10;

function flagsByte(flags: IsakmpFlags, offset: number): number {
  const other = flags.other ?? 0;
  if (!Number.isInteger(other) || other < 0 || other > 0x1f) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `flag bits 3-7 value ${other} does not fit in 5 bits`);
  return (
    (flags.encryption ? HEADER_FLAGS.ENCRYPTION : 0) |
    (flags.commit ? HEADER_FLAGS.COMMIT : 0) |
    (flags.authOnly ? HEADER_FLAGS.AUTHENTICATION_ONLY : 0) |
    (other << 3)
  );
}

function putCookie(buf: Uint8Array, offset: number, cookie: Uint8Array, what: string): void {
  if (cookie.length !== 8) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `${what} must be 8 bytes, got ${cookie.length}`);
  putBytes(buf, offset, cookie);
}

/** Decoding does not judge the version or length: decodeMessage does, with the whole datagram in view. */
export const header = toCodec<IsakmpHeader>({
  length: () => HEADER_LENGTH,
  write(h, buf, offset) {
    putCookie(buf, offset, h.initiatorCookie, 'initiator cookie');
    putCookie(buf, offset + 8, h.responderCookie, 'responder cookie');
    putU8(buf, offset + 16, h.nextPayload ?? 0, 'next payload');
    putU8(buf, offset + 17, h.version ?? ISAKMP_VERSION, 'version');
    putU8(buf, offset + 18, h.exchangeType, 'exchange type');
    putU8(buf, offset + 19, flagsByte(h.flags, offset + 19), 'flags');
    putU32(buf, offset + 20, h.messageId, 'message id');
    putU32(buf, offset + 24, h.length ?? HEADER_LENGTH, 'length');
    return offset + HEADER_LENGTH;
  },
  read(r, offset, end) {
    r.need(offset, HEADER_LENGTH, end, 'ISAKMP header');
    const flags = r.u8(offset + 19, end, 'flags');
    return {
      initiatorCookie: r.bytes(offset, 8, end, 'initiator cookie'),
      responderCookie: r.bytes(offset + 8, 8, end, 'responder cookie'),
      nextPayload: r.u8(offset + 16, end, 'next payload'),
      version: r.u8(offset + 17, end, 'version'),
      exchangeType: r.u8(offset + 18, end, 'exchange type'),
      flags: {
        encryption: (flags & HEADER_FLAGS.ENCRYPTION) !== 0,
        commit: (flags & HEADER_FLAGS.COMMIT) !== 0,
        authOnly: (flags & HEADER_FLAGS.AUTHENTICATION_ONLY) !== 0,
        other: flags >>> 3,
      },
      messageId: r.u32(offset + 20, end, 'message id'),
      length: r.u32(offset + 24, end, 'length'),
    };
  },
});
