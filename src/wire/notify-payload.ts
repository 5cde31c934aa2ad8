/**
 * Notification payload (RFC 2408 §3.14): DOI, protocol, SPI size, type, SPI,
 * data. DPD (RFC 3706 §5.3) puts CKY-I‖CKY-R in a 16-byte SPI and the
 * sequence number in 4 bytes of data.
 */
import { payloadElement, toCodec } from './codec.js';
import type { NotifyPayload } from './types.js';
import { putBytes, putU16, putU32, putU8 } from './wire-writer.js';

export const notifyPayload = toCodec(
  payloadElement<NotifyPayload>('Notify', {
    bodyLength: (n) => 8 + n.spi.length + n.data.length,
    writeBody(n, buf, offset) {
      putU32(buf, offset, n.doi, 'Notify DOI');
      putU8(buf, offset + 4, n.protocolId, 'Notify protocol id');
      putU8(buf, offset + 5, n.spiSize ?? n.spi.length, 'Notify SPI size');
      putU16(buf, offset + 6, n.notifyType, 'Notify type');
      putBytes(buf, offset + 8, n.spi);
      putBytes(buf, offset + 8 + n.spi.length, n.data);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 5, end, 'Notify SPI size');
      return {
        kind: 'notify' as const,
        doi: r.u32(offset, end, 'Notify DOI'),
        protocolId: r.u8(offset + 4, end, 'Notify protocol id'),
        spiSize,
        notifyType: r.u16(offset + 6, end, 'Notify type'),
        spi: r.bytes(offset + 8, spiSize, end, 'Notify SPI'),
        data: r.bytes(offset + 8 + spiSize, end - offset - 8 - spiSize, end, 'Notify data'),
      };
    },
  }),
);
