/**
 * What the IKEv2 engine hands back, in the IKEv1 engine's shape (../engine-effects.ts):
 * datagrams to send, timers to set or cancel, events to record. Events name
 * exchanges and notifies so a report never has to decode IKEv2 itself.
 */
import type { Endpoint, Ikev2KeyMaterial } from '../../events.js';
import type { SaState } from '../engine-effects.js';
import type { Ikev2Refusal } from './ikev2-refusal.js';

export type Ikev2ExchangeName = 'IKE_SA_INIT' | 'IKE_AUTH' | 'CREATE_CHILD_SA' | 'INFORMATIONAL' | `exchange ${number}`;

/** One message as a report line: exchange, direction, message ID and the payload types inside SK. */
export interface Ikev2Summary {
  exchange: Ikev2ExchangeName;
  exchangeType: number;
  messageId: number;
  response: boolean;
  /** Payload kinds in order, SK's contents once opened ("sk" while still sealed). */
  payloads: string[];
  notifyTypes: number[];
  /** An empty INFORMATIONAL request or its empty response (RFC 7296 §2.4). */
  liveness?: boolean;
}

export interface Ikev2Outbound {
  sa: string;
  from: Endpoint;
  to: Endpoint;
  bytes: Uint8Array;
  summary: Ikev2Summary;
  /** Sent in reaction to an inbound message, not by a command or a timer. */
  answer: boolean;
}

/** The keys of one IKE SA as Wireshark's ikev2_decryption_table wants them (hex): the event stream's own shape. */
export type Ikev2SaKeys = Ikev2KeyMaterial;

export type Ikev2Event =
  | { kind: 'state'; sa: 'ike' | 'child'; state: SaState; detail?: string; refusal?: Ikev2Refusal }
  | { kind: 'sa-keys'; keys: Ikev2SaKeys }
  | { kind: 'liveness-request'; messageId: number; ticket: number }
  | { kind: 'liveness-response'; messageId: number }
  | { kind: 'delete-received'; protocolId: number; spis: string[] }
  | { kind: 'notify-received'; notifyType: number; response: boolean; unprotected?: boolean }
  | { kind: 'retransmit'; exchange: Ikev2ExchangeName; messageId: number; attempt: number }
  | { kind: 'gave-up'; exchange: Ikev2ExchangeName; messageId: number; transmissions: number }
  | { kind: 'ignored'; code: string; messageId: number; detail: string }
  | { kind: 'cached-response'; messageId: number }
  | { kind: 'retry'; reason: 'cookie' | 'invalid-ke'; group?: number }
  | { kind: 'rekeyed'; sa: 'ike' | 'child'; old: string; new: string };

export type Ikev2Effect =
  | { type: 'send'; datagram: Ikev2Outbound }
  | { type: 'set-timer'; sa: string; id: string; ms: number }
  | { type: 'cancel-timer'; sa: string; id: string }
  | { type: 'event'; sa: string; remote: Endpoint; event: Ikev2Event };

export interface Ikev2ReceiveResult {
  sa?: string;
  summary?: Ikev2Summary;
  rejected?: { code: string; message: string };
  effects: Ikev2Effect[];
}
