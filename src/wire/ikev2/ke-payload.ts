/** IKEv2 KE payload (RFC 7296 §3.4): DH group number, 2 reserved bytes, the public value. */
import { toCodec } from '../codec.js';
import { putBytes, putU16 } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2KePayload } from './types.js';

export const ikev2KePayload = toCodec(
  ikev2PayloadElement<Ikev2KePayload>('KE', {
    bodyLength: (ke) => 4 + ke.data.length,
    writeBody(ke, buf, offset) {
      putU16(buf, offset, ke.dhGroup, 'KE DH group');
      putU16(buf, offset + 2, ke.reserved2 ?? 0, 'KE reserved');
      putBytes(buf, offset + 4, ke.data);
    },
    readBody: (r, offset, end) => ({
      kind: 'ke' as const,
      dhGroup: r.u16(offset, end, 'KE DH group'),
      reserved2: r.u16(offset + 2, end, 'KE reserved'),
      data: r.bytes(offset + 4, end - offset - 4, end, 'KE data'),
    }),
  }),
);
