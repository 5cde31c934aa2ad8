/** Nonce (RFC 7296 §3.9) and Vendor ID (§3.12): the body is one opaque byte string. */
import { toCodec } from '../codec.js';
import { putBytes } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2OpaquePayload } from './types.js';

function opaque(kind: Ikev2OpaquePayload['kind'], what: string) {
  return toCodec(
    ikev2PayloadElement<Ikev2OpaquePayload>(what, {
      bodyLength: (p) => p.data.length,
      writeBody: (p, buf, offset) => putBytes(buf, offset, p.data),
      readBody: (r, offset, end) => ({ kind, data: r.bytes(offset, end - offset, end, `${what} data`) }),
    }),
  );
}

export const ikev2NoncePayload = opaque('nonce', 'Nonce');
export const ikev2VendorIdPayload = opaque('vendor-id', 'Vendor ID');
