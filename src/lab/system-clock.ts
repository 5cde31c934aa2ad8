/** The real Clock (src/events.ts) for code that runs against real processes and sockets. */
import type { Clock } from '../events.js';

export const systemClock: Clock = {
  now: () => process.hrtime.bigint(),
  wall: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};
