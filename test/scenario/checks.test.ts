import { expect } from 'chai';
import type { HarnessEvent } from '../../src/events.js';
import { allowance, checkIcmp, checkInitiate, checkMessage, checkProbes, checkSaGone, checkSeq, IKEV1_WORDS, IKEV2_WORDS, type CheckContext } from '../../src/scenario/checks.js';
import { SA_GONE_MARK, SA_PRESENT_MARK } from '../../src/target/target.js';
import { at, ciscoTimeline, dgram, mark, probe } from './synthetic-events.js';

const tolerance = { absolute: 0.5, relative: 0.05 };
const ctx = (events: HarnessEvent[], stepStart = 0, phaseStart = stepStart): CheckContext => ({ events, stepStart: at(stepStart), phaseStart: at(phaseStart), tolerance, words: IKEV1_WORDS });
const peers = ['127.0.0.2', '127.0.0.3'];

describe('scenario/checks', () => {
  it('allowance is absolute + relative × expected', () => {
    expect(allowance(10, tolerance)).to.equal(1);
    expect(allowance(2, { absolute: 0.5, relative: 0 })).to.equal(0.5);
  });

  describe('checkProbes', () => {
    // Cisco reference doc: one R_U_THERE and four retransmissions, retry 2 s after a missed ACK.
    const step = { kind: 'expect-probes', count: 5, spacing: 2, origin: 'phase', windowS: 12 } as const;

    it('passes a retry series 2 s apart and reports each spacing in numbers', () => {
      const events = ciscoTimeline({ interval: 10, retry: 2, probes: 5, silentAt: 25, seq0: 100 });
      const { checks, probes } = checkProbes(step, ctx(events, 28));
      expect(probes.map((p) => p.summary?.seq)).to.deep.equal([102, 103, 104, 105, 106]);
      expect(checks[0]).to.deep.include({ name: 'R-U-THERE count within 12 s', expected: 5, observed: 5, pass: true });
      expect(checks.slice(1).map((c) => [c.expected, c.observed, c.tolerance, c.pass])).to.deep.equal(Array(4).fill([2, 2, 0.6, true]));
    });

    it('fails a wrong retry interval with expected/observed/tolerance', () => {
      const events = ciscoTimeline({ interval: 10, retry: 3, probes: 5, silentAt: 25, seq0: 1 });
      const { checks } = checkProbes({ ...step, windowS: 20 }, ctx(events, 25));
      expect(checks[1]).to.deep.equal({ name: 'R-U-THERE spacing 1→2', expected: 2, observed: 3, tolerance: 0.6, unit: 's', pass: false });
    });

    it('fails too few and too many probes', () => {
      const few = checkProbes(step, ctx(ciscoTimeline({ interval: 10, retry: 2, probes: 3, silentAt: 25, seq0: 1 }), 28));
      expect(few.checks[0]).to.deep.include({ observed: 3, pass: false });
      const many = checkProbes(step, ctx(ciscoTimeline({ interval: 10, retry: 2, probes: 6, silentAt: 25, seq0: 1 }), 28));
      expect(many.checks[0]).to.deep.include({ observed: 6, pass: false });
    });

    it('checks when the first probe comes, relative to the origin', () => {
      const events = [probe(10.2, 1), probe(20.9, 2)];
      const { checks } = checkProbes({ kind: 'expect-probes', count: 2, spacing: 10, firstAt: 10, origin: 'step', windowS: 25 }, ctx(events));
      expect(checks.find((c) => c.name.startsWith('first'))).to.deep.include({ expected: 10, observed: 10.2, tolerance: 1, pass: true });
      expect(checks.find((c) => c.name.startsWith('R-U-THERE spacing'))).to.deep.include({ observed: 10.7, pass: true });
    });
  });

  describe('checkSeq', () => {
    it('same / increment over the last series, wrapping at 2^32', () => {
      const reused = [probe(1, 7), probe(2, 7)];
      const inc = [probe(1, 0xffffffff), probe(2, 0)];
      expect(checkSeq({ kind: 'expect-seq', relation: 'same' }, ctx([]), reused).every((c) => c.pass)).to.equal(true);
      expect(checkSeq({ kind: 'expect-seq', relation: 'increment' }, ctx([]), inc).every((c) => c.pass)).to.equal(true);
      const bad = checkSeq({ kind: 'expect-seq', relation: 'increment' }, ctx([]), reused);
      expect(bad[0]).to.deep.include({ expected: 8, observed: 7, pass: false });
    });

    it('echo pairs each of our R-U-THEREs with the next ACK', () => {
      const events = [dgram(1, 'out', 'r-u-there', 40), dgram(1.01, 'in', 'r-u-there-ack', 40), dgram(2, 'out', 'r-u-there', 41), dgram(2.01, 'in', 'r-u-there-ack', 42)];
      const checks = checkSeq({ kind: 'expect-seq', relation: 'echo' }, ctx(events), []);
      expect(checks.map((c) => [c.expected, c.observed, c.pass])).to.deep.equal([[40, 40, true], [41, 42, false]]);
    });
  });

  describe('checkMessage', () => {
    it('a Delete at the expected time passes; one outside the tolerance fails; none says nothing observed', () => {
      const step = { kind: 'expect-message', message: 'delete', direction: 'in', present: true, timing: { kind: 'at', at: 10, origin: 'first-probe' } } as const;
      const events = [probe(30, 1), dgram(40.4, 'in', 'delete')];
      expect(checkMessage(step, ctx(events, 31, 25), peers)[0]).to.deep.include({ expected: 10, observed: 10.4, tolerance: 1, pass: true });
      expect(checkMessage(step, ctx([probe(30, 1), dgram(42, 'in', 'delete')], 31, 25), peers)[0]).to.deep.include({ observed: 12, pass: false });
      expect(checkMessage(step, ctx([probe(30, 1)], 31, 25), peers)[0]).to.deep.include({ observed: null, pass: false, detail: 'no delete from the DUT observed' });
    });

    it('first-probe origin without any probe fails with a reason', () => {
      const step = { kind: 'expect-message', message: 'delete', direction: 'in', present: true, timing: { kind: 'at', at: 10, origin: 'first-probe' } } as const;
      expect(checkMessage(step, ctx([]), peers)[0]).to.deep.include({ observed: null, pass: false });
    });

    it('absent: counts messages inside the window', () => {
      const step = { kind: 'expect-message', message: 'r-u-there', direction: 'in', present: false, timing: { kind: 'window', from: 0, to: 30, origin: 'step' } } as const;
      expect(checkMessage(step, ctx([probe(31, 1)]), peers)[0]).to.deep.include({ expected: 0, observed: 0, pass: true });
      expect(checkMessage(step, ctx([probe(12, 1)]), peers)[0]).to.deep.include({ observed: 1, pass: false, detail: 'first at 12 s' });
    });
  });

  it('checkSaGone: the gone mark inside the window, or still present', () => {
    const step = { kind: 'expect-sa-gone', gone: true, timing: { kind: 'window', from: 0, to: 12, origin: 'step' } } as const;
    expect(checkSaGone(step, ctx([mark(0.2, SA_PRESENT_MARK), mark(10.1, SA_GONE_MARK)]))[0]).to.deep.include({ observed: 10.1, pass: true });
    expect(checkSaGone(step, ctx([mark(0.2, SA_PRESENT_MARK)]))[0]).to.deep.include({ observed: null, pass: false, detail: 'the DUT still lists the SA' });
    const kept = { ...step, gone: false } as const;
    expect(checkSaGone(kept, ctx([mark(0.2, SA_PRESENT_MARK)]))[0]).to.deep.include({ observed: 'present', pass: true });
    expect(checkSaGone(kept, ctx([mark(5, SA_GONE_MARK)]))[0]).to.deep.include({ observed: 'gone at 5 s', pass: false });
    // Gone during the step before (a `wait`): the SA is not "still" listed when this step opens.
    expect(checkSaGone(kept, ctx([mark(0.2, SA_PRESENT_MARK), mark(1.5, SA_GONE_MARK)], 2))[0]).to.deep.include({ observed: 'gone 0.5 s before the window opened', pass: false });
    expect(checkSaGone(kept, ctx([mark(0.2, SA_GONE_MARK), mark(1.5, SA_PRESENT_MARK)], 2))[0]).to.deep.include({ observed: 'present', pass: true });
  });

  it('checkInitiate: Main Mode from the DUT to the named peer address only', () => {
    const step = { kind: 'expect-initiate', peerIndex: 1, timing: { kind: 'window', from: 0, to: 2, origin: 'step' } } as const;
    expect(checkInitiate(step, ctx([dgram(0.3, 'in', 'main-mode', undefined, '127.0.0.3')]), peers)[0]).to.deep.include({ observed: 0.3, pass: true });
    expect(checkInitiate(step, ctx([dgram(0.3, 'in', 'main-mode', undefined, '127.0.0.2')]), peers)[0]).to.deep.include({ observed: null, pass: false });
    // Too late: the observed time is reported so the engineer sees by how much.
    expect(checkInitiate(step, ctx([dgram(4, 'in', 'main-mode', undefined, '127.0.0.3')]), peers)[0]).to.deep.include({ observed: 4, tolerance: 0.6, pass: false });
  });

  it('an IKEv2 DUT is judged in IKEv2 words: liveness requests, message IDs, IKE_SA_INIT', () => {
    const v2 = (events: HarnessEvent[], stepStart = 0): CheckContext => ({ ...ctx(events, stepStart), words: IKEV2_WORDS });
    const initiate = { kind: 'expect-initiate', peerIndex: 1, timing: { kind: 'window', from: 0, to: 2, origin: 'first-probe' } } as const;
    const missing = checkInitiate(initiate, v2([dgram(1, 'in', 'liveness', undefined, '127.0.0.2')]), peers)[0]!;
    expect(missing.name).to.equal('DUT initiates IKE_SA_INIT to peer 127.0.0.3 after the first unanswered liveness request');
    expect(missing.detail).to.equal('no IKE_SA_INIT from the DUT to 127.0.0.3');
    const series = checkProbes({ kind: 'expect-probes', count: 1, spacing: 2, origin: 'phase', windowS: 5 }, v2([]));
    expect(series.checks.map((c) => c.name)).to.deep.equal(['liveness request count within 5 s']);
    const echo = checkSeq({ kind: 'expect-seq', relation: 'echo' }, v2([]), []);
    expect(echo[0]!.name).to.equal("liveness response echoes the liveness request's message ID");
  });
});

describe('scenario/checks: SA already gone', () => {
  it('an SA gone before the window opens counts as gone at 0 s', () => {
    const step = { kind: 'expect-sa-gone', gone: true, timing: { kind: 'window', from: 0, to: 1, origin: 'step' } } as const;
    const events = [mark(0.2, SA_PRESENT_MARK), mark(3, SA_GONE_MARK)];
    expect(checkSaGone(step, { events, stepStart: at(10), phaseStart: at(10), tolerance: { absolute: 0.5, relative: 0 }, words: IKEV1_WORDS })[0]).to.deep.include({ observed: 0, pass: true });
  });
});

describe('scenario/checks: ICMP silence', () => {
  const dropped = (s: number, seq: number): HarnessEvent => ({ ...probe(s, seq), behaviour: 'icmp-port-unreachable' });
  const icmpMark = (s: number, sent: boolean): HarnessEvent => ({ ...mark(s, sent ? 'icmp port unreachable (code 3) sent' : 'icmp port unreachable not sent: ERR_RAW_NOT_PERMITTED'), icmp: { code: 'port', sent } });

  it('passes when every datagram of the phase was answered with an ICMP error', () => {
    const events = [probe(1, 7), dropped(12, 8), icmpMark(12.001, true), dropped(14, 9), icmpMark(14.001, true)];
    expect(checkIcmp(ctx(events, 20, 10))[0]).to.deep.include({ expected: 2, observed: 2, pass: true });
  });

  it('fails, naming why, when an ICMP error could not be sent (the run would otherwise be plain silence)', () => {
    const events = [dropped(12, 8), icmpMark(12.001, true), dropped(14, 9), icmpMark(14, false)];
    expect(checkIcmp(ctx(events, 20, 10))[0]).to.deep.include({ expected: 2, observed: 1, pass: false, detail: 'icmp port unreachable not sent: ERR_RAW_NOT_PERMITTED' });
  });

  it('fails when the DUT sent nothing under the silence', () => {
    expect(checkIcmp(ctx([probe(1, 7)], 20, 10))[0]).to.deep.include({ expected: 0, observed: 0, pass: false, detail: 'the DUT sent nothing under the ICMP silence' });
  });
});
