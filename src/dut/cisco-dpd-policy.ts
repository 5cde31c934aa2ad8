/**
 * The Cisco IOS XE Dead Peer Detection liveness policy as a pure state machine:
 * inputs with the current monotonic time in, actions out. No sockets, no timers:
 * the device carries the actions out and calls `handle` with `{ type: 'timer' }`
 * when the armed deadline is reached.
 *
 * "[Cisco …]" cites a section of the reference document "IPsec Dead Peer Detection
 * Periodic Message Option" (/work/shared/reference/cisco-iosxe-dpd-periodic-message-option.md);
 * "[RFC 3706 §…]" cites RFC 3706.
 */
import type { DpdFaults, Keepalive } from './keepalive-config.js';
import { PROBES_BEFORE_DEAD } from './keepalive-config.js';

export interface CiscoDpdConfig {
  keepalive: Keepalive;
  /** The crypto map's `set peer` list, in order, as indexes of the peer addresses. */
  peers: number[];
  /** 'failover': after a dead declaration, initiate to the next listed peer (the same one when only one is listed); 'clear': stay down. */
  onDead: 'failover' | 'clear';
  /** First R-U-THERE sequence number of each IKE SA; the device draws it from its Random. */
  firstSeq: (peerIndex: number) => number;
  faults?: DpdFaults;
}

export type DpdInput =
  /** Phase 1 finished with peer `peerIndex`; `dpdVendorId`: the peer sent the RFC 3706 VID. */
  | { type: 'established'; peerIndex: number; dpdVendorId: boolean }
  /** An authenticated R-U-THERE-ACK arrived. */
  | { type: 'ack'; seq: number }
  /** An authenticated R-U-THERE arrived from the peer. */
  | { type: 'probe'; seq: number }
  /** Protected traffic (ESP) or any other authenticated message from the peer arrived. */
  | { type: 'inbound' }
  /** The DUT has (true) or stops having (false) protected traffic to send to the peer. */
  | { type: 'outbound-traffic'; pending: boolean }
  /** The armed deadline was reached. */
  | { type: 'timer' }
  /** The SAs went away for another reason (operator clear, peer's Delete): stop. */
  | { type: 'sa-gone' };

export type DpdAction =
  | { type: 'send-probe'; seq: number }
  | { type: 'send-ack'; seq: number }
  /** Call `handle({type:'timer'})` at this monotonic time (replaces any armed deadline). */
  | { type: 'arm-timer'; at: bigint }
  | { type: 'disarm-timer' }
  | { type: 'peer-dead'; peerIndex: number; unansweredProbes: number }
  /** Send a Delete for the IPsec SAs, then for the IKE SA. */
  | { type: 'send-delete'; what: 'ipsec' | 'isakmp' }
  /** Remove the IKE and IPsec SAs from the DUT's tables. */
  | { type: 'remove-sas' }
  /** Start Main Mode towards this peer. */
  | { type: 'initiate'; peerIndex: number }
  /** Something the policy ignored on purpose, for the device's log. */
  | { type: 'ignored'; reason: string };

type Phase =
  | { kind: 'down' }
  | { kind: 'watching' }
  /** Probes sent without a matching ACK yet, oldest first. */
  | { kind: 'probing'; outstanding: number[]; firstProbeAt: bigint };

const NS_PER_S = 1_000_000_000;
const ns = (seconds: number): bigint => BigInt(Math.round(seconds * NS_PER_S));
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export class CiscoDpdPolicy {
  private phase: Phase = { kind: 'down' };
  private peerIndex = -1;
  private dpdActive = false;
  private nextSeq = 0;
  /** Last time anything authenticated was heard from the peer: the on-demand worry timer starts here. */
  private lastHeard = 0n;
  /** Periodic: when the next R-U-THERE is due. */
  private periodicDue = 0n;
  private outboundPending = false;
  private deadline: bigint | undefined;
  private readonly faults: DpdFaults;

  constructor(private readonly config: CiscoDpdConfig) {
    this.faults = config.faults ?? {};
  }

  /** The peer index the DUT is (or was last) talking to; -1 before the first SA. */
  get currentPeer(): number {
    return this.peerIndex;
  }

  get state(): Phase['kind'] {
    return this.phase.kind;
  }

  handle(input: DpdInput, now: bigint): DpdAction[] {
    switch (input.type) {
      case 'established': return this.established(input.peerIndex, input.dpdVendorId, now);
      case 'ack': return this.ack(input.seq, now);
      case 'probe': return this.peerProbe(input.seq, now);
      case 'inbound': return this.inbound(now);
      case 'outbound-traffic': return this.outbound(input.pending, now);
      case 'timer': return this.timer(now);
      case 'sa-gone': return this.stop();
    }
  }

  private established(peerIndex: number, dpdVendorId: boolean, now: bigint): DpdAction[] {
    this.peerIndex = peerIndex;
    // [RFC 3706 §5.1] both peers must send the DPD vendor ID before either uses DPD;
    // [Cisco "Using the IPsec DPD Periodic Message Option", Note] IOS uses DPD only when the peer supports it.
    this.dpdActive = dpdVendorId || this.faults.probeWithoutDpdVendorId === true;
    // [RFC 3706 §6] the counter may start afresh with each IKE SA.
    this.nextSeq = this.config.firstSeq(peerIndex) >>> 0;
    this.lastHeard = now;
    this.phase = { kind: 'watching' };
    this.periodicDue = now + ns(this.config.keepalive.seconds);
    return this.rearm(now);
  }

  private ack(seq: number, now: bigint): DpdAction[] {
    if (this.phase.kind === 'down') return [{ type: 'ignored', reason: `R-U-THERE-ACK seq ${seq} with no SA up` }];
    if (this.phase.kind !== 'probing') return [{ type: 'ignored', reason: `R-U-THERE-ACK seq ${seq} with no probe outstanding` }];
    // [RFC 3706 §6.2] the sender SHOULD reject an ACK whose sequence number does not match. Only the latest
    // R-U-THERE counts: with a new number on every retry, an older number is indistinguishable from a
    // peer echoing the wrong one (seq−1, stale), which must not pass as liveness (racoon does the same).
    const latest = this.phase.outstanding[this.phase.outstanding.length - 1]!;
    if (seq >>> 0 !== latest && this.faults.acceptWrongSeqAck !== true) {
      return [{ type: 'ignored', reason: `R-U-THERE-ACK seq ${seq >>> 0} does not echo the latest R-U-THERE (seq ${latest})` }];
    }
    this.heard(now);
    return this.rearm(now);
  }

  private peerProbe(seq: number, now: bigint): DpdAction[] {
    if (this.phase.kind === 'down') return [{ type: 'ignored', reason: `R-U-THERE seq ${seq} with no SA up` }];
    // [RFC 3706 §6.1] the ACK MUST echo the R-U-THERE's sequence number. Answered even without the VID
    // exchange, as the open-source stacks do (protocol digest §4.1).
    const ackSeq = this.faults.ackSeqNotEchoed === true ? this.nextSeq : seq >>> 0;
    this.heard(now);
    // [Cisco "How DPD and Cisco IOS XE Keepalive Features Work"] "send a hello message every 10 seconds
    // (unless, of course, the router receives a hello message from the peer)": the peer's probe restarts the interval.
    this.periodicDue = now + ns(this.config.keepalive.seconds);
    return [{ type: 'send-ack', seq: ackSeq }, ...this.rearm(now)];
  }

  private inbound(now: bigint): DpdAction[] {
    if (this.phase.kind === 'down') return [];
    // [Cisco step 3, on-demand] seconds "during which traffic is not received from the peer": inbound
    // traffic restarts the worry timer. Periodic mode probes regardless of traffic (digest §8: CSCsh12853).
    this.heard(now);
    return this.rearm(now);
  }

  private outbound(pending: boolean, now: bigint): DpdAction[] {
    this.outboundPending = pending;
    return this.phase.kind === 'down' ? [] : this.rearm(now);
  }

  private timer(now: bigint): DpdAction[] {
    if (this.deadline === undefined) return [];
    // Real timers may fire a little before the monotonic deadline: wait for the rest.
    if (now < this.deadline) return [{ type: 'arm-timer', at: this.deadline }];
    this.deadline = undefined;
    if (this.phase.kind === 'probing') {
      const sent = this.phase.outstanding.length;
      // [Cisco step 3] "Five aggressive DPD retry messages can be missed before the tunnel is marked as down";
      // the debug example sends one R_U_THERE and four retransmissions and deletes the SAs one retry interval later.
      if (sent >= (this.faults.probesBeforeDead ?? PROBES_BEFORE_DEAD)) return this.dead(sent, now);
      return this.probe(now);
    }
    if (this.phase.kind === 'watching' && this.dueToProbe(now)) return this.probe(now);
    return this.rearm(now);
  }

  private probe(now: bigint): DpdAction[] {
    const seq = this.nextSeq;
    // [RFC 3706 §6] each subsequent R-U-THERE increments the sequence number (retries included), wrapping at 2^32.
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    if (this.phase.kind === 'probing') this.phase.outstanding.push(seq);
    else this.phase = { kind: 'probing', outstanding: [seq], firstProbeAt: now };
    // [Cisco step 3] "Once 1 DPD message is missed by the peer, the router ... sends the DPD retry message
    // at the faster retry interval"; "The default DPD retry message is sent every 2 seconds".
    const retry = this.faults.retrySeconds ?? this.config.keepalive.retrySeconds;
    this.deadline = now + ns(retry);
    return [{ type: 'send-probe', seq }, { type: 'arm-timer', at: this.deadline }];
  }

  private dead(unansweredProbes: number, now: bigint): DpdAction[] {
    const peer = this.peerIndex;
    const actions: DpdAction[] = [{ type: 'peer-dead', peerIndex: peer, unansweredProbes }];
    if (this.faults.noTeardown === true) {
      // The bug: the dead peer's SAs stay and the DUT starts another probing cycle.
      this.phase = { kind: 'watching' };
      this.periodicDue = now + ns(this.config.keepalive.seconds);
      this.lastHeard = now;
      return [...actions, ...this.rearm(now)];
    }
    // [Cisco "Using DPD ... with Multiple Peers in the Crypto Map"] "when the router detects the dead state,
    // the router deletes the IPsec and IKE SAs to the peer". IPsec first, while the IKE SA can still protect it.
    if (this.faults.noDelete !== true) actions.push({ type: 'send-delete', what: 'ipsec' }, { type: 'send-delete', what: 'isakmp' });
    actions.push({ type: 'remove-sas' }, ...this.stop());
    const next = this.nextPeer(peer);
    if (next !== undefined) actions.push({ type: 'initiate', peerIndex: next });
    return actions;
  }

  /** [Cisco "Configuring DPD ... with Multiple Peers in the Crypto Map"] "cycle through the peer list when it detects that the first peer is dead". */
  private nextPeer(dead: number): number | undefined {
    if (this.config.onDead !== 'failover' || this.faults.noFailover === true) return undefined;
    const list = this.config.peers;
    const step = this.faults.failoverToWrongPeer === true ? 2 : 1;
    return list[(list.indexOf(dead) + step) % list.length];
  }

  private stop(): DpdAction[] {
    this.phase = { kind: 'down' };
    this.dpdActive = false;
    return this.disarm();
  }

  private heard(now: bigint): void {
    this.lastHeard = now;
    if (this.phase.kind !== 'probing') return;
    // [Cisco "Using the IPsec DPD Periodic Message Option"] DPD messages are "forced at regular intervals":
    // the next periodic probe is one interval after the probe that started this run, not after the answer.
    this.periodicDue = maxBig(now, this.phase.firstProbeAt + ns(this.config.keepalive.seconds));
    this.phase = { kind: 'watching' };
  }

  /** Whether a watching DUT should start probing now. */
  private dueToProbe(now: bigint): boolean {
    if (!this.dpdActive) return false;
    if (this.config.keepalive.mode === 'periodic') return now >= this.periodicDue;
    // [Cisco "How DPD and Cisco IOS XE Keepalive Features Work"] on-demand: "if a router has to send outbound traffic
    // and the liveliness of the peer is questionable, the router sends a DPD message"; with no traffic, "it never sends a DPD message".
    return this.outboundPending && now >= this.lastHeard + ns(this.config.keepalive.seconds);
  }

  /** Arms the timer for the next moment a probe can become due while watching; probing keeps its retry deadline. */
  private rearm(now: bigint): DpdAction[] {
    if (this.phase.kind === 'probing') return [];
    if (this.phase.kind === 'down' || !this.dpdActive) return this.disarm();
    let at: bigint | undefined;
    if (this.config.keepalive.mode === 'periodic') at = this.periodicDue;
    else if (this.outboundPending) at = this.lastHeard + ns(this.config.keepalive.seconds);
    if (at === undefined) return this.disarm();
    at = maxBig(at, now);
    if (this.deadline === at) return [];
    this.deadline = at;
    return [{ type: 'arm-timer', at }];
  }

  private disarm(): DpdAction[] {
    if (this.deadline === undefined) return [];
    this.deadline = undefined;
    return [{ type: 'disarm-timer' }];
  }
}
