/**
 * Payloads whose body is one opaque byte string: KE (RFC 2408 §3.7), HASH
 * (§3.11), Nonce (§3.13) and Vendor ID (§3.16). One definition, four codecs.
 */
import { payloadElement, toCodec } from './codec.js';
import type { HashPayload, KePayload, NoncePayload, VendorIdPayload } from './types.js';
import { putBytes } from './wire-writer.js';

type OpaquePayload = KePayload | HashPayload | NoncePayload | VendorIdPayload;

function opaquePayload<T extends OpaquePayload>(kind: T['kind'], what: string) {
  const data = `${what} data`;
  return toCodec(
    payloadElement<T>(what, {
      bodyLength: (p) => p.data.length,
      writeBody: (p, buf, offset) => putBytes(buf, offset, p.data),
      readBody: (r, offset, end) => ({ kind, data: r.bytes(offset, end - offset, end, data) }) as Omit<T, 'nextPayload' | 'reserved' | 'length'>,
    }),
  );
}

export const kePayload = opaquePayload<KePayload>('ke', 'KE');
export const hashPayload = opaquePayload<HashPayload>('hash', 'HASH');
export const noncePayload = opaquePayload<NoncePayload>('nonce', 'Nonce');
export const vendorIdPayload = opaquePayload<VendorIdPayload>('vendor-id', 'Vendor ID');
