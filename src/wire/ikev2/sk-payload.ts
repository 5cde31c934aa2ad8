/**
 * Encrypted payload SK (RFC 7296 §3.14). The next-payload byte of its header
 * is the type of the first payload inside, so the codec stores it as
 * `firstPayload`; the body (IV ‖ ciphertext ‖ ICV) is opaque here.
 */
import { toCodec } from '../codec.js';
import { putBytes } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2SkPayload } from './types.js';

const element = ikev2PayloadElement<Ikev2SkPayload>('SK', {
  bodyLength: (sk) => sk.body.length,
  writeBody: (sk, buf, offset) => putBytes(buf, offset, sk.body),
  // The real value comes from the header's next-payload byte, which the wrapper reads: filled in below.
  readBody: (r, offset, end) => ({ kind: 'sk' as const, firstPayload: 0, body: r.bytes(offset, end - offset, end, 'SK body') }),
});

export const skPayload = toCodec<Ikev2SkPayload>({
  length: element.length,
  write: (sk, buf, offset) => element.write({ ...sk, nextPayload: sk.nextPayload ?? sk.firstPayload }, buf, offset),
  read(r, offset, end) {
    const sk = element.read(r, offset, end);
    return { ...sk, firstPayload: sk.nextPayload as number };
  },
});
