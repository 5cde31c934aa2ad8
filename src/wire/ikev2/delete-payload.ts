/** IKEv2 Delete payload (RFC 7296 §3.11): the SPIs must fill the body exactly. */
import { toCodec } from '../codec.js';
import { putBytes, putU16, putU8 } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2DeletePayload } from './types.js';

export const ikev2DeletePayload = toCodec(
  ikev2PayloadElement<Ikev2DeletePayload>('Delete', {
    bodyLength: (d) => 4 + d.spis.reduce((sum, spi) => sum + spi.length, 0),
    writeBody(d, buf, offset) {
      putU8(buf, offset, d.protocolId, 'Delete protocol id');
      putU8(buf, offset + 1, d.spiSize, 'Delete SPI size');
      putU16(buf, offset + 2, d.spiCount ?? d.spis.length, 'Delete SPI count');
      d.spis.reduce((at, spi) => {
        putBytes(buf, at, spi);
        return at + spi.length;
      }, offset + 4);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 1, end, 'Delete SPI size');
      const spiCount = r.u16(offset + 2, end, 'Delete SPI count');
      const available = end - offset - 4;
      if (spiSize * spiCount !== available) {
        r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `Delete carries ${spiCount} SPI(s) of ${spiSize} byte(s) but has ${available} byte(s) for them`);
      }
      return {
        kind: 'delete' as const,
        protocolId: r.u8(offset, end, 'Delete protocol id'),
        spiSize,
        spiCount,
        spis: Array.from({ length: spiCount }, (_, i) => r.bytes(offset + 4 + i * spiSize, spiSize, end, 'Delete SPI')),
      };
    },
  }),
);
