/**
 * A ScenarioTarget on the IKEv2 fake peer (src/peer/ikev2-peer.ts), for profiles with
 * `ike.version: 2`: the SA is IKE_SA_INIT + IKE_AUTH with one CHILD_SA, a probe is an empty
 * INFORMATIONAL request (RFC 7296 §2.4), teardown an IKE SA Delete. The DUT side (status,
 * initiate, logs) is the same `DutControl` the IKEv1 target uses.
 *
 * Silence is realised as for IKEv1 (peer-target.ts): `in` lets the engine read the DUT's
 * requests and never answers them, `both` adds that nothing leaves, so the timeline still
 * names each liveness request and its retransmissions.
 */
import { HarnessError, IkeError } from '../errors.js';
import type { Clock, DatagramEvent, Endpoint, HarnessEvent } from '../events.js';
import { inboundDecision, NORMAL_BEHAVIOUR, type Behaviour } from '../peer/behaviour.js';
import type { Ikev2Behaviour, Ikev2Peer } from '../peer/ikev2-peer.js';
import type { Ikev2SendOptions } from '../peer/ikev2-engine-port.js';
import type { DaemonLog } from '../report/result-model.js';
import type { DutControl } from './peer-target.js';
import type { CraftKind, ProbeSeq, ScenarioTarget, WireProbeResult } from './target.js';

export interface Ikev2PeerTargetOptions {
  peer: Ikev2Peer;
  clock: Clock;
  /** As PeerTargetOptions.openedAt. */
  openedAt?: bigint;
  dut: Endpoint;
  peerEndpoints: Endpoint[];
  control: DutControl;
  release(): Promise<void>;
}

const MAX_MESSAGE_ID = 0xffffffff;
/** RFC 7296 §3.10.1 INVALID_IKE_SPI: what a peer that lost its state answers. */
const INVALID_IKE_SPI = 4;

/** The IKEv1 behaviour vocabulary of the suites, in the IKEv2 peer's terms; what IKEv2 has no equivalent for is refused. */
export function ikev2Behaviour(change: Partial<Behaviour>): Partial<Ikev2Behaviour> {
  const unsupported = (['corrupt', 'nat', 'hideDpdVendorId'] as const).filter((k) => change[k] !== undefined);
  if (unsupported.length > 0) throw new HarnessError('ERR_TARGET_UNAVAILABLE', `the IKEv2 fake peer has no ${unsupported.join(', ')} behaviour`);
  const out: Partial<Ikev2Behaviour> = {};
  const icmp = change.silence === undefined ? undefined : inboundDecision({ ...NORMAL_BEHAVIOUR, silence: change.silence, ...(change.icmpFrom !== undefined ? { icmpFrom: change.icmpFrom } : {}) });
  // A dead daemon on a live host: read (for the timeline) and answer with ICMP, send nothing IKE.
  if (icmp?.icmp) Object.assign(out, { silence: 'out', liveness: 'ignore', dropAnswers: false, icmp: { label: icmp.label, code: icmp.icmp, ...(icmp.icmpFrom !== undefined ? { from: icmp.icmpFrom } : {}) } });
  else if (change.silence !== undefined) out.icmp = undefined;
  if (change.silence === 'in') Object.assign(out, { silence: 'none', liveness: 'ignore', dropAnswers: true });
  else if (change.silence === 'both') Object.assign(out, { silence: 'out', liveness: 'ignore', dropAnswers: false });
  else if (change.silence === 'none' || change.silence === 'out') Object.assign(out, { liveness: 'answer', dropAnswers: false, silence: change.silence });
  if (change.dpd !== undefined) out.liveness = change.dpd;
  if (change.dropAnswers !== undefined) out.dropAnswers = change.dropAnswers;
  if (change.answerDelayMs !== undefined) out.answerDelayMs = change.answerDelayMs;
  if (change.ackSeq !== undefined) out.answerMessageId = change.ackSeq;
  if (change.lostState !== undefined) out.lostState = change.lostState;
  return out;
}

export class Ikev2PeerScenarioTarget implements ScenarioTarget {
  private readonly since: bigint;
  private sa: string | undefined;

  constructor(private readonly o: Ikev2PeerTargetOptions) {
    this.since = o.openedAt ?? o.clock.now();
  }

  events(): readonly HarnessEvent[] {
    return this.o.peer.log.events.filter((e) => e.t >= this.since);
  }

  mark(label: string): void {
    this.o.peer.log.push({ type: 'mark', t: this.o.clock.now(), label });
  }

  async bringUp(options: { initiator: 'peer' | 'dut'; peerIndex: number; timeoutMs: number }): Promise<string> {
    const local = this.o.peerEndpoints[options.peerIndex];
    if (!local) throw new HarnessError('ERR_SCENARIO_ABORTED', `no fake-peer address for peer index ${options.peerIndex}`);
    const since = this.o.clock.now();
    if (options.initiator === 'peer') {
      // Its own IKE SA: a DUT that (re)connects by itself at the same moment sets up another one, which is not the scenario's.
      const own = this.o.peer.initiate(local, this.o.dut);
      this.sa = (await this.o.peer.waitForSaState(2, 'established', options.timeoutMs, since, { only: own })).sa;
      return this.sa;
    }
    const dutStarted = this.events().some((e) => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'ike-sa-init' && e.local.address === local.address);
    if (!dutStarted) await this.o.control.initiate?.(options.peerIndex);
    // Since the scenario start (a DUT may have finished before this step began), but a new IKE SA: after a failover the earlier one is up in the stream too.
    this.sa = (await this.o.peer.waitForSaState(2, 'established', options.timeoutMs, this.since, { except: this.sa })).sa;
    return this.sa;
  }

  setBehaviour(change: Partial<Behaviour>): void {
    this.o.peer.setBehaviour(ikev2Behaviour(change));
  }

  private currentSa(): string {
    if (this.sa === undefined) throw new HarnessError('ERR_SCENARIO_ABORTED', 'no SA: bring_up first');
    return this.sa;
  }

  private ownLiveness(): DatagramEvent[] {
    return this.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'liveness');
  }

  /** A probe is a liveness request; its "sequence number" is the message ID (RFC 7296 §2.2). */
  async sendProbe(seq: ProbeSeq): Promise<void> {
    const sa = this.currentSa();
    const last = this.ownLiveness().pop()?.summary?.messageId;
    const send = (options?: Ikev2SendOptions): void => this.o.peer.sendLiveness(sa, options);
    switch (seq.kind) {
      case 'next':
        return send();
      case 'value':
        return send({ messageId: seq.value });
      case 'repeat':
        // A duplicate request: the one the DUT already answered, resent byte for byte (RFC 7296 §2.1).
        return send(last === undefined ? undefined : { messageId: last, retransmit: true });
      case 'decrease':
        return send({ messageId: last === undefined ? 0 : Math.max(0, last - 1) });
      case 'wrap':
        return send({ messageId: MAX_MESSAGE_ID });
    }
  }

  /** The robustness messages IKEv2 has a counterpart for; the rest are IKEv1 wire details (HASH(1), cookies, DOI). */
  async sendCrafted(kind: CraftKind): Promise<void> {
    const sa = this.currentSa();
    switch (kind) {
      case 'unencrypted':
        // RFC 7296 §3.14: an INFORMATIONAL after IKE_AUTH is protected; this one carries its payloads in the clear.
        return this.o.peer.sendLiveness(sa, { protection: 'clear', oneShot: true });
      case 'bad-hash':
        // RFC 7296 §2.21.2: a bad ICV is dropped without an answer.
        return this.o.peer.sendLiveness(sa, { protection: 'bad-icv', oneShot: true });
      case 'message-id-zero':
        // IKE_SA_INIT's message ID: the DUT answered it long ago (§2.2 retransmission or drop).
        return this.o.peer.sendLiveness(sa, { messageId: 0, oneShot: true });
      case 'message-id-max':
        // §2.2: far outside the window.
        return this.o.peer.sendLiveness(sa, { messageId: MAX_MESSAGE_ID, oneShot: true });
      default:
        throw new HarnessError('ERR_TARGET_UNAVAILABLE', `crafted message ${kind} is IKEv1-only`);
    }
  }

  /** One liveness request on the scenario's SA, whatever the silence, and whether the DUT answered it. */
  async wireProbe(timeoutMs: number): Promise<WireProbeResult> {
    const sa = this.currentSa();
    const sentAt = this.o.clock.now();
    if (!this.o.peer.sas().includes(sa)) return { alive: false, sentAt, detail: 'the SA was already deleted on the wire' };
    const before = this.o.peer.behaviour;
    this.o.peer.setBehaviour({ silence: 'none', dropAnswers: false });
    try {
      this.o.peer.sendLiveness(sa);
    } finally {
      this.o.peer.setBehaviour(before);
    }
    try {
      const r = await this.o.peer.waitForEngineEvent((x) => x.sa === sa && (x.event.kind === 'liveness-response' || (x.event.kind === 'notify-received' && x.event.notifyType === INVALID_IKE_SPI) || (x.event.kind === 'state' && x.event.sa === 'ike' && x.event.state === 'deleted')), timeoutMs, sentAt, 'an answer to the wire probe');
      return r.event.kind === 'liveness-response' ? { alive: true, sentAt, detail: 'liveness response' } : { alive: false, sentAt, detail: r.event.kind === 'state' ? 'delete' : 'invalid-ike-spi' };
    } catch (err) {
      if ((err as HarnessError).code !== 'ERR_PEER_TIMEOUT') throw err;
      return { alive: false, sentAt, detail: `no answer within ${timeoutMs / 1000} s` };
    }
  }

  async rebindNat(): Promise<void> {
    throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'the IKEv2 fake peer does not speak NAT-T');
  }

  async setDutTraffic(on: boolean): Promise<void> {
    if (!this.o.control.setTraffic) throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'this DUT cannot be made to send traffic (on-demand DPD scenarios need it)');
    await this.o.control.setTraffic(on);
  }

  dutHasSa(peerIndex: number): Promise<boolean> {
    return this.o.control.hasSa(this.o.peerEndpoints[peerIndex]!.address);
  }

  daemonLogs(): DaemonLog[] {
    return this.o.control.daemonLogs?.(this.since) ?? [];
  }

  /** A request of ours still outstanding (§2.3, window of one) leaves no room for the Delete: the DUT's release or timeout ends the SA. */
  private deleteIke(sa: string): void {
    try {
      this.o.peer.deleteIke(sa);
    } catch (err) {
      if (!(err instanceof IkeError)) throw err;
      this.mark(`teardown: no Delete sent (${err.message})`);
    }
  }

  async teardown(): Promise<void> {
    try {
      if (this.sa !== undefined && this.o.peer.sas().includes(this.sa)) this.deleteIke(this.sa);
    } finally {
      await this.o.release();
    }
  }
}
