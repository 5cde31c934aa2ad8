/**
 * Waiting for an SA state on the fake peer's event stream, failing fast: a bring-up the DUT
 * refused or stopped answering rejects as soon as the failure is on the stream.
 */
import { HarnessError } from '../errors.js';
import type { Clock, HarnessEvent, SaStateEvent } from '../events.js';
import type { EventLog } from './event-log.js';

/** Behaviours and SA ids share the initiator cookie: it names an IKE SA before CKY-R is known. */
export const saKey = (sa: string): string => sa.slice(0, 16);
export const sameSa = (a: string, b: string): boolean => saKey(a) === saKey(b);

export interface SaStateMatch {
  /** The SA (any id of it); absent: any SA. */
  sa?: string;
  /** The DUT address the SA is with; absent: any. */
  remoteAddress?: string;
  phase: 1 | 2;
  state: SaStateEvent['state'];
  /** Resolve at the count-th such event (one per Quick Mode of an SA with several selector pairs); default 1. */
  count?: number;
}

/**
 * Resolves with the awaited state; with `match.sa` set, rejects as soon as that SA fails
 * instead: ERR_DUT_REFUSED when the DUT said why (its error notify), ERR_PEER_TIMEOUT
 * when it stopped answering. A refused bring-up then ends in milliseconds, not at the timeout.
 */
export async function waitForSaState(log: EventLog, clock: Clock, match: SaStateMatch, timeoutMs: number, since?: bigint): Promise<SaStateEvent> {
  const what = `phase ${match.phase} ${match.state}${match.count !== undefined && match.count > 1 ? ` ×${match.count}` : ''}${match.sa ? ` of SA ${match.sa}` : ''}${match.remoteAddress ? ` with ${match.remoteAddress}` : ''}`;
  const awaited = (e: HarnessEvent): boolean =>
    e.type === 'sa-state' &&
    e.phase === match.phase &&
    e.state === match.state &&
    (match.sa === undefined || sameSa(e.sa, match.sa)) &&
    (match.remoteAddress === undefined || e.remote.address === match.remoteAddress);
  const failed = (e: HarnessEvent): e is SaStateEvent =>
    match.state !== 'failed' && match.sa !== undefined && e.type === 'sa-state' && e.state === 'failed' && sameSa(e.sa, match.sa) && e.phase <= match.phase;
  let matched = 0;
  const nth = (e: HarnessEvent): boolean => awaited(e) && ++matched >= (match.count ?? 1);
  // waitFor looks at each event once, so the count is of distinct events.
  const seen = await log.waitFor((e): e is SaStateEvent => failed(e) || nth(e), { clock, timeoutMs, what, ...(since !== undefined ? { since } : {}) });
  if (!failed(seen)) return seen;
  // Not the awaited state, so the failure of the same SA.
  if (seen.refusal) throw new HarnessError('ERR_DUT_REFUSED', `waiting for ${what}: ${seen.detail ?? seen.refusal.notify}`);
  throw new HarnessError('ERR_PEER_TIMEOUT', `waiting for ${what}: phase ${seen.phase} failed: ${seen.detail ?? 'no detail'}`);
}

