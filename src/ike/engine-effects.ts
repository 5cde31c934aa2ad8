/**
 * What the engine hands back: datagrams to send, timers to set or cancel, and
 * events to record. The shapes are those of the fake peer's port
 * (src/peer/engine-port.ts), declared here so src/ike depends on nothing above it.
 */
import type { Endpoint, MessageSummary } from '../events.js';
import type { IsakmpHeader, Payload } from '../wire/types.js';
import type { EspSaPair } from '../crypto/esp-keys.js';
import type { Refusal } from './refusal.js';

export interface InboundDatagram {
  local: Endpoint;
  remote: Endpoint;
  bytes: Uint8Array;
}

export interface OutboundDatagram {
  sa?: string;
  from: Endpoint;
  to: Endpoint;
  bytes: Uint8Array;
  summary: MessageSummary;
  /** Sent in reaction to an inbound message, not by a command or a timer. */
  answer: boolean;
}

export type SaState = 'negotiating' | 'established' | 'deleted' | 'expired' | 'failed';

export type EngineEvent =
  | { kind: 'state'; phase: 1 | 2; state: SaState; detail?: string; refusal?: Refusal }
  | { kind: 'sa-keys'; initiatorCookie: string; encryptionKey: string }
  | { kind: 'dpd-request'; seq: number; messageId: number; ticket: unknown }
  | { kind: 'dpd-ack'; seq: number; messageId: number }
  | { kind: 'delete-received'; protocolId: number; spis: string[] }
  | { kind: 'notify-received'; notifyType: number }
  /** From the DUT's NAT-D (RFC 3947 §3.2): who is behind a NAT; `forced`: we claimed to be. */
  | { kind: 'nat-detected'; local: boolean; remote: boolean; forced: boolean }
  /** The SA's endpoints changed: the float to the NAT-T port, or a peer that moved. */
  | { kind: 'float'; local: Endpoint; remote: Endpoint }
  /** A child SA whose ESP transform src/crypto implements is up: both directions' SPI, suite and keys (RFC 2409 §5.5). */
  | { kind: 'esp-sa'; esp: EspSaPair };

export type EngineEffect =
  | { type: 'send'; datagram: OutboundDatagram }
  | { type: 'set-timer'; sa: string; id: string; ms: number }
  | { type: 'cancel-timer'; sa: string; id: string }
  | { type: 'event'; sa: string; remote: Endpoint; event: EngineEvent };

export interface Rejection {
  code: string;
  message: string;
}

export interface ReceiveResult {
  sa?: string;
  summary?: MessageSummary;
  rejected?: Rejection;
  effects: EngineEffect[];
}

export interface PlaintextMessage {
  header: IsakmpHeader;
  payloads: Payload[];
}

export interface EngineHooks {
  /** Every outbound message after its HASH is computed, before it is encrypted. */
  mutate(sa: string, summary: MessageSummary, message: PlaintextMessage): PlaintextMessage;
  /** Whether this SA's Main Mode messages carry the DPD vendor ID. */
  advertiseDpd(sa: string): boolean;
  /** Whether this SA forces UDP encapsulation (NAT-T configured); or'ed with the config's forceEncapsulation. */
  forceEncapsulation?(sa: string): boolean;
}

export const NO_HOOKS: EngineHooks = {
  mutate: (_sa, _summary, message) => message,
  advertiseDpd: () => true,
};
