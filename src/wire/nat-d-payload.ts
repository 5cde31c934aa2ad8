/** NAT-D payload (RFC 3947 §3.2; type 130 in the drafts): one hash, opaque to the codec. */
import { payloadElement, toCodec } from './codec.js';
import type { NatDPayload } from './types.js';
import { putBytes } from './wire-writer.js';

export const natDPayload = toCodec(
  payloadElement<NatDPayload>('NAT-D', {
    bodyLength: (p) => p.data.length,
    writeBody: (p, buf, offset) => putBytes(buf, offset, p.data),
    readBody: (r, offset, end) => ({ kind: 'nat-d' as const, data: r.bytes(offset, end - offset, end, 'NAT-D hash') }),
  }),
);
