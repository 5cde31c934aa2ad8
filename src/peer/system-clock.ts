/**
 * The real Clock: monotonic nanoseconds from process.hrtime.bigint() (immune to
 * NTP steps, which would otherwise distort DPD interval measurements) and
 * Node's own timers.
 */
import type { Clock } from '../events.js';

export const systemClock: Clock = {
  now: () => process.hrtime.bigint(),
  wall: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};
