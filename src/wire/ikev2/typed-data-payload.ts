/**
 * Payloads whose body is a one-byte type, 3 reserved bytes and opaque data:
 * IDi/IDr (RFC 7296 §3.5, ID Type) and AUTH (§3.8, Auth Method). One layout, three codecs.
 */
import { WireError } from '../../errors.js';
import { toCodec, type Codec, type Element } from '../codec.js';
import type { WireReader } from '../wire-reader.js';
import { putBytes, putU16, putU8 } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import type { Ikev2AuthPayload, Ikev2IdPayload } from './types.js';

function putU24(buf: Uint8Array, offset: number, value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffff) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `${what} ${value} does not fit in 24 bits`);
  putU8(buf, offset, Math.floor(value / 0x10000), what);
  putU16(buf, offset + 1, value % 0x10000, what);
}

function readU24(r: WireReader, offset: number, end: number, what: string): number {
  r.need(offset, 3, end, what);
  return r.u8(offset, end, what) * 0x10000 + r.u16(offset + 1, end, what);
}

function typedData<T extends Ikev2IdPayload | Ikev2AuthPayload>(
  kind: T['kind'],
  what: string,
  typeField: 'idType' | 'authMethod',
): Codec<T> & Element<T> {
  return toCodec(
    ikev2PayloadElement<T>(what, {
      bodyLength: (p) => 4 + p.data.length,
      writeBody(p, buf, offset) {
        putU8(buf, offset, (p as unknown as Record<string, number>)[typeField], `${what} ${typeField}`);
        putU24(buf, offset + 1, p.reserved2 ?? 0, `${what} reserved`);
        putBytes(buf, offset + 4, p.data);
      },
      readBody: (r, offset, end) =>
        ({
          kind,
          [typeField]: r.u8(offset, end, `${what} ${typeField}`),
          reserved2: readU24(r, offset + 1, end, `${what} reserved`),
          data: r.bytes(offset + 4, end - offset - 4, end, `${what} data`),
        }) as unknown as Omit<T, 'nextPayload' | 'reserved' | 'length'>,
    }),
  );
}

export const idiPayload = typedData<Ikev2IdPayload>('idi', 'IDi', 'idType');
export const idrPayload = typedData<Ikev2IdPayload>('idr', 'IDr', 'idType');
export const authPayload = typedData<Ikev2AuthPayload>('auth', 'AUTH', 'authMethod');
