/**
 * The harness's event-loop stall monitor over a clock the test moves by hand: a timer that fires on
 * time records nothing, one that fires late records its lateness, and from STALL_MARK_MS on a
 * timeline mark and the failed-scenario note name it.
 */
import { expect } from 'chai';
import type { Clock } from '../../src/events.js';
import { LoopStallMonitor, STALL_MARK_MS, STALL_TICK_MS, stallNote } from '../../src/scenario/loop-stall-monitor.js';
import { FakeClock } from '../support/fake-clock.js';

/** One timer at a time, fired when the test says, at whatever now() the test set. */
class HandClock implements Clock {
  t = 0n;
  armed: { fn: () => void; cancelled: boolean } | undefined;
  now(): bigint {
    return this.t;
  }
  wall(): number {
    return 0;
  }
  setTimeout(fn: () => void, _ms: number): { cancel(): void } {
    const entry = { fn, cancelled: false };
    this.armed = entry;
    return { cancel: () => { entry.cancelled = true; } };
  }
  fireAt(ms: number): void {
    this.t = BigInt(ms) * 1_000_000n;
    const entry = this.armed!;
    if (!entry.cancelled) entry.fn();
  }
}

describe('scenario/loop-stall-monitor: the harness notices its own event-loop stalls', () => {
  it('on time: nothing; late: the lateness, and from STALL_MARK_MS a mark naming it', () => {
    const clock = new HandClock();
    const marks: string[] = [];
    const monitor = LoopStallMonitor.start(clock, (label) => marks.push(label));
    clock.fireAt(STALL_TICK_MS);
    clock.fireAt(2 * STALL_TICK_MS + 30);
    expect(marks).to.deep.equal([]);
    clock.fireAt(3 * STALL_TICK_MS + 30 + 504);
    const stalls = monitor.stop();
    expect(stalls).to.deep.equal({ longestMs: 504, marked: 1 });
    expect(marks).to.deep.equal(['harness event loop held 504 ms: what the fake peer was to send meanwhile left that much late']);
    expect(stallNote(stalls)).to.contain('held up to 504 ms').and.contain('1 time 100 ms or more');
    expect(STALL_MARK_MS).to.equal(100);
  });

  it('stop() cancels its timer, and below the mark there is no note', () => {
    const clock = new HandClock();
    const monitor = LoopStallMonitor.start(clock, () => expect.fail('no mark'));
    clock.fireAt(STALL_TICK_MS + 99);
    const stalls = monitor.stop();
    expect(clock.armed!.cancelled).to.equal(true);
    expect(stalls.longestMs).to.equal(99);
    expect(stallNote(stalls)).to.equal(undefined);
  });

  it('on a virtual clock every tick is on time and nothing is left pending after stop()', () => {
    const clock = new FakeClock();
    const monitor = LoopStallMonitor.start(clock, () => expect.fail('no mark'));
    clock.advance(10_000);
    expect(monitor.stop()).to.deep.equal({ longestMs: 0, marked: 0 });
    expect(clock.pendingCount).to.equal(0);
  });
});
