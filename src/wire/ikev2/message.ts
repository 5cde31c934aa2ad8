/**
 * Whole IKEv2 messages: header then the payload chain, whose last payload may
 * be SK; src/crypto opens SK and hands its plaintext to decodeIkev2Payloads().
 */
import { WireReader } from '../wire-reader.js';
import { putBytes } from '../wire-writer.js';
import { ikev2Header, IKEV2_HEADER_LENGTH } from './header.js';
import { ikev2PayloadsLength, ikev2PayloadTypeOf, readIkev2Payloads, writeIkev2Payloads } from './payloads.js';
import type { Ikev2Message } from './types.js';

export function ikev2MessageEncodingLength(msg: Ikev2Message): number {
  return IKEV2_HEADER_LENGTH + ikev2PayloadsLength(msg.payloads) + (msg.trailing?.length ?? 0);
}

/** next-payload and length are computed unless overridden; `trailing` is appended outside the length. */
export function encodeIkev2Message(msg: Ikev2Message): Uint8Array {
  const out = new Uint8Array(ikev2MessageEncodingLength(msg));
  const first = msg.payloads[0];
  ikev2Header.write(
    {
      ...msg,
      nextPayload: msg.nextPayload ?? (first ? ikev2PayloadTypeOf(first) : 0),
      length: msg.length ?? IKEV2_HEADER_LENGTH + ikev2PayloadsLength(msg.payloads),
    },
    out,
    0,
  );
  const end = writeIkev2Payloads(msg.payloads, out, IKEV2_HEADER_LENGTH);
  if (msg.trailing) putBytes(out, end, msg.trailing);
  return out;
}

/**
 * Decodes one datagram (without the 4500 non-ESP marker). Major version must
 * be 2 (RFC 7296 §3.1: a higher major version is answered, not parsed).
 * Bytes past `length` go to `trailing`; bytes between the last payload and
 * `length` are ERR_WIRE_TRAILING_BYTES.
 */
export function decodeIkev2Message(bytes: Uint8Array): Ikev2Message {
  const r = new WireReader(bytes);
  const h = ikev2Header.read(r, 0, bytes.length);
  const version = h.version as number;
  if (version >>> 4 !== 2) r.fail('ERR_WIRE_BAD_VERSION', 17, `major version ${version >>> 4} is not IKEv2 (2)`);
  const length = h.length as number;
  if (length < IKEV2_HEADER_LENGTH) r.fail('ERR_WIRE_BAD_LENGTH', 24, `message length ${length} is shorter than the header`);
  if (length > bytes.length) r.fail('ERR_WIRE_BAD_LENGTH', 24, `message length ${length} exceeds the ${bytes.length}-byte datagram`);
  const { payloads, end } = readIkev2Payloads(r, h.nextPayload as number, IKEV2_HEADER_LENGTH, length);
  if (end < length) r.fail('ERR_WIRE_TRAILING_BYTES', end, `${length - end} byte(s) after the last payload`);
  return { ...h, payloads, ...(bytes.length > length ? { trailing: bytes.slice(length) } : {}) };
}
