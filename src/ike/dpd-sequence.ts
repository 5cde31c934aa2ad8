/**
 * The R-U-THERE counter of one IKE SA (RFC 3706 §6.1): a random first value
 * with the high bit clear so 32 bits do not wrap, then +1 per probe; or, in
 * 'repeat-until-ack', the same number again while it is unanswered
 * (strongSwan 5.9, isakmpd; protocol-digest.md §4.3).
 */
import type { Random } from '../events.js';
import type { DpdSequencePolicy } from './engine-config.js';
import { randomUint32 } from './bytes.js';

export class DpdSequence {
  private next: number;
  private outstanding: number | undefined;
  /** Oldest probe not yet acknowledged: an ACK in [oldest, newest] answers a probe of ours. */
  private oldestUnacked: number | undefined;

  constructor(
    private readonly policy: DpdSequencePolicy,
    random: Random,
  ) {
    this.next = policy.start ?? (randomUint32(random) & 0x7fffffff);
  }

  /** The seq for the next probe, advancing the counter as the policy says. */
  take(): number {
    if (this.policy.retry === 'repeat-until-ack' && this.outstanding !== undefined) return this.outstanding;
    const seq = this.next;
    this.next = (this.next + 1) >>> 0;
    this.outstanding = seq;
    this.oldestUnacked ??= seq;
    return seq;
  }

  /** Records an explicit seq a behaviour chose; the counter itself does not move. */
  sent(seq: number): void {
    this.oldestUnacked ??= seq;
  }

  /** Whether `seq` answers an outstanding probe; if so the probes up to it count as answered. */
  acknowledge(seq: number): boolean {
    const newest = this.outstanding;
    const oldest = this.oldestUnacked;
    if (newest === undefined || oldest === undefined) return false;
    // Distances modulo 2^32, so a window that wraps past 0xffffffff still matches.
    if (((seq - oldest) >>> 0) > ((newest - oldest) >>> 0)) return false;
    this.oldestUnacked = seq === newest ? undefined : (seq + 1) >>> 0;
    if (seq === newest) this.outstanding = undefined;
    return true;
  }
}
