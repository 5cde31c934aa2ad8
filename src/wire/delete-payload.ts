/**
 * Delete payload (RFC 2408 §3.15): DOI, protocol, SPI size, number of SPIs,
 * SPIs. The SPIs must fill the body exactly (racoon's isakmp_inf.c rejects
 * anything else, and so do we, so a mismatch is reported rather than guessed).
 */
import { payloadElement, toCodec } from './codec.js';
import type { DeletePayload } from './types.js';
import { putBytes, putU16, putU32, putU8 } from './wire-writer.js';

export const deletePayload = toCodec(
  payloadElement<DeletePayload>('Delete', {
    bodyLength: (d) => 8 + d.spis.reduce((sum, spi) => sum + spi.length, 0),
    writeBody(d, buf, offset) {
      putU32(buf, offset, d.doi, 'Delete DOI');
      putU8(buf, offset + 4, d.protocolId, 'Delete protocol id');
      putU8(buf, offset + 5, d.spiSize, 'Delete SPI size');
      putU16(buf, offset + 6, d.spiCount ?? d.spis.length, 'Delete SPI count');
      d.spis.reduce((at, spi) => {
        putBytes(buf, at, spi);
        return at + spi.length;
      }, offset + 8);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 5, end, 'Delete SPI size');
      const spiCount = r.u16(offset + 6, end, 'Delete SPI count');
      const available = end - offset - 8;
      if (spiSize * spiCount !== available) {
        r.fail('ERR_WIRE_BAD_LENGTH', offset + 6, `Delete carries ${spiCount} SPI(s) of ${spiSize} byte(s) but has ${available} byte(s) for them`);
      }
      const spis = Array.from({ length: spiCount }, (_, i) => r.bytes(offset + 8 + i * spiSize, spiSize, end, 'Delete SPI'));
      return {
        kind: 'delete' as const,
        doi: r.u32(offset, end, 'Delete DOI'),
        protocolId: r.u8(offset + 4, end, 'Delete protocol id'),
        spiSize,
        spiCount,
        spis,
      };
    },
  }),
);
