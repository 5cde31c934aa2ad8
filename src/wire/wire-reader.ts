/**
 * Bounds-checked reads for the decoders. Every read names the region it may
 * not leave (`end`), so a lying length field can never make a decoder read
 * into a neighbouring payload or past the datagram: it gets a WireError with
 * the offset of the field instead of a RangeError.
 */
import { WireError, type ErrorCode } from '../errors.js';

/** The codes a reader fails with; other protocols' decoders (ICMP) reuse the reader with their own. */
export interface ReaderCodes {
  truncated: ErrorCode;
  badLength: ErrorCode;
}

const WIRE_CODES: ReaderCodes = { truncated: 'ERR_WIRE_TRUNCATED', badLength: 'ERR_WIRE_BAD_LENGTH' };

export class WireReader {
  /**
   * `base` is added to every reported offset, so errors point into the whole message even when decoding a slice.
   * `owned`: the caller owns `buf` outright and never writes to it again (plaintext it just decrypted), so
   * byte fields may be views into it rather than copies.
   */
  constructor(
    readonly buf: Uint8Array,
    readonly base = 0,
    private readonly codes: ReaderCodes = WIRE_CODES,
    private readonly owned = false,
  ) {}

  fail(code: ErrorCode, offset: number, message: string): never {
    throw new WireError(code, offset + this.base, message);
  }

  need(offset: number, n: number, end: number, what: string): void {
    if (n < 0) this.fail(this.codes.badLength, offset, `${what}: the fields before it leave ${n} byte(s)`);
    // Reported at the field when part of it is there, else at the first missing byte: always inside or just past the data.
    if (offset + n > end) this.fail(this.codes.truncated, Math.min(offset, end), `${what}: need ${n} byte(s), ${Math.max(0, end - offset)} left`);
  }

  u8(offset: number, end: number, what: string): number {
    this.need(offset, 1, end, what);
    return this.buf[offset];
  }

  u16(offset: number, end: number, what: string): number {
    this.need(offset, 2, end, what);
    // Network byte order from the bytes themselves: a DataView per reader was two objects per message.
    return (this.buf[offset] << 8) | this.buf[offset + 1];
  }

  u32(offset: number, end: number, what: string): number {
    this.need(offset, 4, end, what);
    const b = this.buf;
    return ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
  }

  /** A copy, so decoded values never alias the caller's buffer, unless the reader's buffer is `owned`. */
  bytes(offset: number, n: number, end: number, what: string): Uint8Array {
    this.need(offset, n, end, what);
    return this.owned ? this.buf.subarray(offset, offset + n) : this.buf.slice(offset, offset + n);
  }
}
