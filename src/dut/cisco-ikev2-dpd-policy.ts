/**
 * Cisco IOS XE `crypto ikev2 dpd <interval> <retry-interval> {on-demand | periodic}` as a
 * pure state machine: inputs with the monotonic time in, actions out, like the IKEv1
 * keepalive policy (cisco-dpd-policy.ts). The liveness check is the empty INFORMATIONAL
 * request of RFC 7296 §2.4; its retransmissions are the IKEv2 engine's own (§2.1), on the
 * schedule `retransmitMs()` gives it, so "dead" is the engine giving the request up.
 *
 * Sources (docs/ikev2-liveness.md, "Cisco crypto ikev2 dpd"): [Cisco DPD] is the IOS XE guide
 * "IPsec Dead Peer Detection Periodic Message Option" (cisco.com …/xe-16/…/sec-ipsec-dead-peer.html,
 * digest ../shared/reference/cisco-iosxe-dpd-periodic-message-option.md), whose `interval` /
 * `retry-interval` / mode semantics the IKEv2 command shares.
 */
export type Ikev2DpdMode = 'periodic' | 'on-demand';

/** Each a bug seen in the field, so the suites can prove they catch it; all absent = the correct device. */
export interface Ikev2DpdFaults {
  /** Probes after this many idle seconds instead of the configured interval. */
  intervalSeconds?: number;
  /** Retransmissions of the liveness request before giving up, instead of 4 (too few / too many). */
  retransmissions?: number;
  /** The peer is given up but its IKE SA and CHILD_SA stay listed (never deleted). */
  noDeleteOnDeath?: boolean;
  /** Liveness responses from the peer are dropped unread, so a live peer is declared dead. */
  ignoreLivenessResponses?: boolean;
  /** The answer to the peer's liveness request carries message ID + 1 (RFC 7296 §2.2 says: the request's). */
  answerWrongMessageId?: boolean;
  /** The peer's liveness requests are never answered. */
  noLivenessAnswer?: boolean;
  /** An unprotected INVALID_IKE_SPI answering the liveness request is taken as the peer's death at once (RFC 7296 §2.21.4: it MUST NOT change any SA). */
  invalidIkeSpiIsDeath?: boolean;
  /** After the death, no IKE_SA_INIT towards the next `set peer` (the SAs are still removed). */
  noFailover?: boolean;
  /** Failover skips a peer: IKE_SA_INIT to the one after the next listed. */
  failoverSkipsPeer?: boolean;
}

export const IKEV2_FAULT_NAMES: readonly (keyof Ikev2DpdFaults)[] = [
  'intervalSeconds', 'retransmissions', 'noDeleteOnDeath', 'ignoreLivenessResponses', 'answerWrongMessageId', 'noLivenessAnswer', 'invalidIkeSpiIsDeath', 'noFailover', 'failoverSkipsPeer',
];

export interface CiscoIkev2DpdConfig {
  /** Seconds. Periodic and on-demand: idle time from the last message received before a liveness check. */
  interval: number;
  /** Seconds between the liveness request's transmissions. */
  retryInterval: number;
  mode: Ikev2DpdMode;
  /** Retransmissions before the peer is dead; Cisco's count: IKEV2_RETRANSMISSIONS (src/profile/ikev2-liveness-schedule.ts). */
  retransmissions: number;
  /** `set peer` order as peer indexes. */
  peers: number[];
  /** 'failover': initiate to the next listed peer once one is dead (the same one when only one is listed). */
  onDead: 'failover' | 'clear';
  faults?: Ikev2DpdFaults;
}

export type Ikev2DpdInput =
  | { type: 'established'; peerIndex: number }
  /** An authenticated message from the peer (request or response) on the SA. */
  | { type: 'inbound' }
  | { type: 'outbound-traffic'; pending: boolean }
  | { type: 'timer' }
  /** The response to our liveness request arrived. */
  | { type: 'answered' }
  /** The engine sent the request and every retransmission and heard nothing. */
  | { type: 'gave-up'; transmissions: number }
  /** The IKE SA went away otherwise (the peer's Delete): stop. */
  | { type: 'sa-gone' }
  /** Our IKE_SA_INIT / IKE_AUTH towards `peerIndex` failed or went unanswered. */
  | { type: 'unreachable'; peerIndex: number };

export type Ikev2DpdAction =
  | { type: 'send-liveness' }
  | { type: 'arm-timer'; at: bigint }
  | { type: 'disarm-timer' }
  | { type: 'peer-dead'; peerIndex: number; transmissions: number }
  | { type: 'remove-sas' }
  | { type: 'initiate'; peerIndex: number };

const ns = (s: number): bigint => BigInt(Math.round(s * 1e9));

export class CiscoIkev2DpdPolicy {
  private phase: 'down' | 'watching' | 'probing' = 'down';
  private peerIndex = -1;
  private lastHeard = 0n;
  private outboundPending = false;
  private deadline: bigint | undefined;
  private readonly faults: Ikev2DpdFaults;

  constructor(private readonly config: CiscoIkev2DpdConfig) {
    this.faults = config.faults ?? {};
  }

  /**
   * The engine's retransmission waits (ms): one retry-interval before each retransmission and
   * one after the last before giving up, so the request goes out at 0, r, 2r, … and the peer is
   * dead at (retransmissions + 1) × r from the first transmission ([Cisco DPD] step 3: "sends
   * the DPD retry message at the faster retry interval"; the count: docs/ikev2-liveness.md).
   */
  retransmitMs(): number[] {
    const count = this.faults.retransmissions ?? this.config.retransmissions;
    return Array.from({ length: count + 1 }, () => Math.round(this.config.retryInterval * 1000));
  }

  handle(input: Ikev2DpdInput, now: bigint): Ikev2DpdAction[] {
    switch (input.type) {
      case 'established':
        this.peerIndex = input.peerIndex;
        this.phase = 'watching';
        this.lastHeard = now;
        return this.rearm(now);
      case 'inbound':
      case 'answered':
        if (this.phase === 'down') return [];
        // RFC 7296 §2.4: liveness is only worth checking when nothing came from the peer; any
        // authenticated message restarts the idle time (both modes: [Cisco DPD] "How DPD … Work").
        this.lastHeard = now;
        if (input.type === 'answered') this.phase = 'watching';
        return this.rearm(now);
      case 'outbound-traffic':
        this.outboundPending = input.pending;
        return this.rearm(now);
      case 'timer':
        return this.timer(now);
      case 'gave-up':
        return this.phase === 'probing' ? this.dead(input.transmissions) : [];
      case 'sa-gone':
        this.phase = 'down';
        return this.disarm();
      case 'unreachable':
        return this.phase === 'down' ? this.onward(input.peerIndex) : [];
    }
  }

  private interval(): number {
    return this.faults.intervalSeconds ?? this.config.interval;
  }

  private timer(now: bigint): Ikev2DpdAction[] {
    if (this.deadline === undefined || this.phase !== 'watching') return [];
    // Real timers may fire a little early: wait for the rest.
    if (now < this.deadline) return [{ type: 'arm-timer', at: this.deadline }];
    this.deadline = undefined;
    if (!this.due(now)) return this.rearm(now);
    this.phase = 'probing';
    return [{ type: 'send-liveness' }];
  }

  private due(now: bigint): boolean {
    // [Cisco DPD] "How DPD … Work": on-demand sends a DPD message only "if a router has to send outbound
    // traffic and the liveliness of the peer is questionable"; with no traffic "it never sends a DPD message".
    if (this.config.mode === 'on-demand' && !this.outboundPending) return false;
    return now >= this.lastHeard + ns(this.interval());
  }

  private dead(transmissions: number): Ikev2DpdAction[] {
    const actions: Ikev2DpdAction[] = [{ type: 'peer-dead', peerIndex: this.peerIndex, transmissions }];
    this.phase = 'down';
    actions.push(...this.disarm());
    // RFC 7296 §2.4: "the endpoint MUST conclude that the other endpoint has failed … and SHOULD delete the IKE SA
    // and all CHILD_SAs"; [Cisco DPD] "Using DPD … with Multiple Peers": the router deletes the SAs to the peer.
    if (this.faults.noDeleteOnDeath === true) return actions;
    actions.push({ type: 'remove-sas' });
    return [...actions, ...this.onward(this.peerIndex)];
  }

  /** [Cisco DPD] "Configuring DPD … with Multiple Peers": cycle through the `set peer` list, past unreachable peers too. */
  private onward(from: number): Ikev2DpdAction[] {
    const list = this.config.peers;
    if (this.config.onDead !== 'failover' || list.length === 0 || this.faults.noFailover === true) return [];
    const step = this.faults.failoverSkipsPeer === true ? 2 : 1;
    return [{ type: 'initiate', peerIndex: list[(list.indexOf(from) + step) % list.length]! }];
  }

  private rearm(now: bigint): Ikev2DpdAction[] {
    if (this.phase !== 'watching' || (this.config.mode === 'on-demand' && !this.outboundPending)) return this.disarm();
    let at = this.lastHeard + ns(this.interval());
    if (at < now) at = now;
    if (this.deadline === at) return [];
    this.deadline = at;
    return [{ type: 'arm-timer', at }];
  }

  private disarm(): Ikev2DpdAction[] {
    if (this.deadline === undefined) return [];
    this.deadline = undefined;
    return [{ type: 'disarm-timer' }];
  }
}
