/**
 * The real Random: cookies, nonces, DH secrets and message IDs must be
 * unpredictable on the wire. Bytes come from the CSPRNG in 4 KiB refills:
 * one getrandom() per message ID was a tenth of the cost of answering an
 * R-U-THERE (bench/dpd-answer-cost.ts).
 */
import { randomFillSync } from 'node:crypto';
import type { Random } from '../events.js';

const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let used = 0;

/** Where the next `n` pool bytes start, refilling the pool first when fewer are left. */
function take(n: number): number {
  if (used + n > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_SIZE));
    used = 0;
  }
  used += n;
  return used - n;
}

export const systemRandom: Random = {
  bytes(n) {
    if (n > POOL_SIZE) return randomFillSync(new Uint8Array(n));
    const at = take(n);
    // A copy, so no two callers ever share (or can overwrite) the same bytes.
    return pool.slice(at, at + n);
  },
  // Read in place: a fresh 4-byte array per message ID was most of this source's cost.
  uint32() {
    const at = take(4);
    return ((pool[at] << 24) | (pool[at + 1] << 16) | (pool[at + 2] << 8) | pool[at + 3]) >>> 0;
  },
};
