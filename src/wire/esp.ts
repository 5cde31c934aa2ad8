/**
 * The ESP packet as it crosses the wire (RFC 4303 §2): SPI, sequence number,
 * then the IV, the ciphertext and the ICV. Where the IV ends and the ICV starts
 * is fixed by the SA's algorithms, not by any field, so the codec is made for
 * one SA's lengths (`espPacket({ ivLength, icvLength })`).
 */
import { toCodec, type Codec } from './codec.js';
import { putBytes, putU32 } from './wire-writer.js';

export interface EspPacket {
  /** RFC 4303 §2.1: 0 is reserved for local use and never sent; 1-255 are reserved by IANA. */
  spi: number;
  /** RFC 4303 §2.2: the low 32 bits of the sender's counter. */
  sequence: number;
  iv: Uint8Array;
  /** Encrypted payload ‖ padding ‖ pad length ‖ next header (esp-trailer.ts once decrypted). */
  ciphertext: Uint8Array;
  icv: Uint8Array;
}

export interface EspLengths {
  ivLength: number;
  icvLength: number;
}

/** SPI and sequence number. */
export const ESP_HEADER_LENGTH = 8;

export function espPacket(lengths: EspLengths): Codec<EspPacket> {
  return toCodec<EspPacket>({
    length: (p) => ESP_HEADER_LENGTH + p.iv.length + p.ciphertext.length + p.icv.length,
    write(p, buf, offset) {
      putU32(buf, offset, p.spi, 'ESP SPI');
      putU32(buf, offset + 4, p.sequence, 'ESP sequence number');
      putBytes(buf, offset + 8, p.iv);
      putBytes(buf, offset + 8 + p.iv.length, p.ciphertext);
      putBytes(buf, offset + 8 + p.iv.length + p.ciphertext.length, p.icv);
      return offset + ESP_HEADER_LENGTH + p.iv.length + p.ciphertext.length + p.icv.length;
    },
    read(r, offset, end) {
      const spi = r.u32(offset, end, 'ESP SPI');
      const sequence = r.u32(offset + 4, end, 'ESP sequence number');
      const iv = r.bytes(offset + 8, lengths.ivLength, end, 'ESP IV');
      const cipherStart = offset + 8 + lengths.ivLength;
      // RFC 4303 §2.4-2.6: at least the pad length and next header bytes lie between the IV and the ICV.
      const cipherLength = end - cipherStart - lengths.icvLength;
      if (cipherLength < 2) r.fail('ERR_WIRE_TRUNCATED', Math.min(cipherStart, end), `ESP packet leaves ${Math.max(0, cipherLength)} byte(s) between the IV and the ${lengths.icvLength}-byte ICV (need at least 2)`);
      const ciphertext = r.bytes(cipherStart, cipherLength, end, 'ESP ciphertext');
      const icv = r.bytes(cipherStart + cipherLength, lengths.icvLength, end, 'ESP ICV');
      return { spi, sequence, iv, ciphertext, icv };
    },
  });
}

/** The SPI of an ESP packet without knowing its SA: how a receiver picks the SA (RFC 4303 §3.4.2). */
export function espSpiOf(buf: Uint8Array): number {
  return espPacket({ ivLength: 0, icvLength: 0 }).decode(buf).spi;
}
