/** Finding payloads in a decoded IKEv2 payload list, and the few every exchange builds. */
import { IKEV2_ID_TYPES, IKEV2_PROTOCOL_IDS } from '../../wire/ikev2/constants.js';
import type { Ikev2NotifyPayload, Ikev2Payload } from '../../wire/ikev2/types.js';
import type { Endpoint } from '../../events.js';
import type { Ikev2Identity } from './ikev2-config.js';

/** The payload shape whose kind set includes K (IDi/IDr and Nonce/Vendor ID share one shape each). */
type ShapeOf<K, P = Ikev2Payload> = P extends { kind: infer PK } ? (K extends PK ? P : never) : never;

export function find<K extends Ikev2Payload['kind']>(payloads: readonly Ikev2Payload[], kind: K): ShapeOf<K> | undefined {
  return payloads.find((p) => p.kind === kind) as ShapeOf<K> | undefined;
}

export function notifies(payloads: readonly Ikev2Payload[]): Ikev2NotifyPayload[] {
  return payloads.filter((p): p is Ikev2NotifyPayload => p.kind === 'notify');
}

export function findNotify(payloads: readonly Ikev2Payload[], notifyType: number): Ikev2NotifyPayload | undefined {
  return notifies(payloads).find((n) => n.notifyType === notifyType);
}

/** A notify about no particular SA (RFC 7296 §3.10: protocol 0, no SPI). */
export function notify(notifyType: number, data: Uint8Array = new Uint8Array(0), protocolId: number = IKEV2_PROTOCOL_IDS.NONE, spi: Uint8Array = new Uint8Array(0)): Ikev2NotifyPayload {
  return { kind: 'notify', protocolId, notifyType, spi, data };
}

/** The configured identity, or ID_IPV4_ADDR of the local address (RFC 7296 §3.5). */
export function identityOf(configured: Ikev2Identity | undefined, local: Endpoint): Ikev2Identity {
  if (configured) return configured;
  return { idType: IKEV2_ID_TYPES.ID_IPV4_ADDR, data: Uint8Array.from(local.address.split('.').map(Number)) };
}

/** RFC 7296 §2.15 RestOfInitIDPayload: the ID payload body after its generic header (type, 3 reserved bytes, data). */
export function idBody(id: Ikev2Identity): Uint8Array {
  const body = new Uint8Array(4 + id.data.length);
  body[0] = id.idType;
  body.set(id.data, 4);
  return body;
}
