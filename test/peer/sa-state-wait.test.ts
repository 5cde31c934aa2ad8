import { expect } from 'chai';
import type { SaStateEvent } from '../../src/events.js';
import { EventLog } from '../../src/peer/event-log.js';
import { waitForSaState } from '../../src/peer/sa-state-wait.js';
import { FakeClock } from '../support/fake-clock.js';
import { rejectionOf } from '../support/rejection-of.js';

const SA = '0123456789abcdef';
const remote = { address: '198.51.100.1', port: 500 };
const state = (clock: FakeClock, s: SaStateEvent['state'], detail: string, sa = SA): SaStateEvent => ({ type: 'sa-state', t: clock.now(), sa, phase: 2, state: s, remote, detail });

describe('peer/waitForSaState with a count (one Quick Mode per selector pair)', () => {
  it('resolves at the count-th matching event, counting earlier ones once and other SAs not at all', async () => {
    const clock = new FakeClock();
    const log = new EventLog();
    log.push(state(clock, 'established', 'first'));
    let done: SaStateEvent | undefined;
    const waiting = waitForSaState(log, clock, { sa: SA, phase: 2, state: 'established', count: 3 }, 5000).then((e) => (done = e));
    log.push(state(clock, 'established', 'other SA', 'fedcba9876543210'));
    log.push(state(clock, 'established', 'second'));
    await Promise.resolve();
    expect(done).to.equal(undefined);
    log.push(state(clock, 'established', 'third'));
    await waiting;
    expect(done?.detail).to.equal('third');
  });

  it('a failed Quick Mode of the SA before the count is reached rejects with the failure, not a timeout', async () => {
    const clock = new FakeClock();
    const log = new EventLog();
    log.push(state(clock, 'established', 'first'));
    const waiting = waitForSaState(log, clock, { sa: SA, phase: 2, state: 'established', count: 2 }, 5000);
    log.push(state(clock, 'failed', 'no answer to QM1'));
    const err = await rejectionOf(waiting);
    expect(err).to.have.property('code', 'ERR_PEER_TIMEOUT');
    expect(String(err)).to.contain('×2').and.contain('no answer to QM1');
  });
});
