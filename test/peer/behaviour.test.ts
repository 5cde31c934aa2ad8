import { expect } from 'chai';
import {
  NORMAL_BEHAVIOUR,
  changeBehaviour,
  dpdAnswerDecision,
  inboundDecision,
  outboundDecision,
  type Behaviour,
} from '../../src/peer/behaviour.js';

const with_ = (change: Partial<Behaviour>): Behaviour => changeBehaviour(NORMAL_BEHAVIOUR, change);

describe('peer/behaviour policy', () => {
  it('delivers and sends normally by default, answering R-U-THERE with the echoed seq', () => {
    expect(inboundDecision(NORMAL_BEHAVIOUR)).to.deep.equal({ deliver: true });
    expect(outboundDecision(NORMAL_BEHAVIOUR, true)).to.deep.equal({ send: true, delayMs: 0 });
    expect(dpdAnswerDecision(NORMAL_BEHAVIOUR, 1733077984, [])).to.deep.equal({ answer: true, seq: 1733077984 });
  });

  for (const [silence, dropIn, dropOut] of [['in', true, false], ['out', false, true], ['both', true, true]] as const) {
    it(`silence ${silence}: drops inbound ${dropIn}, drops outbound ${dropOut}`, () => {
      const b = with_({ silence });
      expect(inboundDecision(b).deliver).to.equal(!dropIn);
      expect(outboundDecision(b, true).send).to.equal(!dropOut);
      expect(outboundDecision(b, false).send).to.equal(!dropOut);
      if (dropIn) expect(inboundDecision(b)).to.deep.equal({ deliver: false, label: `silence-${silence}` });
    });
  }

  for (const [silence, icmp] of [['icmp-port-unreachable', 'port'], ['icmp-host-unreachable', 'host'], ['icmp-admin-prohibited', 'admin-prohibited']] as const) {
    it(`${silence}: the engine reads what arrives, which is answered with ICMP ${icmp} unreachable; nothing IKE leaves`, () => {
      const b = with_({ silence });
      expect(inboundDecision(b)).to.deep.equal({ deliver: true, label: silence, icmp });
      expect(outboundDecision(b, true)).to.deep.equal({ send: false, label: silence });
      expect(outboundDecision(b, false)).to.deep.equal({ send: false, label: silence });
    });
  }

  it('icmpFrom names the source of the ICMP error (a router on a dead path), and only under an icmp silence', () => {
    expect(inboundDecision(with_({ silence: 'icmp-host-unreachable', icmpFrom: '203.0.113.1' }))).to.deep.equal({ deliver: true, label: 'icmp-host-unreachable', icmp: 'host', icmpFrom: '203.0.113.1' });
    expect(inboundDecision(with_({ silence: 'in', icmpFrom: '203.0.113.1' }))).to.deep.equal({ deliver: false, label: 'silence-in' });
    expect(inboundDecision(with_({ icmpFrom: '203.0.113.1' }))).to.deep.equal({ deliver: true });
  });

  it('dropAnswers keeps answers off the wire and lets what the peer starts itself leave', () => {
    const b = with_({ dropAnswers: true });
    expect(outboundDecision(b, true)).to.deep.equal({ send: false, label: 'silence-in' });
    expect(outboundDecision(b, false)).to.deep.equal({ send: true, delayMs: 0 });
    expect(inboundDecision(b)).to.deep.equal({ deliver: true });
  });

  it('delays answers only, not messages the peer starts itself', () => {
    const b = with_({ answerDelayMs: 2500 });
    expect(outboundDecision(b, true)).to.deep.equal({ send: true, delayMs: 2500, label: 'delay-2500ms' });
    expect(outboundDecision(b, false)).to.deep.equal({ send: true, delayMs: 0 });
  });

  it('does not answer DPD when told to ignore it', () => {
    expect(dpdAnswerDecision(with_({ dpd: 'ignore' }), 7, [])).to.deep.equal({ answer: false, label: 'dpd-ignore' });
  });

  it('transforms the ACK sequence number, wrapping at 32 bits', () => {
    expect(dpdAnswerDecision(with_({ ackSeq: { kind: 'plus-one' } }), 0xffffffff, [])).to.deep.equal({ answer: true, seq: 0, label: 'ack-seq-plus-one' });
    expect(dpdAnswerDecision(with_({ ackSeq: { kind: 'minus-one' } }), 0, [])).to.deep.equal({ answer: true, seq: 0xffffffff, label: 'ack-seq-minus-one' });
    expect(dpdAnswerDecision(with_({ ackSeq: { kind: 'constant', value: 42 } }), 9821, [])).to.deep.equal({ answer: true, seq: 42, label: 'ack-seq-constant-42' });
  });

  it('answers stale with the most recent earlier probe that differs, or seq−1 before any', () => {
    const b = with_({ ackSeq: { kind: 'stale' } });
    expect(dpdAnswerDecision(b, 9824, [9821, 9822, 9823])).to.deep.equal({ answer: true, seq: 9823, label: 'ack-seq-stale' });
    // strongSwan repeats the seq on retries: the stale answer must still differ from the current probe.
    expect(dpdAnswerDecision(b, 500, [499, 500, 500])).to.deep.equal({ answer: true, seq: 499, label: 'ack-seq-stale' });
    expect(dpdAnswerDecision(b, 500, [])).to.deep.equal({ answer: true, seq: 499, label: 'ack-seq-stale' });
  });

  it('changes one knob and keeps the others', () => {
    const b = changeBehaviour(with_({ answerDelayMs: 100 }), { silence: 'out' });
    expect(b).to.include({ answerDelayMs: 100, silence: 'out', dpd: 'answer' });
    expect(NORMAL_BEHAVIOUR.silence).to.equal('none');
  });
});
