/** The real Random: cookies, nonces, DH secrets and message IDs must be unpredictable on the wire. */
import { randomBytes } from 'node:crypto';
import type { Random } from '../events.js';

export const systemRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
};
