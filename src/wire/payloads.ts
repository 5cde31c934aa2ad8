/**
 * A chain of payloads linked by next-payload (RFC 2408 §3.2): the codec for
 * the body of a plaintext message and for decrypted ciphertext, which src/ike
 * encrypts and decrypts itself.
 */
import type { Element } from './codec.js';
import { PAYLOAD_TYPES } from './constants.js';
import { deletePayload } from './delete-payload.js';
import { idPayload } from './id-payload.js';
import { natDPayload } from './nat-d-payload.js';
import { notifyPayload } from './notify-payload.js';
import { hashPayload, kePayload, noncePayload, vendorIdPayload } from './opaque-payload.js';
import { rawPayload } from './raw-payload.js';
import { saPayload } from './sa-payload.js';
import type { Payload } from './types.js';
import { WireReader } from './wire-reader.js';

/** The next-payload number that announces `payload`. */
export function payloadTypeOf(payload: Payload): number {
  switch (payload.kind) {
    case 'sa':
      return PAYLOAD_TYPES.SA;
    case 'ke':
      return PAYLOAD_TYPES.KE;
    case 'id':
      return PAYLOAD_TYPES.ID;
    case 'hash':
      return PAYLOAD_TYPES.HASH;
    case 'nonce':
      return PAYLOAD_TYPES.NONCE;
    case 'notify':
      return PAYLOAD_TYPES.NOTIFY;
    case 'delete':
      return PAYLOAD_TYPES.DELETE;
    case 'vendor-id':
      return PAYLOAD_TYPES.VENDOR_ID;
    case 'nat-d':
      return payload.payloadType ?? PAYLOAD_TYPES.NAT_D;
    case 'raw':
      return payload.payloadType;
  }
}

const ELEMENTS: { [K in Payload['kind']]: Element<Extract<Payload, { kind: K }>> } = {
  sa: saPayload,
  ke: kePayload,
  id: idPayload,
  hash: hashPayload,
  nonce: noncePayload,
  notify: notifyPayload,
  delete: deletePayload,
  'vendor-id': vendorIdPayload,
  'nat-d': natDPayload,
  raw: rawPayload,
};

function elementOf(payload: Payload): Element<Payload> {
  return ELEMENTS[payload.kind] as Element<Payload>;
}

/** Decodes one payload announced as `type`; types the codec does not model come back as `raw`. */
function readPayload(r: WireReader, type: number, offset: number, end: number): Payload {
  switch (type) {
    case PAYLOAD_TYPES.SA:
      return saPayload.read(r, offset, end);
    case PAYLOAD_TYPES.KE:
      return kePayload.read(r, offset, end);
    case PAYLOAD_TYPES.ID:
      return idPayload.read(r, offset, end);
    case PAYLOAD_TYPES.HASH:
      return hashPayload.read(r, offset, end);
    case PAYLOAD_TYPES.NONCE:
      return noncePayload.read(r, offset, end);
    case PAYLOAD_TYPES.NOTIFY:
      return notifyPayload.read(r, offset, end);
    case PAYLOAD_TYPES.DELETE:
      return deletePayload.read(r, offset, end);
    case PAYLOAD_TYPES.VENDOR_ID:
      return vendorIdPayload.read(r, offset, end);
    case PAYLOAD_TYPES.NAT_D:
    case PAYLOAD_TYPES.NAT_D_DRAFT:
      return { ...natDPayload.read(r, offset, end), payloadType: type };
    default:
      return { ...rawPayload.read(r, offset, end), payloadType: type };
  }
}

export function payloadsLength(payloads: readonly Payload[]): number {
  return payloads.reduce((sum, p) => sum + elementOf(p).length(p), 0);
}

/** Writes the chain; each payload's next-payload is the type of the one after it (0 for the last) unless overridden. */
export function writePayloads(payloads: readonly Payload[], buf: Uint8Array, offset: number): number {
  let at = offset;
  payloads.forEach((p, i) => {
    const next = payloads[i + 1];
    at = elementOf(p).write({ ...p, nextPayload: p.nextPayload ?? (next ? payloadTypeOf(next) : 0) }, buf, at);
  });
  return at;
}

export function readPayloads(r: WireReader, firstType: number, offset: number, end: number): { payloads: Payload[]; end: number } {
  const payloads: Payload[] = [];
  let type = firstType;
  let at = offset;
  while (type !== PAYLOAD_TYPES.NONE) {
    const p = readPayload(r, type, at, end);
    payloads.push(p);
    at += p.length as number;
    type = p.nextPayload as number;
  }
  return { payloads, end: at };
}

export function encodePayloads(payloads: readonly Payload[]): Uint8Array {
  const out = new Uint8Array(payloadsLength(payloads));
  writePayloads(payloads, out, 0);
  return out;
}

/**
 * Decodes a chain that starts with a payload of `firstType`. Decrypted
 * plaintext ends in cipher padding after the last payload (RFC 2409 App. B),
 * so whatever follows next-payload 0 is returned as `padding`, not rejected.
 * `baseOffset` is where `bytes` sit in the whole message, so error offsets
 * point into the datagram a user sees in Wireshark.
 */
export function decodePayloads(firstType: number, bytes: Uint8Array, baseOffset = 0): { payloads: Payload[]; padding: Uint8Array } {
  const { payloads, end } = readPayloads(new WireReader(bytes, baseOffset), firstType, 0, bytes.length);
  return { payloads, padding: bytes.slice(end) };
}
