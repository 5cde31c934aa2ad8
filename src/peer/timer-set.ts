/**
 * Named timers on the injected Clock, as the engine's set-timer / cancel-timer
 * effects need them: setting a name again replaces its timer, and closing
 * cancels everything so a stopped peer never fires late.
 */
import type { Clock } from '../events.js';

export class TimerSet {
  private readonly timers = new Map<string, { cancel(): void }>();
  private anonymous = 0;

  constructor(private readonly clock: Clock) {}

  /** Arms `fn` after `ms` under `key` (a fresh key when absent); returns the key. */
  set(ms: number, fn: () => void, key = `#${this.anonymous++}`): string {
    this.cancel(key);
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        fn();
      }, ms),
    );
    return key;
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  get size(): number {
    return this.timers.size;
  }

  cancelAll(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
