/** Transform payload (RFC 2408 §3.6): transform number, id, two reserved bytes, then attributes. */
import { attributesLength, readAttributes, writeAttributes } from './attribute.js';
import { payloadElement, toCodec } from './codec.js';
import type { TransformPayload } from './types.js';
import { putU16, putU8 } from './wire-writer.js';

export const transform = toCodec(
  payloadElement<TransformPayload>('transform', {
    bodyLength: (t) => 4 + attributesLength(t.attributes),
    writeBody(t, buf, offset) {
      putU8(buf, offset, t.transformNumber, 'transform number');
      putU8(buf, offset + 1, t.transformId, 'transform id');
      putU16(buf, offset + 2, t.reserved2 ?? 0, 'transform reserved');
      writeAttributes(t.attributes, buf, offset + 4);
    },
    readBody: (r, offset, end) => ({
      transformNumber: r.u8(offset, end, 'transform number'),
      transformId: r.u8(offset + 1, end, 'transform id'),
      reserved2: r.u16(offset + 2, end, 'transform reserved'),
      attributes: readAttributes(r, offset + 4, end),
    }),
  }),
);
