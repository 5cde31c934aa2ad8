/**
 * A daemon's output as timestamped lines. Every reader sees the whole history
 * from the start and then follows live lines until the log is closed (the daemon
 * exited), so an adapter can attach after start without losing the first lines.
 */
import type { Clock } from '../events.js';

export type LineSource = 'stdout' | 'stderr' | 'log';

export interface TimedLine {
  /** Monotonic ns (injected Clock) when the line was read. */
  t: bigint;
  line: string;
  source: LineSource;
}

/** Keeps memory bounded for a daemon left running with verbose logging. */
const MAX_LINES = 50_000;

export class LineLog {
  /**
   * The last `capacity` lines, as a ring: line n (counted from the first ever written)
   * sits at n % capacity. A verbose daemon (charon with a thousand SAs probing) writes
   * thousands of lines a second, and shifting a full array moved all of them per line.
   */
  private readonly ring: TimedLine[] = [];
  private total = 0;
  private closed = false;
  private waiters: Array<() => void> = [];
  private readonly partial = new Map<LineSource, string>();

  constructor(private readonly clock: Clock, private readonly capacity = MAX_LINES) {}

  /** Feed raw text; complete lines are stamped now, a trailing partial line waits for its newline. */
  write(source: LineSource, chunk: string): void {
    if (this.closed) return;
    const text = (this.partial.get(source) ?? '') + chunk;
    const parts = text.split('\n');
    this.partial.set(source, parts.pop() ?? '');
    for (const line of parts) this.push({ t: this.clock.now(), line: line.replace(/\r$/, ''), source });
  }

  close(): void {
    if (this.closed) return;
    for (const [source, rest] of this.partial) if (rest) this.push({ t: this.clock.now(), line: rest, source });
    this.partial.clear();
    this.closed = true;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  snapshot(): TimedLine[] {
    const kept: TimedLine[] = [];
    for (let n = this.oldest; n < this.total; n++) kept.push(this.ring[n % this.capacity]!);
    return kept;
  }

  async *follow(): AsyncGenerator<TimedLine> {
    let next = this.oldest;
    for (;;) {
      // A reader that fell more than `capacity` lines behind skips what was dropped.
      for (next = Math.max(next, this.oldest); next < this.total; next = Math.max(next + 1, this.oldest)) yield this.ring[next % this.capacity]!;
      if (this.closed) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Number of the oldest line still kept. */
  private get oldest(): number {
    return Math.max(0, this.total - this.capacity);
  }

  private push(line: TimedLine): void {
    this.ring[this.total % this.capacity] = line;
    this.total++;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
