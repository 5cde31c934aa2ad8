/** Identification payload, IPsec DOI form (RFC 2407 §4.6.2): ID type, protocol, port, identification data. */
import { payloadElement, toCodec } from './codec.js';
import type { IdPayload } from './types.js';
import { putBytes, putU16, putU8 } from './wire-writer.js';

export const idPayload = toCodec(
  payloadElement<IdPayload>('ID', {
    bodyLength: (id) => 4 + id.data.length,
    writeBody(id, buf, offset) {
      putU8(buf, offset, id.idType, 'ID type');
      putU8(buf, offset + 1, id.protocolId, 'ID protocol id');
      putU16(buf, offset + 2, id.port, 'ID port');
      putBytes(buf, offset + 4, id.data);
    },
    readBody: (r, offset, end) => ({
      kind: 'id' as const,
      idType: r.u8(offset, end, 'ID type'),
      protocolId: r.u8(offset + 1, end, 'ID protocol id'),
      port: r.u16(offset + 2, end, 'ID port'),
      data: r.bytes(offset + 4, end - offset - 4, end, 'ID data'),
    }),
  }),
);
