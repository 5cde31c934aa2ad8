/**
 * The dns-packet shape every wire element exports: encodingLength / encode /
 * decode. Elements are written as `Element`s (length, write, read) so that
 * containers compose them in one buffer without copies; `toCodec` adds the
 * public triple on top.
 */
import { WireError } from '../errors.js';
import type { PayloadOverrides } from './types.js';
import { WireReader } from './wire-reader.js';
import { putU16, putU8 } from './wire-writer.js';

export interface Codec<T> {
  /** Bytes `encode` will write (the real size, whatever a `length` override says). */
  encodingLength(value: T): number;
  /** Writes into `buf` at `offset` (a new buffer of exactly the right size when absent) and returns the buffer. */
  encode(value: T, buf?: Uint8Array, offset?: number): Uint8Array;
  /** Decodes the element at `offset`, never reading at or past `end` (default: the buffer's end). */
  decode(buf: Uint8Array, offset?: number, end?: number): T;
}

export interface Element<T> {
  length(value: T): number;
  /**
   * Returns the offset after the written bytes. `next`: the next-payload value a chain computed
   * for a payload element, written unless the value overrides it (passed, not spread into a copy
   * of every payload of every message).
   */
  write(value: T, buf: Uint8Array, offset: number, next?: number): number;
  read(r: WireReader, offset: number, end: number): T;
}

export function toCodec<T>(element: Element<T>): Codec<T> & Element<T> {
  return {
    ...element,
    encodingLength: (value) => element.length(value),
    encode(value, buf, offset = 0) {
      const out = buf ?? new Uint8Array(offset + element.length(value));
      if (offset + element.length(value) > out.length) {
        throw new WireError('ERR_WIRE_TRUNCATED', offset, `buffer too small for ${element.length(value)} byte(s)`);
      }
      element.write(value, out, offset);
      return out;
    },
    decode: (buf, offset = 0, end = buf.length) => element.read(new WireReader(buf), offset, Math.min(end, buf.length)),
  };
}

/** The part of a payload after its 4-byte generic header (RFC 2408 §3.2). */
export interface PayloadBody<T extends PayloadOverrides> {
  bodyLength(value: T): number;
  /** Must write exactly bodyLength(value) bytes. */
  writeBody(value: T, buf: Uint8Array, offset: number): void;
  /** Must account for every byte of [offset, end) or throw. */
  readBody(r: WireReader, offset: number, end: number): Omit<T, keyof PayloadOverrides>;
}

/** Wraps a body in the generic payload header; next-payload defaults to 0, the container fills it in. */
export function payloadElement<T extends PayloadOverrides>(what: string, body: PayloadBody<T>): Element<T> {
  // The field names are built once per element, not once per read: decoding a message otherwise spent its time concatenating them.
  const names = { header: `${what} header`, next: `${what} next payload`, reserved: `${what} reserved`, length: `${what} length` };
  return {
    length: (value) => 4 + body.bodyLength(value),
    write(value, buf, offset, next = 0) {
      const length = 4 + body.bodyLength(value);
      putU8(buf, offset, value.nextPayload ?? next, names.next);
      putU8(buf, offset + 1, value.reserved ?? 0, names.reserved);
      putU16(buf, offset + 2, value.length ?? length, names.length);
      body.writeBody(value, buf, offset + 4);
      return offset + length;
    },
    read(r, offset, end) {
      r.need(offset, 4, end, names.header);
      const nextPayload = r.u8(offset, end, names.next);
      const reserved = r.u8(offset + 1, end, names.reserved);
      const length = r.u16(offset + 2, end, names.length);
      if (length < 4) r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `${what} length ${length} is shorter than its own header`);
      if (offset + length > end) {
        r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `${what} length ${length} runs ${offset + length - end} byte(s) past its container`);
      }
      const decoded = body.readBody(r, offset + 4, offset + length) as T;
      decoded.nextPayload = nextPayload;
      decoded.reserved = reserved;
      decoded.length = length;
      return decoded;
    },
  };
}

/**
 * Proposals inside an SA and transforms inside a proposal form a chain linked
 * by next-payload (RFC 2408 §3.5, §3.6). `linkType` is the value a non-last
 * element carries unless it overrides it.
 */
export function writeChain<T extends PayloadOverrides>(
  items: readonly T[],
  element: Element<T>,
  linkType: (next: T | undefined) => number,
  buf: Uint8Array,
  offset: number,
): number {
  let at = offset;
  items.forEach((item, i) => {
    at = element.write(item, buf, at, linkType(items[i + 1]));
  });
  return at;
}

export function chainLength<T>(items: readonly T[], element: Element<T>): number {
  return items.reduce((sum, item) => sum + element.length(item), 0);
}

/** Reads until an element says next = 0 or the region ends; bytes left after the last one are an error. */
export function readChain<T extends PayloadOverrides & { length?: number }>(
  r: WireReader,
  element: Element<T>,
  offset: number,
  end: number,
  what: string,
): T[] {
  const items: T[] = [];
  let at = offset;
  while (at < end) {
    const item = element.read(r, at, end);
    items.push(item);
    at += item.length as number;
    if (item.nextPayload === 0) break;
  }
  if (at < end) r.fail('ERR_WIRE_TRAILING_BYTES', at, `${end - at} byte(s) after the last ${what}`);
  return items;
}
