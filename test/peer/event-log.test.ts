import { expect } from 'chai';
import type { HarnessEvent, MarkEvent } from '../../src/events.js';
import { EventLog } from '../../src/peer/event-log.js';
import { FakeClock } from '../support/fake-clock.js';
import { rejectionOf } from '../support/rejection-of.js';

const mark = (t: bigint, label: string): MarkEvent => ({ type: 'mark', t, label });
const isMark = (label: string) => (e: HarnessEvent): e is MarkEvent => e.type === 'mark' && e.label === label;

describe('peer/event-log', () => {
  it('keeps every event in order and tells listeners', () => {
    const log = new EventLog();
    const heard: string[] = [];
    const off = log.on((e) => heard.push(e.type === 'mark' ? e.label : e.type));
    log.push(mark(1n, 'a'));
    off();
    log.push(mark(2n, 'b'));
    expect(log.events.map((e) => (e as MarkEvent).label)).to.deep.equal(['a', 'b']);
    expect(heard).to.deep.equal(['a']);
  });

  it('with `retain`, keeps the newest events (at least `retain`, under twice as many) and still tells listeners of every one', () => {
    const log = new EventLog({ retain: 3 });
    let heard = 0;
    log.on(() => heard++);
    for (let i = 0; i < 10; i++) log.push(mark(BigInt(i), String(i)));
    expect(heard).to.equal(10);
    expect(log.events.length).to.be.within(3, 5);
    expect(log.events.map((e) => (e as MarkEvent).label)).to.deep.equal(['5', '6', '7', '8', '9'].slice(5 - log.events.length));
  });

  it('counts what `retain` dropped, and a complete log drops nothing', () => {
    const bounded = new EventLog({ retain: 3 });
    const complete = new EventLog();
    for (let i = 0; i < 10; i++) for (const log of [bounded, complete]) log.push(mark(BigInt(i), String(i)));
    expect(bounded.dropped).to.equal(10 - bounded.events.length).and.to.be.above(0);
    expect(complete.dropped).to.equal(0);
    expect(complete.events.length).to.equal(10);
  });

  it('filters datagrams by SA', () => {
    const log = new EventLog();
    const d = (sa: string): HarnessEvent => ({ type: 'datagram', t: 1n, direction: 'in', local: { address: '127.0.0.1', port: 500 }, remote: { address: '127.0.0.1', port: 501 }, bytes: new Uint8Array(0), sa });
    log.push(d('aa'));
    log.push(mark(1n, 'x'));
    log.push(d('bb'));
    expect(log.datagrams().length).to.equal(2);
    expect(log.datagrams('bb').map((e) => e.sa)).to.deep.equal(['bb']);
  });

  it('waitFor resolves with a past or future event and times out on the clock', async () => {
    const clock = new FakeClock();
    const log = new EventLog();
    log.push(mark(5n, 'early'));
    expect((await log.waitFor(isMark('early'), { clock, timeoutMs: 10 })).t).to.equal(5n);
    const later = log.waitFor(isMark('later'), { clock, timeoutMs: 10, since: 6n });
    log.push(mark(7n, 'later'));
    expect((await later).t).to.equal(7n);
    const never = log.waitFor(isMark('never'), { clock, timeoutMs: 10, what: 'never' });
    clock.advance(10);
    expect(await rejectionOf(never)).to.have.property('code', 'ERR_PEER_TIMEOUT');
    expect(clock.pendingCount).to.equal(0);
  });

  it('iterates what was logged, then live events, until closed', async () => {
    const log = new EventLog();
    log.push(mark(1n, 'a'));
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of log) seen.push((e as MarkEvent).label);
    })();
    await Promise.resolve();
    log.push(mark(2n, 'b'));
    log.close();
    log.push(mark(3n, 'ignored'));
    await done;
    expect(seen).to.deep.equal(['a', 'b']);
  });
});
