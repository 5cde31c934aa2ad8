/** IKEv2 Notify payload (RFC 7296 §3.10): protocol ID, SPI size, type, SPI, data; no DOI. */
import { toCodec } from '../codec.js';
import { putBytes, putU16, putU8 } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2NotifyPayload } from './types.js';

export const ikev2NotifyPayload = toCodec(
  ikev2PayloadElement<Ikev2NotifyPayload>('Notify', {
    bodyLength: (n) => 4 + n.spi.length + n.data.length,
    writeBody(n, buf, offset) {
      putU8(buf, offset, n.protocolId, 'Notify protocol id');
      putU8(buf, offset + 1, n.spiSize ?? n.spi.length, 'Notify SPI size');
      putU16(buf, offset + 2, n.notifyType, 'Notify type');
      putBytes(buf, offset + 4, n.spi);
      putBytes(buf, offset + 4 + n.spi.length, n.data);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 1, end, 'Notify SPI size');
      return {
        kind: 'notify' as const,
        protocolId: r.u8(offset, end, 'Notify protocol id'),
        spiSize,
        notifyType: r.u16(offset + 2, end, 'Notify type'),
        spi: r.bytes(offset + 4, spiSize, end, 'Notify SPI'),
        data: r.bytes(offset + 4 + spiSize, end - offset - 4 - spiSize, end, 'Notify data'),
      };
    },
  }),
);
