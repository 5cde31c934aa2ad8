/**
 * The message timeline of one scenario, derived from its datagram events: the
 * rows of results.json and of the HTML diagram. Times are seconds since the
 * scenario start; direction is from the fake peer's side ('in' = DUT → peer).
 */
import type { DatagramEvent, Endpoint, HarnessEvent, MessageKind, StampClock } from '../events.js';
import { EXCHANGE_TYPES, nameOf } from '../wire/constants.js';
import { IKEV2_EXCHANGE_TYPES } from '../wire/ikev2/constants.js';
import { type ScenarioResult, secondsSinceStart } from './result-model.js';

export interface TimelineMessage {
  /** Seconds since the scenario start. */
  t: number;
  /** Whose time `t` is: the kernel's receive stamp, or the event loop's reading of the clock. */
  stampedBy: StampClock;
  direction: 'in' | 'out';
  /** The DUT's side of the exchange (the fake peer's remote endpoint). */
  peer: Endpoint;
  /** The fake peer's own endpoint. */
  local: Endpoint;
  /** Exchange type number and its name (RFC 2408/2409, or RFC 7296 for IKEv2); null when the header could not be read. */
  exchangeType: number | null;
  exchange: string | null;
  kind: MessageKind;
  /** Display label: "R-U-THERE", "Main Mode #3", "Delete", "IKE_AUTH", "liveness check". */
  label: string;
  /** DPD sequence number (R-U-THERE / R-U-THERE-ACK). */
  seq: number | null;
  /** ISAKMP message ID as 8 hex digits; null when unknown. */
  messageId: string | null;
  notifyType: number | null;
  deleteSpis: string[] | null;
  bytes: number;
  /** CKY-I‖CKY-R hex of the IKE SA, when known. */
  sa: string | null;
  rejected: { code: string; message: string } | null;
  behaviour: string | null;
}

const KIND_LABELS: Record<MessageKind, string> = {
  'main-mode': 'Main Mode',
  'aggressive-mode': 'Aggressive Mode',
  'quick-mode': 'Quick Mode',
  'r-u-there': 'R-U-THERE',
  'r-u-there-ack': 'R-U-THERE-ACK',
  delete: 'Delete',
  notify: 'Notify',
  informational: 'Informational',
  'ike-sa-init': 'IKE_SA_INIT',
  'ike-auth': 'IKE_AUTH',
  'create-child-sa': 'CREATE_CHILD_SA',
  liveness: 'liveness check',
  'liveness-response': 'liveness response',
  unknown: 'unknown',
};

export function kindLabel(kind: MessageKind): string {
  return KIND_LABELS[kind];
}

const IKEV2_NAMES = new Set<number>(Object.values(IKEV2_EXCHANGE_TYPES));

/** Exchange names as Wireshark prints them, so report and pcap use the same words. */
function exchangeName(type: number): string {
  switch (type) {
    case EXCHANGE_TYPES.MAIN_MODE:
      return 'Identity Protection (Main Mode)';
    case EXCHANGE_TYPES.AGGRESSIVE_MODE:
      return 'Aggressive';
    case EXCHANGE_TYPES.INFORMATIONAL:
      return 'Informational';
    case EXCHANGE_TYPES.QUICK_MODE:
      return 'Quick Mode';
    default:
      // RFC 7296 §3.1 numbers (34-37) do not overlap RFC 2408's, so one field serves both versions.
      return nameOf(IKEV2_NAMES.has(type) ? IKEV2_EXCHANGE_TYPES : EXCHANGE_TYPES, type);
  }
}

export function timelineMessage(result: Pick<ScenarioResult, 'startedAt'>, e: DatagramEvent): TimelineMessage {
  const s = e.summary;
  const kind = s?.kind ?? 'unknown';
  const label = s?.step !== undefined ? `${kindLabel(kind)} #${s.step}` : kindLabel(kind);
  return {
    t: secondsSinceStart(result, e.t),
    stampedBy: e.stampedBy ?? 'event-loop',
    direction: e.direction,
    peer: { ...e.remote },
    local: { ...e.local },
    exchangeType: s ? s.exchangeType : null,
    exchange: s ? exchangeName(s.exchangeType) : null,
    kind,
    label,
    seq: s?.seq ?? null,
    messageId: s ? s.messageId.toString(16).padStart(8, '0') : null,
    notifyType: s?.notifyType ?? null,
    deleteSpis: s?.deleteSpis ? [...s.deleteSpis] : null,
    bytes: e.bytes.length,
    sa: e.sa ?? null,
    rejected: e.rejected ? { ...e.rejected } : null,
    behaviour: e.behaviour ?? null,
  };
}

/** The datagram events in time order: concurrent sockets can log them slightly out of order. */
export function datagramsInOrder(events: readonly HarnessEvent[]): DatagramEvent[] {
  return events.filter((e): e is DatagramEvent => e.type === 'datagram').sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
}

/** Every datagram the fake peer sent or received in this scenario, in time order. */
export function messageTimeline(result: Pick<ScenarioResult, 'startedAt' | 'events'>): TimelineMessage[] {
  return datagramsInOrder(result.events).map((e) => timelineMessage(result, e));
}

export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
