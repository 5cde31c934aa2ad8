/**
 * A deterministic Random for tests: SHA-256 in counter mode over a seed string,
 * so two runs with the same seed produce the same cookies, nonces and message IDs.
 */
import { createHash } from 'node:crypto';
import type { Random } from '../../src/events.js';

export function seededRandom(seed: string): Random {
  let counter = 0;
  let pool = new Uint8Array(0);
  return {
    bytes(n: number): Uint8Array {
      while (pool.length < n) {
        const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        const grown = new Uint8Array(pool.length + block.length);
        grown.set(pool);
        grown.set(block, pool.length);
        pool = grown;
      }
      const out = pool.slice(0, n);
      pool = pool.slice(n);
      return out;
    },
  };
}
