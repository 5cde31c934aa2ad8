/**
 * Range-checked writes for the encoders. Overridden fields (lengths, counts,
 * SPI sizes) are written as given, but a value that does not fit its field is
 * a typed error rather than a silently truncated byte.
 */
import { WireError } from '../errors.js';

function check(value: number, max: number, offset: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new WireError('ERR_WIRE_BAD_VALUE', offset, `${what} ${value} does not fit in ${max.toString(16).length * 4} bits`);
  }
}

export function putU8(buf: Uint8Array, offset: number, value: number, what: string): void {
  check(value, 0xff, offset, what);
  buf[offset] = value;
}

export function putU16(buf: Uint8Array, offset: number, value: number, what: string): void {
  check(value, 0xffff, offset, what);
  buf[offset] = value >>> 8;
  buf[offset + 1] = value & 0xff;
}

export function putU32(buf: Uint8Array, offset: number, value: number, what: string): void {
  check(value, 0xffffffff, offset, what);
  buf[offset] = value >>> 24;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}

export function putBytes(buf: Uint8Array, offset: number, bytes: Uint8Array): void {
  buf.set(bytes, offset);
}
