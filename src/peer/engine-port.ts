/**
 * The commands the fake peer gives the IKE engine. The data shapes (effects,
 * events, hooks) are the engine's own (src/ike/engine-effects.ts); this port
 * names only the operations, so the peer's socket, timer and behaviour
 * handling is tested with a scripted engine and runs with `IkeEngine`, which
 * implements it (docs/engine.md).
 */
import type { EngineEffect, InboundDatagram, PlaintextMessage, ReceiveResult } from '../ike/engine-effects.js';
import type { InformationalOptions, InitiateOptions } from '../ike/index.js';

export type {
  EngineEffect,
  EngineEvent,
  EngineHooks,
  InboundDatagram,
  OutboundDatagram,
  PlaintextMessage,
  ReceiveResult,
} from '../ike/engine-effects.js';

/** from, to, quickMode (run it once phase 1 is up), mode ('main' | 'aggressive'). */
export type { InitiateOptions } from '../ike/index.js';

export interface EnginePort {
  receive(datagram: InboundDatagram, now: bigint): ReceiveResult;
  timer(sa: string, id: string, now: bigint): EngineEffect[];
  /** Starts Main Mode (or Aggressive Mode) as initiator; the SA id is known from the first send. */
  initiate(options: InitiateOptions, now: bigint): { sa: string; effects: EngineEffect[] };
  quickMode(sa: string, now: bigint): EngineEffect[];
  /** Sends R-U-THERE with the engine's sequence policy, or the given seq; under a fresh message ID unless `options` names one. */
  sendDpd(sa: string, now: bigint, seq?: number, options?: InformationalOptions): EngineEffect[];
  /** Acknowledges an R-U-THERE (from a dpd-request event) with this sequence number. */
  answerDpd(sa: string, ticket: unknown, seq: number, now: bigint): EngineEffect[];
  /** Deletes the IPsec SAs (phase 2) or the whole ISAKMP SA, telling the DUT. */
  deleteSa(sa: string, what: 'ipsec' | 'isakmp', now: bigint): EngineEffect[];
  /** Protects and sends any payload list in a fresh Informational exchange (malformed ones included). */
  sendInformational(sa: string, payloads: PlaintextMessage['payloads'], now: bigint, options?: InformationalOptions): EngineEffect[];
  /** SA ids currently held. */
  list(): string[];
}
