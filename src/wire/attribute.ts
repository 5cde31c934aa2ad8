/**
 * Data attributes (RFC 2408 §3.3). The top bit of the type word is the AF
 * flag: set → TV (2-byte value in place of a length), clear → TLV.
 */
import { WireError } from '../errors.js';
import { toCodec, type Element } from './codec.js';
import type { Attribute } from './types.js';
import type { WireReader } from './wire-reader.js';
import { putBytes, putU16, putU32 } from './wire-writer.js';

const AF_TV = 0x8000;

function formOf(attr: Attribute): 'tv' | 'tlv' {
  return attr.form ?? (typeof attr.value === 'number' && attr.value <= 0xffff ? 'tv' : 'tlv');
}

/** TLV value bytes: numbers take 4 bytes, or 8 when they need them (strongSwan transform_attribute.c does the same). */
function tlvValue(attr: Attribute, offset: number): Uint8Array {
  if (typeof attr.value !== 'number') return attr.value;
  const v = attr.value;
  if (!Number.isSafeInteger(v) || v < 0) throw new WireError('ERR_WIRE_BAD_VALUE', offset, `attribute ${attr.type} value ${v} is not an unsigned integer`);
  const out = new Uint8Array(v > 0xffffffff ? 8 : 4);
  const view = new DataView(out.buffer);
  if (out.length === 8) view.setBigUint64(0, BigInt(v));
  else view.setUint32(0, v);
  return out;
}

export const attribute = toCodec<Attribute>({
  length: (attr) => (formOf(attr) === 'tv' ? 4 : 4 + tlvValue(attr, 0).length),
  write(attr, buf, offset) {
    if (!Number.isInteger(attr.type) || attr.type < 0 || attr.type > 0x7fff) {
      throw new WireError('ERR_WIRE_BAD_VALUE', offset, `attribute type ${attr.type} does not fit in 15 bits`);
    }
    if (formOf(attr) === 'tv') {
      putU16(buf, offset, AF_TV | attr.type, 'attribute type');
      if (typeof attr.value === 'number') putU16(buf, offset + 2, attr.value, `attribute ${attr.type} TV value`);
      else if (attr.value.length === 2) putBytes(buf, offset + 2, attr.value);
      else throw new WireError('ERR_WIRE_BAD_VALUE', offset + 2, `attribute ${attr.type} TV value must be 2 bytes, got ${attr.value.length}`);
      return offset + 4;
    }
    const value = tlvValue(attr, offset + 4);
    putU16(buf, offset, attr.type, 'attribute type');
    putU16(buf, offset + 2, value.length, `attribute ${attr.type} length`);
    putBytes(buf, offset + 4, value);
    return offset + 4 + value.length;
  },
  read(r, offset, end) {
    const word = r.u16(offset, end, 'attribute type');
    const type = word & 0x7fff;
    if (word & AF_TV) return { type, value: r.u16(offset + 2, end, `attribute ${type} value`), form: 'tv' };
    const length = r.u16(offset + 2, end, `attribute ${type} length`);
    if (offset + 4 + length > end) r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `attribute ${type} length ${length} runs past its transform`);
    const bytes = r.bytes(offset + 4, length, end, `attribute ${type} value`);
    return { type, value: asNumber(bytes) ?? bytes, form: 'tlv' };
  },
} satisfies Element<Attribute>);

/** The inverse of tlvValue: only the byte shapes it produces come back as numbers, so re-encoding is byte-exact. */
function asNumber(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 4) return view.getUint32(0);
  if (bytes.length === 8) {
    const v = view.getBigUint64(0);
    if (v > 0xffffffffn && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  }
  return undefined;
}

/** Reads attributes back to back until `end`; an attribute that straddles `end` is an error. */
export function readAttributes(r: WireReader, offset: number, end: number): Attribute[] {
  const out: Attribute[] = [];
  let at = offset;
  while (at < end) {
    const attr = attribute.read(r, at, end);
    out.push(attr);
    at += attribute.length(attr);
  }
  return out;
}

export function writeAttributes(attrs: readonly Attribute[], buf: Uint8Array, offset: number): number {
  return attrs.reduce((at, attr) => attribute.write(attr, buf, at), offset);
}

export function attributesLength(attrs: readonly Attribute[]): number {
  return attrs.reduce((sum, attr) => sum + attribute.length(attr), 0);
}
