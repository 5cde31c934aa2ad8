/**
 * The IKEv2 payload chain (RFC 7296 §3.2): the body of a plaintext message and
 * the plaintext inside SK. Types RFC 7296 names but the codec does not model
 * (CERT, CERTREQ, CP, EAP, SKF) and unknown non-critical types decode as raw.
 */
import type { Element } from '../codec.js';
import { rawPayload } from '../raw-payload.js';
import { WireReader } from '../wire-reader.js';
import { IKEV2_PAYLOAD_TYPES } from './constants.js';
import { ikev2DeletePayload } from './delete-payload.js';
import { CRITICAL_BIT } from './generic-payload.js';
import { ikev2KePayload } from './ke-payload.js';
import { ikev2NotifyPayload } from './notify-payload.js';
import { ikev2NoncePayload, ikev2VendorIdPayload } from './opaque-payload.js';
import { ikev2SaPayload } from './sa-payload.js';
import { skPayload } from './sk-payload.js';
import { tsiPayload, tsrPayload } from './ts-payload.js';
import { authPayload, idiPayload, idrPayload } from './typed-data-payload.js';
import type { Ikev2Payload } from './types.js';
import { UnsupportedCriticalPayloadError } from './unsupported-critical-error.js';

type Kind = Exclude<Ikev2Payload['kind'], 'raw'>;

const KIND_OF_TYPE = new Map<number, Kind>([
  [IKEV2_PAYLOAD_TYPES.SA, 'sa'],
  [IKEV2_PAYLOAD_TYPES.KE, 'ke'],
  [IKEV2_PAYLOAD_TYPES.IDI, 'idi'],
  [IKEV2_PAYLOAD_TYPES.IDR, 'idr'],
  [IKEV2_PAYLOAD_TYPES.AUTH, 'auth'],
  [IKEV2_PAYLOAD_TYPES.NONCE, 'nonce'],
  [IKEV2_PAYLOAD_TYPES.NOTIFY, 'notify'],
  [IKEV2_PAYLOAD_TYPES.DELETE, 'delete'],
  [IKEV2_PAYLOAD_TYPES.VENDOR_ID, 'vendor-id'],
  [IKEV2_PAYLOAD_TYPES.TSI, 'tsi'],
  [IKEV2_PAYLOAD_TYPES.TSR, 'tsr'],
  [IKEV2_PAYLOAD_TYPES.SK, 'sk'],
]);

const TYPE_OF_KIND = new Map(Array.from(KIND_OF_TYPE, ([type, kind]) => [kind, type] as const));

const KNOWN_TYPES = new Set<number>(Object.values(IKEV2_PAYLOAD_TYPES));

/** The payload shape whose kind set includes K (IDi/IDr and Nonce/Vendor ID share one shape each). */
type ShapeOf<K> = Ikev2Payload extends infer P ? (P extends { kind: infer PK } ? (K extends PK ? P : never) : never) : never;

const ELEMENTS: { [K in Ikev2Payload['kind']]: Element<ShapeOf<K>> } = {
  sa: ikev2SaPayload,
  ke: ikev2KePayload,
  idi: idiPayload,
  idr: idrPayload,
  auth: authPayload,
  nonce: ikev2NoncePayload,
  notify: ikev2NotifyPayload,
  delete: ikev2DeletePayload,
  'vendor-id': ikev2VendorIdPayload,
  tsi: tsiPayload,
  tsr: tsrPayload,
  sk: skPayload,
  // IKEv1's raw codec: same 4-byte header, with byte 1 (C bit and reserved bits) kept whole in `reserved`.
  raw: rawPayload,
};

function elementOf(kind: Ikev2Payload['kind']): Element<Ikev2Payload> {
  return ELEMENTS[kind] as Element<Ikev2Payload>;
}

/** The next-payload number that announces `payload`. */
export function ikev2PayloadTypeOf(payload: Ikev2Payload): number {
  return payload.kind === 'raw' ? payload.payloadType : (TYPE_OF_KIND.get(payload.kind) as number);
}

export function ikev2PayloadsLength(payloads: readonly Ikev2Payload[]): number {
  return payloads.reduce((sum, p) => sum + elementOf(p.kind).length(p), 0);
}

/** Each next-payload is the type of the payload after it (0 for the last) unless overridden; SK's names its first inner payload. */
export function writeIkev2Payloads(payloads: readonly Ikev2Payload[], buf: Uint8Array, offset: number): number {
  let at = offset;
  payloads.forEach((p, i) => {
    const next = payloads[i + 1];
    const nextPayload = p.nextPayload ?? (p.kind === 'sk' ? p.firstPayload : next ? ikev2PayloadTypeOf(next) : 0);
    at = elementOf(p.kind).write({ ...p, nextPayload }, buf, at);
  });
  return at;
}

function readPayload(r: WireReader, type: number, offset: number, end: number): Ikev2Payload {
  const kind = KIND_OF_TYPE.get(type);
  if (kind) return elementOf(kind).read(r, offset, end);
  const raw = rawPayload.read(r, offset, end);
  if (!KNOWN_TYPES.has(type) && ((raw.reserved as number) & CRITICAL_BIT) !== 0) throw new UnsupportedCriticalPayloadError(type, offset + 1 + r.base);
  return { ...raw, payloadType: type };
}

/** Reads from `firstType` until next-payload 0 or the SK payload, which RFC 7296 §3.14 puts last. */
export function readIkev2Payloads(r: WireReader, firstType: number, offset: number, end: number): { payloads: Ikev2Payload[]; end: number } {
  const payloads: Ikev2Payload[] = [];
  let type = firstType;
  let at = offset;
  while (type !== IKEV2_PAYLOAD_TYPES.NONE) {
    const p = readPayload(r, type, at, end);
    payloads.push(p);
    at += p.length as number;
    if (p.kind === 'sk') break;
    type = p.nextPayload as number;
  }
  return { payloads, end: at };
}

export function encodeIkev2Payloads(payloads: readonly Ikev2Payload[]): Uint8Array {
  const out = new Uint8Array(ikev2PayloadsLength(payloads));
  writeIkev2Payloads(payloads, out, 0);
  return out;
}

/**
 * Decodes the plaintext of an SK payload (padding already removed by the
 * cipher). `baseOffset` places error offsets in the plaintext as a whole;
 * bytes after the last payload are an error.
 */
export function decodeIkev2Payloads(firstType: number, bytes: Uint8Array, baseOffset = 0): Ikev2Payload[] {
  const r = new WireReader(bytes, baseOffset);
  const { payloads, end } = readIkev2Payloads(r, firstType, 0, bytes.length);
  if (end < bytes.length) r.fail('ERR_WIRE_TRAILING_BYTES', end, `${bytes.length - end} byte(s) after the last payload`);
  return payloads;
}
