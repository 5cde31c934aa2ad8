import { expect } from 'chai';
import { TimerSet } from '../../src/peer/timer-set.js';
import { FakeClock } from '../support/fake-clock.js';

describe('peer/timer-set', () => {
  it('fires named timers once, replaces a timer set again under the same name, and cancels', () => {
    const clock = new FakeClock(0n);
    const timers = new TimerSet(clock);
    const fired: string[] = [];
    timers.set(100, () => fired.push('old'), 'retransmit');
    timers.set(300, () => fired.push('new'), 'retransmit');
    timers.set(200, () => fired.push('cancelled'), 'dpd');
    const anon = timers.set(50, () => fired.push('anon'));
    timers.cancel('dpd');
    expect(timers.has(anon)).to.equal(true);
    clock.advance(1000);
    expect(fired).to.deep.equal(['anon', 'new']);
    expect(timers.size).to.equal(0);
  });

  it('cancelAll leaves nothing to fire', () => {
    const clock = new FakeClock(0n);
    const timers = new TimerSet(clock);
    let fired = 0;
    timers.set(10, () => fired++, 'a');
    timers.set(20, () => fired++);
    timers.cancelAll();
    clock.advance(100);
    expect(fired).to.equal(0);
    expect(clock.pendingCount).to.equal(0);
  });
});
