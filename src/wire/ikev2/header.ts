/** The 28-byte IKEv2 header (RFC 7296 §3.1). */
import { WireError } from '../../errors.js';
import { toCodec } from '../codec.js';
import { putBytes, putU32, putU8 } from '../wire-writer.js';
import { IKEV2_FLAGS } from './constants.js';
import type { Ikev2Flags, Ikev2Header } from './types.js';

export const IKEV2_HEADER_LENGTH = 28;
/** Major 2, minor 0 (RFC 7296 §3.1). */
export const IKEV2_VERSION = 0x20;

const DEFINED = IKEV2_FLAGS.INITIATOR | IKEV2_FLAGS.VERSION | IKEV2_FLAGS.RESPONSE;

function flagsByte(flags: Ikev2Flags, offset: number): number {
  const other = flags.other ?? 0;
  if (!Number.isInteger(other) || other < 0 || other > 0xff || (other & DEFINED) !== 0) {
    throw new WireError('ERR_WIRE_BAD_VALUE', offset, `other flag bits ${other} must leave I, V and R (0x38) to their own fields`);
  }
  return (flags.initiator ? IKEV2_FLAGS.INITIATOR : 0) | (flags.higherVersion ? IKEV2_FLAGS.VERSION : 0) | (flags.response ? IKEV2_FLAGS.RESPONSE : 0) | other;
}

function putSpi(buf: Uint8Array, offset: number, spi: Uint8Array, what: string): void {
  if (spi.length !== 8) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `${what} must be 8 bytes, got ${spi.length}`);
  putBytes(buf, offset, spi);
}

/** Decoding does not judge version or length: decodeIkev2Message does, with the datagram in view. */
export const ikev2Header = toCodec<Ikev2Header>({
  length: () => IKEV2_HEADER_LENGTH,
  write(h, buf, offset) {
    putSpi(buf, offset, h.initiatorSpi, 'initiator SPI');
    putSpi(buf, offset + 8, h.responderSpi, 'responder SPI');
    putU8(buf, offset + 16, h.nextPayload ?? 0, 'next payload');
    putU8(buf, offset + 17, h.version ?? IKEV2_VERSION, 'version');
    putU8(buf, offset + 18, h.exchangeType, 'exchange type');
    putU8(buf, offset + 19, flagsByte(h.flags, offset + 19), 'flags');
    putU32(buf, offset + 20, h.messageId, 'message id');
    putU32(buf, offset + 24, h.length ?? IKEV2_HEADER_LENGTH, 'length');
    return offset + IKEV2_HEADER_LENGTH;
  },
  read(r, offset, end) {
    r.need(offset, IKEV2_HEADER_LENGTH, end, 'IKEv2 header');
    const flags = r.u8(offset + 19, end, 'flags');
    return {
      initiatorSpi: r.bytes(offset, 8, end, 'initiator SPI'),
      responderSpi: r.bytes(offset + 8, 8, end, 'responder SPI'),
      nextPayload: r.u8(offset + 16, end, 'next payload'),
      version: r.u8(offset + 17, end, 'version'),
      exchangeType: r.u8(offset + 18, end, 'exchange type'),
      flags: {
        initiator: (flags & IKEV2_FLAGS.INITIATOR) !== 0,
        higherVersion: (flags & IKEV2_FLAGS.VERSION) !== 0,
        response: (flags & IKEV2_FLAGS.RESPONSE) !== 0,
        other: flags & ~DEFINED & 0xff,
      },
      messageId: r.u32(offset + 20, end, 'message id'),
      length: r.u32(offset + 24, end, 'length'),
    };
  },
});
