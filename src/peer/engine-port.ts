/**
 * What the fake peer needs from the IKE engine, in the engine's own terms
 * (pure state machines that take datagrams and time and return effects; see
 * docs/engine.md). The peer depends on this port only, so its socket, timer
 * and behaviour handling is tested with a scripted engine, and the real one
 * is plugged in by ike-engine.ts.
 */
import type { Endpoint, MessageSummary } from '../events.js';
import type { PlaintextMessage } from './corruption.js';

export interface InboundDatagram {
  local: Endpoint;
  remote: Endpoint;
  bytes: Uint8Array;
}

export interface OutboundDatagram {
  /** Hex CKY-I‖CKY-R, once known. */
  sa?: string;
  /** Local address to send from (the engine knows which address an SA lives on). */
  from: Endpoint;
  to: Endpoint;
  bytes: Uint8Array;
  summary: MessageSummary;
  /** Sent in reaction to an inbound message (a response, an ACK), not by a command or a retransmission timer. */
  answer: boolean;
}

export type EngineEvent =
  | { kind: 'state'; phase: 1 | 2; state: 'negotiating' | 'established' | 'deleted' | 'expired' | 'failed'; detail?: string }
  /** Keys for Wireshark's IKEv1 table; never the PSK. */
  | { kind: 'sa-keys'; initiatorCookie: string; encryptionKey: string }
  /** An authenticated R-U-THERE; `ticket` is handed back to answerDpd(). */
  | { kind: 'dpd-request'; seq: number; messageId: number; ticket: unknown }
  | { kind: 'dpd-ack'; seq: number; messageId: number }
  | { kind: 'delete-received'; protocolId: number; spis: string[] }
  | { kind: 'notify-received'; notifyType: number };

export type EngineEffect =
  | { type: 'send'; datagram: OutboundDatagram }
  | { type: 'set-timer'; sa: string; id: string; ms: number }
  | { type: 'cancel-timer'; sa: string; id: string }
  | { type: 'event'; sa: string; remote: Endpoint; event: EngineEvent };

export interface ReceiveResult {
  sa?: string;
  summary?: MessageSummary;
  /** Why the engine refused the datagram (typed code from src/errors.ts). */
  rejected?: { code: string; message: string };
  effects: EngineEffect[];
}

/** How the peer steers the engine per SA; consulted while the engine builds messages. */
export interface EngineHooks {
  /** Called for every outbound message after its HASH is computed, before it is encrypted. */
  mutate(sa: string, summary: MessageSummary, message: PlaintextMessage): PlaintextMessage;
  /** Whether to include the DPD vendor ID in this SA's Main Mode messages. */
  advertiseDpd(sa: string): boolean;
}

export interface InitiateOptions {
  from: Endpoint;
  to: Endpoint;
  /** Run Quick Mode as soon as phase 1 is up. */
  quickMode?: boolean;
}

export interface EnginePort {
  receive(datagram: InboundDatagram, now: bigint): ReceiveResult;
  timer(sa: string, id: string, now: bigint): EngineEffect[];
  /** Starts Main Mode as initiator; the SA id is known from the first send. */
  initiate(options: InitiateOptions, now: bigint): { sa: string; effects: EngineEffect[] };
  quickMode(sa: string, now: bigint): EngineEffect[];
  /** Sends R-U-THERE with the engine's sequence policy, or the given seq. */
  sendDpd(sa: string, now: bigint, seq?: number): EngineEffect[];
  /** Acknowledges an R-U-THERE (from a dpd-request event) with this sequence number. */
  answerDpd(sa: string, ticket: unknown, seq: number, now: bigint): EngineEffect[];
  /** Deletes the IPsec SAs (phase 2) or the whole ISAKMP SA, telling the DUT. */
  deleteSa(sa: string, what: 'ipsec' | 'isakmp', now: bigint): EngineEffect[];
  /** Protects and sends any payload list in a fresh Informational exchange (malformed ones included). */
  sendInformational(sa: string, message: PlaintextMessage['payloads'], now: bigint): EngineEffect[];
  /** SA ids currently held. */
  list(): string[];
}
