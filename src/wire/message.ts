/**
 * Whole ISAKMP messages: header, then either the payload chain or, with the
 * E flag set, the ciphertext that src/ike decrypts and hands to decodePayloads().
 */
import { header, HEADER_LENGTH } from './header.js';
import { payloadsLength, payloadTypeOf, readPayloads, writePayloads } from './payloads.js';
import type { IsakmpMessage } from './types.js';
import { WireReader } from './wire-reader.js';
import { putBytes } from './wire-writer.js';

function bodyLength(msg: IsakmpMessage): number {
  return msg.encrypted ? msg.encrypted.length : payloadsLength(msg.payloads);
}

/** Bytes encodeMessage writes, trailing bytes included. */
export function messageEncodingLength(msg: IsakmpMessage): number {
  return HEADER_LENGTH + bodyLength(msg) + (msg.trailing?.length ?? 0);
}

/**
 * Computes next-payload (type of payloads[0]) and length (header + body,
 * without `trailing`) unless the message overrides them. When `encrypted` is
 * present it is written as the body and `payloads` is ignored.
 */
export function encodeMessage(msg: IsakmpMessage): Uint8Array {
  const out = new Uint8Array(messageEncodingLength(msg));
  const first = msg.payloads[0];
  header.write(
    {
      ...msg,
      nextPayload: msg.nextPayload ?? (first ? payloadTypeOf(first) : 0),
      length: msg.length ?? HEADER_LENGTH + bodyLength(msg),
    },
    out,
    0,
  );
  let end: number;
  if (msg.encrypted) {
    putBytes(out, HEADER_LENGTH, msg.encrypted);
    end = HEADER_LENGTH + msg.encrypted.length;
  } else {
    end = writePayloads(msg.payloads, out, HEADER_LENGTH);
  }
  if (msg.trailing) putBytes(out, end, msg.trailing);
  return out;
}

/**
 * Decodes one datagram. Anything after the header's length is kept in
 * `trailing`; bytes between the last plaintext payload and the length are an
 * error (ERR_WIRE_TRAILING_BYTES), since only ciphertext carries padding.
 *
 * `views`: the cookies and the ciphertext are views into `bytes`, not copies, for a caller that
 * neither changes `bytes` while it uses the message nor keeps those fields without copying them
 * (the engine decrypts the ciphertext at once and copies a cookie it keeps). Plaintext payloads
 * are copies either way: an exchange keeps nonces and g^x as decoded.
 */
export function decodeMessage(bytes: Uint8Array, views = false): IsakmpMessage {
  const r = new WireReader(bytes, 0, undefined, views);
  const h = header.read(r, 0, bytes.length);
  const version = h.version as number;
  if (version >>> 4 !== 1) r.fail('ERR_WIRE_BAD_VERSION', 17, `major version ${version >>> 4} is not ISAKMP/IKEv1 (1)`);
  const length = h.length as number;
  if (length < HEADER_LENGTH) r.fail('ERR_WIRE_BAD_LENGTH', 24, `message length ${length} is shorter than the header`);
  if (length > bytes.length) r.fail('ERR_WIRE_BAD_LENGTH', 24, `message length ${length} exceeds the ${bytes.length}-byte datagram`);
  // The header read above is ours alone: it becomes the message, without the spread copies V8 makes slowly.
  const msg = h as IsakmpMessage;
  if (h.flags.encryption) {
    msg.payloads = [];
    msg.encrypted = views ? bytes.subarray(HEADER_LENGTH, length) : bytes.slice(HEADER_LENGTH, length);
  } else {
    const { payloads, end } = readPayloads(views ? new WireReader(bytes) : r, h.nextPayload as number, HEADER_LENGTH, length);
    if (end < length) r.fail('ERR_WIRE_TRAILING_BYTES', end, `${length - end} byte(s) after the last payload of an unencrypted message`);
    msg.payloads = payloads;
  }
  if (bytes.length > length) msg.trailing = bytes.slice(length);
  return msg;
}
