/**
 * The Cisco DPD policy driven by a FakeClock. Expected timings come from the
 * Cisco reference document (cisco-iosxe-dpd-periodic-message-option.md): its
 * debug example shows one R_U_THERE at 15:47:35, retries at :37, :39, :41, :43
 * and the SAs deleted at :45 with `keepalive 10 periodic` (retry 2 s by default).
 */
import { expect } from 'chai';
import { CiscoDpdPolicy, type CiscoDpdConfig, type DpdAction, type DpdInput } from '../../src/dut/cisco-dpd-policy.js';
import type { DpdFaults, Keepalive } from '../../src/dut/keepalive-config.js';
import { FakeClock } from '../support/fake-clock.js';

const FIRST_SEQ = 0x7ffffffe;

interface Logged { t: number; action: DpdAction }

/** The policy wired to a FakeClock the way the device wires it to its timer set. */
class Harness {
  readonly clock = new FakeClock(0n);
  readonly log: Logged[] = [];
  private timer: { cancel(): void } | undefined;
  readonly policy: CiscoDpdPolicy;

  constructor(keepalive: Partial<Keepalive> = {}, more: Partial<CiscoDpdConfig> = {}, faults: DpdFaults = {}) {
    this.policy = new CiscoDpdPolicy({
      keepalive: { seconds: 10, retrySeconds: 2, mode: 'periodic', ...keepalive },
      peers: [0, 1, 2],
      onDead: 'failover',
      firstSeq: () => FIRST_SEQ,
      faults,
      ...more,
    });
  }

  /** Seconds since the start. */
  get now(): number {
    return Number(this.clock.now()) / 1e9;
  }

  send(input: DpdInput): DpdAction[] {
    const actions = this.policy.handle(input, this.clock.now());
    for (const action of actions) {
      this.log.push({ t: this.now, action });
      if (action.type === 'arm-timer') {
        this.timer?.cancel();
        const delayMs = Number(action.at - this.clock.now()) / 1e6;
        this.timer = this.clock.setTimeout(() => this.send({ type: 'timer' }), delayMs);
      } else if (action.type === 'disarm-timer') {
        this.timer?.cancel();
        this.timer = undefined;
      }
    }
    return actions;
  }

  advance(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  /** Answers every probe sent from now on after `delay` seconds, with seq transformed by `seqOf`. */
  answerProbes(delay = 0.05, seqOf = (s: number) => s): void {
    const original = this.send.bind(this);
    this.send = (input: DpdInput) => {
      const actions = original(input);
      for (const a of actions) {
        if (a.type === 'send-probe') this.clock.setTimeout(() => original({ type: 'ack', seq: seqOf(a.seq) }), delay * 1000);
      }
      return actions;
    };
  }

  times(type: DpdAction['type']): number[] {
    return this.log.filter((l) => l.action.type === type).map((l) => round(l.t));
  }

  of<T extends DpdAction['type']>(type: T): Extract<DpdAction, { type: T }>[] {
    return this.log.filter((l) => l.action.type === type).map((l) => l.action as Extract<DpdAction, { type: T }>);
  }
}

const round = (t: number): number => Math.round(t * 1000) / 1000;

describe('dut/cisco-dpd-policy', () => {
  describe('correct Cisco behaviour', () => {
    it('periodic: probes every `seconds` while the peer answers, with a sequence number that increments per probe', () => {
      const h = new Harness();
      h.answerProbes(0.05);
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(45);
      expect(h.times('send-probe')).to.deep.equal([10, 20, 30, 40]);
      expect(h.of('send-probe').map((p) => p.seq)).to.deep.equal([0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001]);
      expect(h.of('peer-dead')).to.have.length(0);
    });

    it('periodic silence: one probe and four retries 2 s apart, dead 2 s after the fifth, Delete IPsec then IKE, failover to the next peer', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(60);
      expect(h.times('send-probe')).to.deep.equal([10, 12, 14, 16, 18]);
      expect(h.times('peer-dead')).to.deep.equal([20]);
      expect(h.of('peer-dead')[0]).to.deep.equal({ type: 'peer-dead', peerIndex: 0, unansweredProbes: 5 });
      const atDead = h.log.filter((l) => l.t === 20).map((l) => l.action.type);
      expect(atDead).to.deep.equal(['peer-dead', 'send-delete', 'send-delete', 'remove-sas', 'initiate']);
      expect(h.of('send-delete').map((d) => d.what)).to.deep.equal(['ipsec', 'isakmp']);
      expect(h.of('initiate')).to.deep.equal([{ type: 'initiate', peerIndex: 1 }]);
      expect(h.policy.state).to.equal('down');
    });

    it('fails over from the second listed peer to the third, and cycles back to the first after the last', () => {
      const h = new Harness();
      for (const peer of [0, 1, 2]) {
        h.send({ type: 'established', peerIndex: peer, dpdVendorId: true });
        h.advance(25);
      }
      expect(h.of('initiate').map((i) => i.peerIndex)).to.deep.equal([1, 2, 0]);
    });

    it('follows the crypto map order, not the index order', () => {
      const h = new Harness({}, { peers: [2, 0, 1] });
      h.send({ type: 'established', peerIndex: 2, dpdVendorId: true });
      h.advance(25);
      expect(h.of('initiate').map((i) => i.peerIndex)).to.deep.equal([0]);
    });

    it("'clear' deletes the SAs and initiates to nobody", () => {
      const h = new Harness({}, { onDead: 'clear' });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(30);
      expect(h.of('send-delete')).to.have.length(2);
      expect(h.of('initiate')).to.have.length(0);
    });

    it('honours a configured retry interval (keepalive 10 5)', () => {
      const h = new Harness({ retrySeconds: 5 });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(40);
      expect(h.times('send-probe')).to.deep.equal([10, 15, 20, 25, 30]);
      expect(h.times('peer-dead')).to.deep.equal([35]);
    });

    it('an ACK echoing the latest probe ends the run; the next probe is one interval after the run began', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(13); // probes at 10 and 12 unanswered
      h.send({ type: 'ack', seq: h.of('send-probe')[1]!.seq });
      h.advance(7.5);
      expect(h.times('send-probe')).to.deep.equal([10, 12, 20]);
      expect(h.of('peer-dead')).to.have.length(0);
    });

    it('an ACK for an earlier probe of the run (seq−1 of the latest, stale) is not liveness', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(13);
      h.send({ type: 'ack', seq: h.of('send-probe')[0]!.seq });
      h.advance(10);
      expect(h.times('send-probe')).to.deep.equal([10, 12, 14, 16, 18]);
      expect(h.times('peer-dead')).to.deep.equal([20]);
    });

    it('an ACK carrying seq+1 is not liveness', () => {
      const h = new Harness();
      h.answerProbes(0.05, (s) => s + 1);
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(25);
      expect(h.times('peer-dead')).to.deep.equal([20]);
      expect(h.of('ignored').length).to.be.greaterThan(0);
    });

    it('answers the peer\'s R-U-THERE echoing its sequence number, and the peer\'s hello restarts the periodic interval', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(8);
      const actions = h.send({ type: 'probe', seq: 0xffffffff });
      expect(actions[0]).to.deep.equal({ type: 'send-ack', seq: 0xffffffff });
      h.answerProbes(0.05);
      h.advance(12);
      expect(h.times('send-probe')).to.deep.equal([18]);
    });

    it('answers R-U-THERE but never probes when the peer did not send the DPD vendor ID', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: false });
      expect(h.send({ type: 'probe', seq: 7 })).to.deep.include({ type: 'send-ack', seq: 7 });
      h.advance(120);
      expect(h.of('send-probe')).to.have.length(0);
    });

    it('periodic mode probes whatever the inbound traffic', () => {
      const h = new Harness();
      h.answerProbes(0.05);
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      for (let i = 0; i < 25; i++) {
        h.advance(1);
        h.send({ type: 'inbound' });
      }
      expect(h.times('send-probe')).to.deep.equal([10, 20]);
    });

    it('on-demand: never probes while idle, however long', () => {
      const h = new Harness({ mode: 'on-demand' });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(600);
      expect(h.of('send-probe')).to.have.length(0);
      expect(h.clock.pendingCount).to.equal(0);
    });

    it('on-demand: with outbound traffic and nothing heard for `seconds`, probes, retries and declares the peer dead', () => {
      const h = new Harness({ mode: 'on-demand' });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(30);
      h.send({ type: 'outbound-traffic', pending: true });
      h.advance(30);
      expect(h.times('send-probe')).to.deep.equal([30, 32, 34, 36, 38]);
      expect(h.times('peer-dead')).to.deep.equal([40]);
    });

    it('on-demand: inbound traffic restarts the worry timer', () => {
      const h = new Harness({ mode: 'on-demand' });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.send({ type: 'outbound-traffic', pending: true });
      h.advance(7);
      h.send({ type: 'inbound' });
      h.advance(9.9);
      expect(h.of('send-probe')).to.have.length(0);
      h.advance(0.2);
      expect(h.times('send-probe')).to.deep.equal([17]);
    });

    it('a timer that fires before the deadline re-arms for the rest instead of probing early or stalling', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(9.999);
      expect(h.send({ type: 'timer' })).to.deep.equal([{ type: 'arm-timer', at: 10_000_000_000n }]);
      h.advance(0.002);
      expect(h.times('send-probe')).to.deep.equal([10]);
    });

    it('stops when the SA goes away for another reason', () => {
      const h = new Harness();
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(5);
      h.send({ type: 'sa-gone' });
      h.advance(60);
      expect(h.of('send-probe')).to.have.length(0);
      expect(h.clock.pendingCount).to.equal(0);
    });
  });

  describe('fault switches', () => {
    const silent = (faults: DpdFaults, more: Partial<CiscoDpdConfig> = {}): Harness => {
      const h = new Harness({}, more, faults);
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(40);
      return h;
    };

    it('wrong retry interval: retries 3 s apart instead of 2', () => {
      const h = silent({ retrySeconds: 3 });
      expect(h.times('send-probe')).to.deep.equal([10, 13, 16, 19, 22]);
      expect(h.times('peer-dead')).to.deep.equal([25]);
    });

    it('too few retries: dead after 3 probes', () => {
      expect(silent({ probesBeforeDead: 3 }).times('peer-dead')).to.deep.equal([16]);
    });

    it('too many retries: dead after 8 probes', () => {
      const h = silent({ probesBeforeDead: 8 });
      expect(h.of('send-probe')).to.have.length(8);
      expect(h.times('peer-dead')).to.deep.equal([26]);
    });

    it('no teardown: no Delete, SAs kept, probing starts over', () => {
      const h = silent({ noTeardown: true });
      expect(h.of('send-delete')).to.have.length(0);
      expect(h.of('remove-sas')).to.have.length(0);
      expect(h.of('initiate')).to.have.length(0);
      expect(h.times('send-probe').slice(0, 6)).to.deep.equal([10, 12, 14, 16, 18, 30]);
      expect(h.policy.state).to.not.equal('down');
    });

    it('no Delete: SAs removed and failover done, but nothing sent', () => {
      const h = silent({ noDelete: true });
      expect(h.of('send-delete')).to.have.length(0);
      expect(h.of('remove-sas')).to.have.length(1);
      expect(h.of('initiate')).to.have.length(1);
    });

    it('sequence number not echoed in the ACK to the peer\'s R-U-THERE', () => {
      const h = new Harness({}, {}, { ackSeqNotEchoed: true });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      const acks = h.send({ type: 'probe', seq: 1234 }).filter((a) => a.type === 'send-ack');
      expect(acks).to.have.length(1);
      expect(acks[0]).to.not.deep.equal({ type: 'send-ack', seq: 1234 });
    });

    it('wrong-sequence ACKs accepted as liveness: a peer answering seq+1 is never declared dead', () => {
      const h = new Harness({}, {}, { acceptWrongSeqAck: true });
      h.answerProbes(0.05, (s) => s + 1);
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: true });
      h.advance(45);
      expect(h.of('peer-dead')).to.have.length(0);
      expect(h.times('send-probe')).to.deep.equal([10, 20, 30, 40]);
    });

    it('probes although DPD was not negotiated', () => {
      const h = new Harness({}, {}, { probeWithoutDpdVendorId: true });
      h.send({ type: 'established', peerIndex: 0, dpdVendorId: false });
      h.advance(11);
      expect(h.times('send-probe')).to.deep.equal([10]);
    });

    it('no failover: SAs deleted, no Main Mode towards the next peer', () => {
      const h = silent({ noFailover: true });
      expect(h.of('send-delete')).to.have.length(2);
      expect(h.of('initiate')).to.have.length(0);
    });

    it('failover to the wrong peer: skips the next listed one', () => {
      expect(silent({ failoverToWrongPeer: true }).of('initiate')).to.deep.equal([{ type: 'initiate', peerIndex: 2 }]);
    });
  });
});
