/** One IKEv2 message as a report line (ikev2-effects.ts Ikev2Summary). */
import { IKEV2_EXCHANGE_TYPES } from '../../wire/ikev2/constants.js';
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
