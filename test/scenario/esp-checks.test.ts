/**
 * expect_esp judged from the event stream: each minimum passes at the count and fails one
 * below it, a zero minimum adds no check, and any ESP from the DUT refused by the replay
 * window or the ICV fails the step (keys or sequence numbers disagree), an unknown SPI not.
 */
import { expect } from 'chai';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { espCounts } from '../../src/report/esp-traffic-summary.js';
import { checkEsp } from '../../src/scenario/esp-checks.js';
import type { Step } from '../../src/scenario/plan.js';

type Esp = NonNullable<DatagramEvent['esp']>;
const at = { address: '198.51.100.1', port: 4500 };
let t = 0n;
const esp = (direction: 'in' | 'out', verdict: Esp['verdict'], inner?: Esp['inner']): HarnessEvent => ({
  type: 'datagram', t: (t += 1n), direction, local: at, remote: at, bytes: new Uint8Array(0), udpEncapsulation: 'esp',
  esp: { spi: 1, seq: Number(t), verdict, ...(inner ? { inner } : {}) },
});
const step = (m: Partial<Extract<Step, { kind: 'expect-esp' }>>): Extract<Step, { kind: 'expect-esp' }> => ({ kind: 'expect-esp', minSent: 0, minReceived: 0, minReplies: 0, minRequests: 0, ...m });
const verdicts = (events: HarnessEvent[], s: Extract<Step, { kind: 'expect-esp' }>): Record<string, boolean> => Object.fromEntries(checkEsp(s, events).map((c) => [c.name, c.pass]));

describe('scenario/esp-checks: expect_esp', () => {
  const events = [
    esp('out', 'ok', 'echo-request'), esp('out', 'ok', 'echo-request'), esp('in', 'ok', 'echo-reply'), esp('in', 'ok', 'echo-reply'),
    esp('in', 'ok', 'echo-request'), esp('out', 'ok', 'echo-reply'), esp('in', 'unknown-spi'),
  ];

  it('counts per direction and kind as results.json does', () => {
    expect(espCounts(events)).to.deep.equal({ sent: 3, received: 4, replies: 2, requests: 1, replayDropped: 0, authFailed: 0, unknownSpi: 1 });
    expect(espCounts([])).to.equal(null);
  });

  it('passes each minimum at the count and fails it one above', () => {
    expect(verdicts(events, step({ minSent: 3, minReceived: 4, minReplies: 2, minRequests: 1 }))).to.deep.equal({
      'ESP sent by the fake peer': true, 'ESP received from the DUT': true, 'echo replies in ESP to the fake peer’s requests': true,
      'echo requests in ESP from the DUT’s traffic source': true, 'ESP from the DUT failing the ICV or the replay window': true,
    });
    expect(Object.values(verdicts(events, step({ minSent: 4, minReceived: 5, minReplies: 3, minRequests: 2 }))).filter((p) => !p)).to.have.length(4);
  });

  it('with no minimums checks only that nothing was refused, and also without any ESP', () => {
    expect(checkEsp(step({}), []).map((c) => [c.name, c.observed, c.pass])).to.deep.equal([['ESP from the DUT failing the ICV or the replay window', 0, true]]);
  });

  it('fails on a replayed or bad-ICV packet from the DUT', () => {
    for (const bad of ['replay', 'auth-failed'] as const) {
      const checks = checkEsp(step({ minReplies: 2 }), [...events, esp('in', bad)]);
      expect(checks.find((c) => c.name.startsWith('ESP from the DUT failing'))!, bad).to.include({ observed: 1, pass: false });
    }
  });
});
