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
import { natOaPayload } from './nat-oa-payload.js';
import { notifyPayload } from './notify-payload.js';
import { hashPayload, kePayload, noncePayload, vendorIdPayload } from './opaque-payload.js';
import { rawPayload } from './raw-payload.js';
import { saPayload } from './sa-payload.js';
import type { Payload } from './types.js';
import { WireReader } from './wire-reader.js';

/** Payload types the codec models; every other type decodes as `raw`. */
const KIND_OF_TYPE = new Map<number, Exclude<Payload['kind'], 'raw'>>([
  [PAYLOAD_TYPES.SA, 'sa'],
  [PAYLOAD_TYPES.KE, 'ke'],
  [PAYLOAD_TYPES.ID, 'id'],
  [PAYLOAD_TYPES.HASH, 'hash'],
  [PAYLOAD_TYPES.NONCE, 'nonce'],
  [PAYLOAD_TYPES.NOTIFY, 'notify'],
  [PAYLOAD_TYPES.DELETE, 'delete'],
  [PAYLOAD_TYPES.VENDOR_ID, 'vendor-id'],
  [PAYLOAD_TYPES.NAT_D, 'nat-d'],
  [PAYLOAD_TYPES.NAT_D_DRAFT, 'nat-d'],
  [PAYLOAD_TYPES.NAT_OA, 'nat-oa'],
  [PAYLOAD_TYPES.NAT_OA_DRAFT, 'nat-oa'],
]);

const TYPE_OF_KIND = new Map(Array.from(KIND_OF_TYPE, ([type, kind]) => [kind, type] as const));

/** The next-payload number that announces `payload`. */
export function payloadTypeOf(payload: Payload): number {
  if (payload.kind === 'raw') return payload.payloadType;
  if (payload.kind === 'nat-d') return payload.payloadType ?? PAYLOAD_TYPES.NAT_D;
  if (payload.kind === 'nat-oa') return payload.payloadType ?? PAYLOAD_TYPES.NAT_OA;
  return TYPE_OF_KIND.get(payload.kind) as number;
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
  'nat-oa': natOaPayload,
  raw: rawPayload,
};

function elementOf(kind: Payload['kind']): Element<Payload> {
  return ELEMENTS[kind] as Element<Payload>;
}

/** Decodes one payload announced as `type`. NAT-D, NAT-OA and raw payloads record the type, which lives in the previous next-payload byte. */
function readPayload(r: WireReader, type: number, offset: number, end: number): Payload {
  const kind = KIND_OF_TYPE.get(type) ?? 'raw';
  const payload = elementOf(kind).read(r, offset, end);
  return kind === 'nat-d' || kind === 'nat-oa' || kind === 'raw' ? ({ ...payload, payloadType: type } as Payload) : payload;
}

export function payloadsLength(payloads: readonly Payload[]): number {
  return payloads.reduce((sum, p) => sum + elementOf(p.kind).length(p), 0);
}

/**
 * Writes the chain; each payload's next-payload is the type of the one after it (0 for the last) unless overridden.
 * The computed type goes straight into the generic header's first byte (RFC 2408 §3.2) rather than into a copy
 * of the payload: a spread plus one more property is V8's slow path, and it was a tenth of a DPD answer.
 */
export function writePayloads(payloads: readonly Payload[], buf: Uint8Array, offset: number): number {
  let at = offset;
  payloads.forEach((p, i) => {
    const next = payloads[i + 1];
    at = elementOf(p.kind).write(p, buf, at, next ? payloadTypeOf(next) : 0);
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

/** A decoded chain and where it ended in its bytes. */
export class DecodedChain {
  constructor(
    readonly payloads: Payload[],
    readonly end: number,
    private readonly bytes: Uint8Array,
  ) {}

  /**
   * What follows next-payload 0, a view into the decoded bytes (the padding is no decoded value),
   * made only when read: the engine needs `end` alone. A prototype getter, not one in an object
   * literal, which would cost a closure per chain.
   */
  get padding(): Uint8Array {
    return this.bytes.subarray(this.end);
  }
}

/**
 * Decodes a chain that starts with a payload of `firstType`. Decrypted
 * plaintext ends in cipher padding after the last payload (RFC 2409 App. B),
 * so whatever follows next-payload 0 is returned as `padding`, not rejected.
 * `baseOffset` is where `bytes` sit in the whole message, so error offsets
 * point into the datagram a user sees in Wireshark. `owned`: see WireReader.
 */
export function decodePayloads(firstType: number, bytes: Uint8Array, baseOffset = 0, owned = false): DecodedChain {
  const { payloads, end } = readPayloads(new WireReader(bytes, baseOffset, undefined, owned), firstType, 0, bytes.length);
  return new DecodedChain(payloads, end, bytes);
}
