/** Any payload the codec does not model: the body bytes round-trip untouched. */
import { payloadElement, toCodec } from './codec.js';
import type { RawPayload } from './types.js';
import { putBytes } from './wire-writer.js';

export const rawPayload = toCodec(
  payloadElement<RawPayload>('payload', {
    bodyLength: (p) => p.body.length,
    writeBody: (p, buf, offset) => putBytes(buf, offset, p.body),
    // The type lives in the previous next-payload byte, out of reach here: payloads.ts overwrites this 0.
    readBody: (r, offset, end) => ({ kind: 'raw' as const, payloadType: 0, body: r.bytes(offset, end - offset, end, 'payload body') }),
  }),
);
