/**
 * What can be said about a datagram from its clear ISAKMP header alone: used
 * for datagrams a behaviour drops before the engine (and its keys) see them,
 * so the timeline still shows "an Informational, msgid …" rather than bytes.
 */
import type { MessageKind, MessageSummary } from '../events.js';
import { EXCHANGE_TYPES, header } from '../wire/index.js';

const KIND_BY_EXCHANGE: Record<number, MessageKind> = {
  [EXCHANGE_TYPES.MAIN_MODE]: 'main-mode',
  [EXCHANGE_TYPES.AGGRESSIVE_MODE]: 'aggressive-mode',
  [EXCHANGE_TYPES.QUICK_MODE]: 'quick-mode',
  [EXCHANGE_TYPES.INFORMATIONAL]: 'informational',
};

/** Undefined when the bytes are too short to hold an ISAKMP header. */
export function headerSummary(bytes: Uint8Array): MessageSummary | undefined {
  let h;
  try {
    h = header.decode(bytes);
  } catch {
    // Shorter than a header: nothing to summarise, the raw bytes are still logged.
    return undefined;
  }
  return { exchangeType: h.exchangeType, messageId: h.messageId, kind: KIND_BY_EXCHANGE[h.exchangeType] ?? 'unknown' };
}

/** Hex CKY-I‖CKY-R as the engine names an IKE SA; undefined for a datagram too short to hold the cookies. */
export function cookiesOf(bytes: Uint8Array): string | undefined {
  return bytes.length >= 16 ? Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex') : undefined;
}
