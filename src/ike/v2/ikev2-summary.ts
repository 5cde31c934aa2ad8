/** One IKEv2 message as a report line (ikev2-effects.ts Ikev2Summary). */
import { IKEV2_EXCHANGE_TYPES } from '../../wire/ikev2/constants.js';
import type { MessageKind, MessageSummary } from '../../events.js';
import type { Ikev2Header, Ikev2Payload } from '../../wire/ikev2/types.js';
import type { Ikev2ExchangeName, Ikev2Summary } from './ikev2-effects.js';

const NAMES = new Map<number, Ikev2ExchangeName>(Object.entries(IKEV2_EXCHANGE_TYPES).map(([name, n]) => [n, name as Ikev2ExchangeName]));

export const exchangeName = (exchangeType: number): Ikev2ExchangeName => NAMES.get(exchangeType) ?? `exchange ${exchangeType}`;

/** `payloads` are the message's own, or SK's contents once opened. */
export function summarizeIkev2(header: Ikev2Header, payloads: readonly Ikev2Payload[]): Ikev2Summary {
  const informational = header.exchangeType === IKEV2_EXCHANGE_TYPES.INFORMATIONAL;
  return {
    exchange: exchangeName(header.exchangeType),
    exchangeType: header.exchangeType,
    messageId: header.messageId,
    response: header.flags.response,
    payloads: payloads.map((p) => p.kind),
    notifyTypes: payloads.flatMap((p) => (p.kind === 'notify' ? [p.notifyType] : [])),
    ...(informational && payloads.length === 0 ? { liveness: true } : {}),
  };
}

const KINDS: Record<number, MessageKind> = {
  [IKEV2_EXCHANGE_TYPES.IKE_SA_INIT]: 'ike-sa-init',
  [IKEV2_EXCHANGE_TYPES.IKE_AUTH]: 'ike-auth',
  [IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA]: 'create-child-sa',
};

/** The event stream's summary (src/events.ts), so timelines, checks and reports read IKEv2 messages too. */
export function messageSummaryOf(s: Ikev2Summary): MessageSummary {
  const informationalKind: MessageKind = s.liveness ? (s.response ? 'liveness-response' : 'liveness') : s.payloads.includes('delete') ? 'delete' : s.notifyTypes.length > 0 ? 'notify' : 'informational';
  const kind = s.exchangeType === IKEV2_EXCHANGE_TYPES.INFORMATIONAL ? informationalKind : (KINDS[s.exchangeType] ?? 'unknown');
  return { exchangeType: s.exchangeType, messageId: s.messageId, kind, ...(s.notifyTypes[0] !== undefined ? { notifyType: s.notifyTypes[0] } : {}) };
}
