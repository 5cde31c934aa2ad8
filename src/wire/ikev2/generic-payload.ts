/**
 * The IKEv2 generic payload header (RFC 7296 §3.2): next payload, the critical
 * bit and 7 reserved bits, payload length. Same 4 bytes as IKEv1's, but byte 1
 * is split, so bodies plug into this wrapper instead of ../codec.ts payloadElement.
 */
import { WireError } from '../../errors.js';
import type { Element, PayloadBody } from '../codec.js';
import { putU16, putU8 } from '../wire-writer.js';
import type { Ikev2PayloadOverrides } from './types.js';

export const CRITICAL_BIT = 0x80;

export const GENERIC_HEADER_LENGTH = 4;

export function criticalByte(critical: boolean | undefined, reserved: number | undefined, offset: number, what: string): number {
  const bits = reserved ?? 0;
  if (!Number.isInteger(bits) || bits < 0 || bits > 0x7f) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `${what} reserved bits ${bits} do not fit in 7 bits`);
  return (critical ? CRITICAL_BIT : 0) | bits;
}

export function ikev2PayloadElement<T extends Ikev2PayloadOverrides>(what: string, body: PayloadBody<T>): Element<T> {
  return {
    length: (value) => GENERIC_HEADER_LENGTH + body.bodyLength(value),
    write(value, buf, offset) {
      const length = GENERIC_HEADER_LENGTH + body.bodyLength(value);
      putU8(buf, offset, value.nextPayload ?? 0, `${what} next payload`);
      putU8(buf, offset + 1, criticalByte(value.critical, value.reserved, offset + 1, what), `${what} critical byte`);
      putU16(buf, offset + 2, value.length ?? length, `${what} length`);
      body.writeBody(value, buf, offset + GENERIC_HEADER_LENGTH);
      return offset + length;
    },
    read(r, offset, end) {
      r.need(offset, GENERIC_HEADER_LENGTH, end, `${what} header`);
      const nextPayload = r.u8(offset, end, `${what} next payload`);
      const byte1 = r.u8(offset + 1, end, `${what} critical byte`);
      const length = r.u16(offset + 2, end, `${what} length`);
      if (length < GENERIC_HEADER_LENGTH) r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `${what} length ${length} is shorter than its own header`);
      if (offset + length > end) r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `${what} length ${length} runs ${offset + length - end} byte(s) past its container`);
      const fields = body.readBody(r, offset + GENERIC_HEADER_LENGTH, offset + length);
      return { ...fields, nextPayload, critical: (byte1 & CRITICAL_BIT) !== 0, reserved: byte1 & 0x7f, length } as T;
    },
  };
}
