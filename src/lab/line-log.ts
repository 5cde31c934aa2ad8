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
  private readonly lines: TimedLine[] = [];
  private dropped = 0;
  private closed = false;
  private waiters: Array<() => void> = [];
  private readonly partial = new Map<LineSource, string>();

  constructor(private readonly clock: Clock) {}

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
    return [...this.lines];
  }

  async *follow(): AsyncGenerator<TimedLine> {
    let next = this.dropped;
    for (;;) {
      while (next < this.dropped + this.lines.length) {
        const index = Math.max(next, this.dropped) - this.dropped;
        next = this.dropped + index + 1;
        yield this.lines[index];
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private push(line: TimedLine): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) {
      this.lines.shift();
      this.dropped++;
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
