/**
 * An in-memory ScenarioTarget for unit tests: a Cisco-like DUT model (reference
 * document: periodic R-U-THERE every `interval`, after a missed ACK retries every
 * `retry`, dead after `probes` unanswered ones, Delete, failover to the next peer)
 * on a FakeClock, recording the datagram events the fake peer would record.
 * Fault knobs make it misbehave the way real DUT bugs do.
 */
import type { Clock, HarnessEvent, MessageKind } from '../../src/events.js';
import type { Behaviour } from '../../src/peer/behaviour.js';
import { NORMAL_BEHAVIOUR, dpdAnswerDecision } from '../../src/peer/behaviour.js';
import type { ProbeSeq, CraftKind } from '../../src/scenario/plan.js';
import type { ScenarioTarget, WireProbeResult } from '../../src/target/target.js';

export interface SimulatedDut {
  interval: number;
  retry: number;
  probes: number;
  deleteOnDead: boolean;
  /** Seconds from the dead declaration to Main Mode towards the next peer; undefined: no failover. */
  failoverAfter?: number;
  peers: string[];
  /** The target cannot read the DUT's status: an SA counts as present until a Delete, as on the wire. */
  statusFromWire?: boolean;
}

export class SimulatedTarget implements ScenarioTarget {
  private readonly log: HarnessEvent[] = [];
  private behaviour: Behaviour = { ...NORMAL_BEHAVIOUR };
  private peerIndex = 0;
  private up = false;
  private seq = 1000;
  private unanswered = 0;
  private timer: { cancel(): void } | undefined;
  private readonly sent: number[] = [];
  tornDown = false;

  constructor(private readonly clock: Clock, private readonly dut: SimulatedDut) {}

  events(): readonly HarnessEvent[] {
    return this.log;
  }

  mark(label: string): void {
    this.log.push({ type: 'mark', t: this.clock.now(), label });
  }

  private datagram(direction: 'in' | 'out', kind: MessageKind, seq?: number, peer = this.peerIndex): void {
    this.log.push({
      type: 'datagram', t: this.clock.now(), direction,
      local: { address: this.dut.peers[peer]!, port: 500 }, remote: { address: '127.0.0.1', port: 500 }, bytes: new Uint8Array(0),
      summary: { exchangeType: kind === 'main-mode' ? 2 : 5, messageId: 1, kind, ...(seq === undefined ? {} : { seq }), ...(kind === 'main-mode' ? { step: 1 } : {}) },
    });
  }

  private schedule(seconds: number, fn: () => void): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(fn, seconds * 1000);
  }

  async bringUp(o: { initiator: 'peer' | 'dut'; peerIndex: number }): Promise<string> {
    this.peerIndex = o.peerIndex;
    this.datagram(o.initiator === 'dut' ? 'in' : 'out', 'main-mode');
    this.up = true;
    this.unanswered = 0;
    // RFC 3706 §5.1: no DPD unless both sides sent the vendor ID.
    if (!this.behaviour.hideDpdVendorId) this.schedule(this.dut.interval, () => this.probe());
    return 'sa';
  }

  private probe(): void {
    const seq = this.seq++;
    this.datagram('in', 'r-u-there', seq);
    this.sent.push(seq);
    this.unanswered++;
    const b = this.behaviour;
    const delivered = b.silence !== 'in' && b.silence !== 'both';
    const decision = dpdAnswerDecision(b, seq, this.sent.slice(0, -1));
    if (delivered && decision.answer && b.silence !== 'out') {
      const delay = b.answerDelayMs / 1000;
      this.clock.setTimeout(() => {
        this.datagram('out', 'r-u-there-ack', decision.seq);
        if (this.up && decision.seq === seq) {
          this.unanswered = 0;
          this.schedule(this.dut.interval - delay, () => this.probe());
        }
      }, b.answerDelayMs);
    }
    if (this.unanswered >= this.dut.probes) this.schedule(this.dut.retry, () => this.dead());
    else this.schedule(this.dut.retry, () => this.probe());
  }

  private dead(): void {
    this.up = false;
    if (this.dut.deleteOnDead) this.datagram('in', 'delete');
    const next = this.peerIndex + 1;
    if (this.dut.failoverAfter !== undefined && next < this.dut.peers.length) {
      this.clock.setTimeout(() => {
        this.peerIndex = next;
        this.datagram('in', 'main-mode', undefined, next);
      }, this.dut.failoverAfter * 1000);
    }
  }

  setBehaviour(change: Partial<Behaviour>): void {
    this.behaviour = { ...this.behaviour, ...change };
  }

  /** Like the fake peer: a probe leaves at once, its ACK comes 5 ms later; `wrap` sends 0xffffffff, then 0 after 100 ms. */
  async sendProbe(seq: ProbeSeq): Promise<void> {
    const send = (value: number): void => {
      this.datagram('out', 'r-u-there', value);
      this.clock.setTimeout(() => this.datagram('in', 'r-u-there-ack', value), 5);
    };
    if (seq.kind !== 'wrap') return send(seq.kind === 'value' ? seq.value : 77);
    send(0xffffffff);
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 100));
    send(0);
  }

  async sendCrafted(kind: CraftKind): Promise<void> {
    this.mark(`crafted ${kind}`);
  }

  async rebindNat(): Promise<void> {
    this.mark('nat rebinding');
  }

  async setDutTraffic(): Promise<void> {}

  async dutHasSa(): Promise<boolean> {
    if (this.dut.statusFromWire) return !this.log.some((e) => e.type === 'datagram' && e.summary?.kind === 'delete');
    return this.up;
  }

  /** The fake peer's R-U-THERE: answered 5 ms later while the DUT holds the SA. */
  async wireProbe(timeoutMs: number): Promise<WireProbeResult> {
    const sentAt = this.clock.now();
    this.datagram('out', 'r-u-there', 77);
    if (!this.up) {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, timeoutMs));
      return { alive: false, sentAt, detail: `no answer within ${timeoutMs / 1000} s` };
    }
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 5));
    this.datagram('in', 'r-u-there-ack', 77);
    return { alive: true, sentAt, detail: 'ack' };
  }

  async teardown(): Promise<void> {
    this.timer?.cancel();
    this.tornDown = true;
  }
}
