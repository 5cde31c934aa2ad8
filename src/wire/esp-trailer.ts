/**
 * The plaintext ESP carries (RFC 4303 §2.3-2.6): payload data, padding, pad
 * length, next header. The sender pads so that the whole is a multiple of the
 * cipher's block size and ends on a 4-byte boundary (§2.4); the default padding
 * is 1, 2, 3, ... (§2.4), which a receiver may check, and this codec does.
 */
import { toCodec, type Codec } from './codec.js';
import { putBytes, putU8 } from './wire-writer.js';

export interface EspPlaintext {
  /** RFC 4303 §2.6: an IP protocol number; 4 for IPv4 in tunnel mode, 59 for a dummy packet. */
  nextHeader: number;
  data: Uint8Array;
  /** Overrides the computed padding (tests of a receiver); decode reports what was there. */
  padding?: Uint8Array;
  /** Overrides the pad length byte; by default the padding's length. */
  padLength?: number;
}

/** RFC 4303 §2.6: "no next header", the type a dummy packet carries. */
export const NEXT_HEADER_NONE = 59;
export const NEXT_HEADER_IPV4 = 4;

/** RFC 4303 §2.4: the ciphertext must fill whole blocks and end on a 4-byte boundary. */
function defaultPadding(blockSize: number, dataLength: number): Uint8Array {
  const align = Math.max(blockSize, 4);
  const n = (align - ((dataLength + 2) % align)) % align;
  return Uint8Array.from({ length: n }, (_, i) => i + 1);
}

export function espPlaintext(blockSize: number): Codec<EspPlaintext> {
  const paddingOf = (p: EspPlaintext): Uint8Array => p.padding ?? defaultPadding(blockSize, p.data.length);
  return toCodec<EspPlaintext>({
    length: (p) => p.data.length + paddingOf(p).length + 2,
    write(p, buf, offset) {
      const padding = paddingOf(p);
      putBytes(buf, offset, p.data);
      putBytes(buf, offset + p.data.length, padding);
      const at = offset + p.data.length + padding.length;
      putU8(buf, at, p.padLength ?? padding.length, 'ESP pad length');
      putU8(buf, at + 1, p.nextHeader, 'ESP next header');
      return at + 2;
    },
    read(r, offset, end) {
      r.need(offset, 2, end, 'ESP pad length and next header');
      const padLength = r.u8(end - 2, end, 'ESP pad length');
      const nextHeader = r.u8(end - 1, end, 'ESP next header');
      const padStart = end - 2 - padLength;
      if (padStart < offset) r.fail('ERR_WIRE_BAD_LENGTH', end - 2, `ESP pad length ${padLength} exceeds the ${end - 2 - offset} byte(s) before it`);
      const padding = r.bytes(padStart, padLength, end, 'ESP padding');
      // RFC 4303 §2.4: with the default padding, the receiver may check the padding is 1, 2, 3, ...
      const wrong = padding.findIndex((b, i) => b !== i + 1);
      if (wrong >= 0) r.fail('ERR_WIRE_BAD_VALUE', padStart + wrong, `ESP padding byte ${wrong + 1} is ${padding[wrong]} (must be ${wrong + 1})`);
      return { nextHeader, data: r.bytes(offset, padStart - offset, end, 'ESP payload data'), padding, padLength };
    },
  });
}
