/**
 * The commands the fake peer gives the IKEv2 engine (src/ike/v2), beside the
 * IKEv1 port (engine-port.ts): the shapes are the engine's own; `Ikev2Engine`
 * implements it, and peer tests may script it.
 */
import type { InboundDatagram } from '../ike/engine-effects.js';
import type { Ikev2Effect, Ikev2ReceiveResult } from '../ike/v2/ikev2-effects.js';
import type { Ikev2SendOptions } from '../ike/v2/ikev2-sa-context.js';
import type { Endpoint } from '../events.js';
import type { Ikev2Payload } from '../wire/ikev2/types.js';

export type { Ikev2Effect, Ikev2Event, Ikev2Outbound, Ikev2ReceiveResult, Ikev2SaKeys } from '../ike/v2/ikev2-effects.js';
export type { Ikev2SendOptions } from '../ike/v2/ikev2-sa-context.js';

export interface Ikev2EnginePort {
  receive(datagram: InboundDatagram, now: bigint): Ikev2ReceiveResult;
  /** `sa` is the timer's own key from its set-timer effect. */
  timer(sa: string, id: string, now: bigint): Ikev2Effect[];
  initiate(options: { from: Endpoint; to: Endpoint }, now: bigint): { sa: string; effects: Ikev2Effect[] };
  /** An empty INFORMATIONAL request (RFC 7296 §2.4); options send it under another message ID or badly protected. */
  sendLiveness(sa: string, now: bigint, options?: Ikev2SendOptions): Ikev2Effect[];
  /** Answers a liveness request held for the owner (the ticket of its liveness-request event). */
  respondNow(sa: string, ticket: number, now: bigint, options?: Ikev2SendOptions): Ikev2Effect[];
  deleteIke(sa: string, now: bigint, options?: Ikev2SendOptions): Ikev2Effect[];
  deleteChild(sa: string, now: bigint, options?: Ikev2SendOptions): Ikev2Effect[];
  sendInformational(sa: string, payloads: Ikev2Payload[], now: bigint, options?: Ikev2SendOptions): Ikev2Effect[];
  /** Forgets the SA without a word (a peer that lost its state). */
  loseState(sa: string): Ikev2Effect[];
  list(): string[];
}
