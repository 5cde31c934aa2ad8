/**
 * The harness's own event-loop stalls while a scenario runs, on the injected clock: a short timer,
 * re-armed each time, and how late it fired. Received datagrams carry kernel stamps where the lab
 * gives them, but what the fake peer sends (answers, delayed ACKs) leaves when the loop gets to it:
 * a stall of half a second once let a 1.5 s delayed ACK leave at 2.0 s. A stall is put on the
 * scenario's timeline as it is seen, and a failed scenario's reason names the longest, so a verdict
 * decided near its boundary can be told from the harness's own lateness.
 */
import type { Clock } from '../events.js';

/** How often the timer is armed. */
export const STALL_TICK_MS = 20;
/** Lateness from which a stall is put on the timeline. */
export const STALL_MARK_MS = 100;

export interface LoopStalls {
  /** The longest lateness seen, ms (0 on a virtual clock). */
  longestMs: number;
  /** How many stalls of STALL_MARK_MS or more. */
  marked: number;
}

export class LoopStallMonitor {
  private timer: { cancel(): void } | undefined;
  private due = 0n;
  private stalls: LoopStalls = { longestMs: 0, marked: 0 };

  private constructor(private readonly clock: Clock, private readonly mark: (label: string) => void) {}

  static start(clock: Clock, mark: (label: string) => void): LoopStallMonitor {
    const monitor = new LoopStallMonitor(clock, mark);
    monitor.arm();
    return monitor;
  }

  private arm(): void {
    this.due = this.clock.now() + BigInt(STALL_TICK_MS) * 1_000_000n;
    this.timer = this.clock.setTimeout(() => this.fired(), STALL_TICK_MS);
  }

  private fired(): void {
    const lateMs = Number(this.clock.now() - this.due) / 1e6;
    if (lateMs > this.stalls.longestMs) this.stalls.longestMs = lateMs;
    if (lateMs >= STALL_MARK_MS) {
      this.stalls.marked++;
      this.mark(`harness event loop held ${Math.round(lateMs)} ms: what the fake peer was to send meanwhile left that much late`);
    }
    this.arm();
  }

  stop(): LoopStalls {
    this.timer?.cancel();
    this.timer = undefined;
    return { ...this.stalls };
  }
}

/** The line a failed scenario's reason gets when the harness stalled during it. */
export function stallNote(stalls: LoopStalls): string | undefined {
  if (stalls.marked === 0) return undefined;
  return `the harness's event loop was held up to ${Math.round(stalls.longestMs)} ms during this scenario (${stalls.marked} time${stalls.marked === 1 ? '' : 's'} ${STALL_MARK_MS} ms or more, marked on the timeline): sends due meanwhile left late, so a timing decided near its boundary may be the harness's`;
}
