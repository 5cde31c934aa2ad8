/**
 * A message one expectation matched is consumed: a later expectation of the scenario cannot pass
 * on it again. The case of issue 11: Libreswan IKEv2's tolerance (0.6 s) is wider than its first
 * retransmission wait (0.5 s), so "retransmit 1" and "retransmit 2" could both pass on one request.
 */
import { expect } from 'chai';
import type { HarnessEvent } from '../../src/events.js';
import { checkInitiate, checkMessage, matchedMessage, IKEV1_WORDS, type CheckContext } from '../../src/scenario/checks.js';
import type { Step, Timing } from '../../src/scenario/plan.js';
import { at, dgram } from './synthetic-events.js';

const tolerance = { absolute: 0.6, relative: 0.05 };
const peers = ['127.0.0.2', '127.0.0.3'];
const ctx = (events: HarnessEvent[], consumed: HarnessEvent[] = [], stepStart = 0): CheckContext => ({ events, stepStart: at(stepStart), phaseStart: at(0), tolerance, consumed: new Set(consumed), words: IKEV1_WORDS });
const liveness = (timing: Timing, present = true): Extract<Step, { kind: 'expect-message' }> => ({ kind: 'expect-message', message: 'liveness', direction: 'in', present, timing });
const retransmit = (s: number): Extract<Step, { kind: 'expect-message' }> => liveness({ kind: 'window', from: s, to: s, origin: 'first-probe' });

describe('scenario/checks: a matched message is consumed', () => {
  // Libreswan 4.10's schedule (profiles/libreswan-ikev2.yaml): the request at 5 s, resent +0.5, +1, +2 s.
  const first = dgram(5, 'in', 'liveness');
  const r1 = dgram(5.5, 'in', 'liveness');
  const r2 = dgram(6, 'in', 'liveness');
  const r3 = dgram(7, 'in', 'liveness');

  it('retransmit 1 is the request after the first, not the first again (the first probe is the origin)', () => {
    const events = [first, r1, r2, r3];
    expect(checkMessage(retransmit(0.5), ctx(events, [first]), peers)[0]).to.deep.include({ observed: 0.5, pass: true });
    expect(matchedMessage(retransmit(0.5), ctx(events, [first]), peers)).to.equal(r1);
  });

  it('retransmit 2 passes over the message retransmit 1 matched', () => {
    const events = [first, r1, r2, r3];
    expect(checkMessage(retransmit(1), ctx(events, [first, r1]), peers)[0]).to.deep.include({ observed: 1, pass: true });
    expect(matchedMessage(retransmit(1), ctx(events, [first, r1]), peers)).to.equal(r2);
  });

  it('a DUT that sent only one retransmission fails retransmit 2 instead of passing it on that one', () => {
    const check = checkMessage(retransmit(1), ctx([first, r1], [first, r1]), peers)[0]!;
    expect(check).to.deep.include({ observed: null, pass: false, detail: 'no liveness from the DUT observed' });
  });

  it('an `at` expectation reports the first unconsumed occurrence, early or not, and consumes an early one', () => {
    const step = liveness({ kind: 'at', at: 1, origin: 'phase' });
    const early = dgram(0.2, 'in', 'liveness');
    // The phase's first message was an earlier expectation's: not an early occurrence of this one.
    expect(checkMessage(step, ctx([early, dgram(1.1, 'in', 'liveness')], [early]), peers)[0]).to.deep.include({ observed: 1.1, pass: true });
    expect(checkMessage(step, ctx([early, dgram(1.1, 'in', 'liveness')]), peers)[0]).to.deep.include({ observed: 0.2, pass: false });
    expect(matchedMessage(step, ctx([early, dgram(1.1, 'in', 'liveness')]), peers)).to.equal(early);
  });

  it('a message found only after the window closed is reported, not consumed', () => {
    const late = dgram(8, 'in', 'liveness');
    expect(checkMessage(retransmit(1), ctx([first, late], [first]), peers)[0]).to.deep.include({ observed: 3, pass: false });
    expect(matchedMessage(retransmit(1), ctx([first, late], [first]), peers)).to.equal(undefined);
  });

  it('absent expectations still see consumed messages, and consume nothing', () => {
    const none = liveness({ kind: 'window', from: 0.1, to: 2, origin: 'first-probe' }, false);
    expect(checkMessage(none, ctx([first, r1, r2], [first, r1, r2]), peers)[0]).to.deep.include({ observed: 2, pass: false, detail: 'first at 0.5 s' });
    expect(matchedMessage(none, ctx([first, r1, r2]), peers)).to.equal(undefined);
  });

  it('expect_initiate consumes too: two failover expectations need two IKE_SA_INITs', () => {
    const init = dgram(3, 'in', 'ike-sa-init', undefined, '127.0.0.3');
    const step: Extract<Step, { kind: 'expect-initiate' }> = { kind: 'expect-initiate', peerIndex: 1, timing: { kind: 'window', from: 0, to: 5, origin: 'phase' } };
    expect(checkInitiate(step, ctx([init]), peers)[0]).to.deep.include({ observed: 3, pass: true });
    expect(checkInitiate(step, ctx([init], [init]), peers)[0]).to.deep.include({ observed: null, pass: false });
  });
});
