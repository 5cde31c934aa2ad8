/**
 * A plaintext message in the words a network engineer uses on the timeline
 * (src/events.ts MessageSummary): R-U-THERE with its seq, a Delete with its
 * SPIs, Main Mode message 3 of 6.
 */
import type { MessageKind, MessageSummary } from '../events.js';
import { EXCHANGE_TYPES, NOTIFY_TYPES } from '../wire/constants.js';
import type { IsakmpHeader, Payload } from '../wire/types.js';
import { hex } from './bytes.js';

const KIND_BY_EXCHANGE: Record<number, MessageKind> = {
  [EXCHANGE_TYPES.MAIN_MODE]: 'main-mode',
  [EXCHANGE_TYPES.AGGRESSIVE_MODE]: 'aggressive-mode',
  [EXCHANGE_TYPES.QUICK_MODE]: 'quick-mode',
  [EXCHANGE_TYPES.INFORMATIONAL]: 'informational',
};

/** The 32-bit DPD sequence number of a notify's data, when it holds exactly 4 bytes (RFC 3706 §5.3). */
export function dpdSeqOf(data: Uint8Array): number | undefined {
  return data.length === 4 ? ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0 : undefined;
}

/** From the clear header alone: for messages that could not be decrypted. */
export function headerOnlySummary(h: Pick<IsakmpHeader, 'exchangeType' | 'messageId'>): MessageSummary {
  return { exchangeType: h.exchangeType, messageId: h.messageId, kind: KIND_BY_EXCHANGE[h.exchangeType] ?? 'unknown' };
}

export function summarize(h: Pick<IsakmpHeader, 'exchangeType' | 'messageId'>, payloads: readonly Payload[], step?: number): MessageSummary {
  // Built field by field rather than by spreading a base: two summaries per DPD message, so the copies showed in the bench.
  const summary = headerOnlySummary(h);
  if (step !== undefined) summary.step = step;
  if (h.exchangeType !== EXCHANGE_TYPES.INFORMATIONAL) return summary;
  const del = payloads.find((p) => p.kind === 'delete');
  if (del?.kind === 'delete') {
    summary.kind = 'delete';
    summary.deleteProtocol = del.protocolId;
    summary.deleteSpis = del.spis.map(hex);
    return summary;
  }
  const notify = payloads.find((p) => p.kind === 'notify');
  if (notify?.kind !== 'notify') return summary;
  if (notify.notifyType === NOTIFY_TYPES.R_U_THERE || notify.notifyType === NOTIFY_TYPES.R_U_THERE_ACK) {
    summary.kind = notify.notifyType === NOTIFY_TYPES.R_U_THERE ? 'r-u-there' : 'r-u-there-ack';
    summary.notifyType = notify.notifyType;
    const seq = dpdSeqOf(notify.data);
    if (seq !== undefined) summary.seq = seq;
    return summary;
  }
  summary.kind = 'notify';
  summary.notifyType = notify.notifyType;
  return summary;
}
