import { expect } from 'chai';
import { FakeClock } from './fake-clock.js';

describe('test support: FakeClock', () => {
  it('fires due timers in time order, each at its due time, including timers set by timers', () => {
    const clock = new FakeClock(0n);
    const fired: Array<[string, bigint]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['c', clock.now()]), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push(['x', clock.now()]), 12);
    cancelled.cancel();
    clock.advance(14);
    expect(fired).to.deep.equal([['a', 10_000_000n]]);
    clock.advance(10);
    expect(fired).to.deep.equal([['a', 10_000_000n], ['c', 15_000_000n], ['b', 20_000_000n]]);
    expect(clock.now()).to.equal(24_000_000n);
    expect(clock.pendingCount).to.equal(0);
  });
});
