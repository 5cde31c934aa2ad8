/**
 * IKEv2 transform substructure (RFC 7296 §3.3.2): type, reserved, 16-bit ID,
 * then attributes (Key Length, §3.3.5). Its 4-byte header has no critical bit,
 * so the IKEv1 wrapper and attribute codec fit unchanged.
 */
import { attributesLength, readAttributes, writeAttributes } from '../attribute.js';
import { payloadElement, toCodec } from '../codec.js';
import { putU16, putU8 } from '../wire-writer.js';
import type { Ikev2Transform } from './types.js';

export const ikev2Transform = toCodec(
  payloadElement<Ikev2Transform>('transform', {
    bodyLength: (t) => 4 + attributesLength(t.attributes),
    writeBody(t, buf, offset) {
      putU8(buf, offset, t.transformType, 'transform type');
      putU8(buf, offset + 1, t.reserved2 ?? 0, 'transform reserved');
      putU16(buf, offset + 2, t.transformId, 'transform id');
      writeAttributes(t.attributes, buf, offset + 4);
    },
    readBody: (r, offset, end) => ({
      transformType: r.u8(offset, end, 'transform type'),
      reserved2: r.u8(offset + 1, end, 'transform reserved'),
      transformId: r.u16(offset + 2, end, 'transform id'),
      attributes: readAttributes(r, offset + 4, end),
    }),
  }),
);
