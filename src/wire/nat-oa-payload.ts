/**
 * NAT-OA payload (RFC 3947 §5.2; type 131 in the drafts): the original address the
 * sender saw, as ID type (1 IPv4, 5 IPv6), three reserved bytes, the address.
 */
import { payloadElement, toCodec } from './codec.js';
import type { NatOaPayload } from './types.js';
import { putBytes, putU16, putU8 } from './wire-writer.js';

export const natOaPayload = toCodec(
  payloadElement<NatOaPayload>('NAT-OA', {
    bodyLength: (p) => 4 + p.address.length,
    writeBody(p, buf, offset) {
      const reserved = p.reserved3 ?? 0;
      putU8(buf, offset, p.idType, 'NAT-OA ID type');
      putU8(buf, offset + 1, reserved >>> 16, 'NAT-OA reserved');
      putU16(buf, offset + 2, reserved & 0xffff, 'NAT-OA reserved');
      putBytes(buf, offset + 4, p.address);
    },
    readBody: (r, offset, end) => ({
      kind: 'nat-oa' as const,
      idType: r.u8(offset, end, 'NAT-OA ID type'),
      reserved3: (r.u8(offset + 1, end, 'NAT-OA reserved') << 16) | r.u16(offset + 2, end, 'NAT-OA reserved'),
      address: r.bytes(offset + 4, end - offset - 4, end, 'NAT-OA address'),
    }),
  }),
);
