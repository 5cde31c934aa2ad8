/**
 * ESP sequence numbers (RFC 4303 §3.3.3) and the receiver's anti-replay window
 * (§3.4.3, the 64-packet bitmap of Appendix A2's sliding window), as values:
 * every function returns a new state, so a scenario can keep, fork or corrupt it.
 */
import { CryptoError } from '../errors.js';

const MAX_SEQUENCE = 0xffffffff;

/**
 * The sequence number for the next outbound packet after `last` (0 before the
 * first). RFC 4303 §3.3.3: the first packet carries 1, and without ESN the
 * counter must not cycle: past 2^32-1 the SA has to be replaced.
 */
export function nextSequence(last: number): number {
  if (!Number.isInteger(last) || last < 0 || last > MAX_SEQUENCE) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `ESP sequence number ${last} is not a 32-bit counter`);
  if (last === MAX_SEQUENCE) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', 'ESP sequence number would cycle past 2^32-1: the SA must be rekeyed (RFC 4303 §3.3.3)');
  return last + 1;
}

export interface ReplayWindow {
  readonly size: number;
  /** Highest sequence number accepted so far; 0 before the first packet. */
  readonly top: number;
  /** Bit i set: top - i was accepted. */
  readonly bitmap: bigint;
}

/** RFC 4303 §3.4.3: a window of 32 is the minimum, 64 the recommended default. */
export function replayWindow(size = 64): ReplayWindow {
  if (!Number.isInteger(size) || size < 32) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `replay window of ${size} packets (RFC 4303 §3.4.3: at least 32)`);
  return { size, top: 0, bitmap: 0n };
}

export type ReplayVerdict = 'new' | 'duplicate' | 'too-old';

/** The pre-check of §3.4.3, before the ICV: is `sequence` fresh for this window? */
export function replayVerdict(w: ReplayWindow, sequence: number): ReplayVerdict {
  if (sequence > w.top) return 'new';
  // Sequence 0 is never sent (§3.3.3), so it can only be a replay or a forgery.
  if (sequence === 0 || w.top - sequence >= w.size) return 'too-old';
  return (w.bitmap >> BigInt(w.top - sequence)) & 1n ? 'duplicate' : 'new';
}

/**
 * The window after `sequence` passed the ICV check (§3.4.3: the window is
 * updated only for packets that verify). A sequence that is not 'new' is refused.
 */
export function acceptSequence(w: ReplayWindow, sequence: number): ReplayWindow {
  const verdict = replayVerdict(w, sequence);
  if (verdict !== 'new') throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `ESP sequence number ${sequence} is ${verdict} for the window ending at ${w.top}`);
  const mask = (1n << BigInt(w.size)) - 1n;
  if (sequence > w.top) {
    const shift = BigInt(sequence - w.top);
    return { size: w.size, top: sequence, bitmap: ((w.bitmap << shift) | 1n) & mask };
  }
  return { ...w, bitmap: w.bitmap | (1n << BigInt(w.top - sequence)) };
}
