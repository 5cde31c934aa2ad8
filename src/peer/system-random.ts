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

export const systemRandom: Random = {
  bytes(n) {
    if (n > POOL_SIZE) return randomFillSync(new Uint8Array(n));
    if (used + n > pool.length) {
      pool = randomFillSync(new Uint8Array(POOL_SIZE));
      used = 0;
    }
    // A copy, so no two callers ever share (or can overwrite) the same bytes.
    const out = pool.slice(used, used + n);
    used += n;
    return out;
  },
};
