/**
 * A Clock that only moves when a test says so. Timers fire in due-time order
 * (ties in the order they were set), each seeing now() equal to its due time,
 * so timing assertions are exact and independent of machine load.
 */
import type { Clock } from '../../src/events.js';

interface Pending {
  due: bigint;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

const NS_PER_MS = 1_000_000;

export class FakeClock implements Clock {
  private t: bigint;
  private order = 0;
  private pending: Pending[] = [];

  constructor(startNs = 1_000_000_000n, private readonly wallAtStartMs = Date.UTC(2026, 0, 1)) {
    this.t = startNs;
  }

  now(): bigint {
    return this.t;
  }

  wall(): number {
    return this.wallAtStartMs + Number(this.t / BigInt(NS_PER_MS));
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const entry: Pending = { due: this.t + BigInt(Math.round(Math.max(0, ms) * NS_PER_MS)), order: this.order++, fn, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => { entry.cancelled = true; } };
  }

  /** Timers not yet fired or cancelled. */
  get pendingCount(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (including ones those timers set). */
  advance(ms: number): void {
    const end = this.t + BigInt(Math.round(ms * NS_PER_MS));
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.t = next.due;
      next.fn();
    }
    this.t = end;
  }

  private nextDue(limit: bigint): Pending | undefined {
    this.pending = this.pending.filter((p) => !p.cancelled);
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.due > limit) continue;
      if (!best || p.due < best.due || (p.due === best.due && p.order < best.order)) best = p;
    }
    return best;
  }
}
