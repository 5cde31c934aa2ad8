/**
 * What can be said about a datagram from its clear ISAKMP header alone: used
 * for datagrams a behaviour drops before the engine (and its keys) see them,
 * and for raw sends, so the timeline still shows "an Informational, msgid …"
 * rather than bytes.
 */
import type { MessageSummary } from '../events.js';
import { headerOnlySummary } from '../ike/index.js';
import { header } from '../wire/index.js';

/** Undefined when the bytes are too short to hold an ISAKMP header. */
export function headerSummary(bytes: Uint8Array): MessageSummary | undefined {
  try {
    return headerOnlySummary(header.decode(bytes));
  } catch {
    // Shorter than a header: nothing to summarise, the raw bytes are still logged.
    return undefined;
  }
}

/** Hex CKY-I‖CKY-R as the engine names an IKE SA; undefined for a datagram too short to hold the cookies. */
export function cookiesOf(bytes: Uint8Array): string | undefined {
  return bytes.length >= 16 ? Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex') : undefined;
}
