/**
 * A ScenarioTarget on the real fake peer (src/peer): the SA, behaviours, probes and crafted messages go
 * over UDP to whatever DUT the factory set up (reference DUT, lab daemon, external device); `DutControl`
 * is the DUT side the fake peer cannot see (its SA status, its traffic, its logs).
 *
 * Silence is realised at the peer so that what the DUT sends is still
 * decrypted and recorded: `silence: in` (the DUT's packets get lost) becomes
 * "decode, never answer anything", `silence: both` becomes that plus nothing
 * leaving. The DUT sees exactly what a silent peer would give it, and the
 * timeline still names each R-U-THERE with its sequence number.
 */
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, Endpoint, HarnessEvent, Random } from '../events.js';
import type { Behaviour } from '../peer/behaviour.js';
import type { Corruption } from '../peer/corruption.js';
import type { FakePeer } from '../peer/fake-peer.js';
import { sameSa } from '../peer/fake-peer.js';
import type { DaemonLog } from '../report/result-model.js';
import { DOI, EXCHANGE_TYPES, NOTIFY_TYPES, PROTOCOL_IDS, type IsakmpMessage, type Payload } from '../wire/index.js';
import type { CraftKind, ProbeSeq } from './target.js';
import type { ScaleSa, ScenarioTarget, WireProbeResult } from './target.js';

export interface DutControl {
  /** Whether the DUT's status lists an IKE SA with the fake-peer address. */
  hasSa(peerAddress: string): Promise<boolean>;
  /** Makes the DUT start Main Mode towards fake-peer index `peerIndex` (daemons configured not to initiate by themselves). */
  initiate?(peerIndex: number): Promise<void>;
  /** Protected traffic from the DUT towards the peer on or off; absent when the DUT cannot be made to send any. */
  setTraffic?(on: boolean, rate?: number): Promise<void>;
  daemonLogs?(since: bigint): DaemonLog[];
  /** The peers of the IKE SAs the DUT lists as established, as its status names them (`address`, `address:port` or `address[port]`). */
  listedPeers?(): Promise<string[]>;
}

/** Where the SAs of a dpd_at_scale step run from: a fake peer on the same event log, and one local endpoint per SA. */
export interface ScalePeer {
  peer: FakePeer;
  endpoints: Endpoint[];
  /** What the DUT's status calls the peer of an SA from endpoint `e`. */
  listedAs(e: Endpoint): string;
  close(): Promise<void>;
}

export interface PeerTargetOptions {
  peer: FakePeer;
  clock: Clock;
  /** The clock before the fake peer bound its sockets: what binding said (capped socket buffers, no kernel stamps) is in the scenario's timeline. Default: construction. */
  openedAt?: bigint;
  /** For the crafted messages' unknown SPIs, cookies and message IDs. */
  random: Random;
  /** Where the DUT listens. */
  dut: Endpoint;
  /** The fake peer's local endpoints, by peer index. */
  peerEndpoints: Endpoint[];
  control: DutControl;
  /** Inner addresses of the peer's ESP traffic (engine-config.ts innerAddresses); absent: the outer ones. */
  innerAddresses?: { source: string; destination: string };
  /** Opens the fake peer for `count` SAs at once; absent: the scenario's own peer, one SA per peer endpoint. */
  scalePeer?(count: number): Promise<ScalePeer>;
  /** Closes the peer (and whatever else the scenario held) on teardown. */
  release(): Promise<void>;
}

/** A silent peer realised so the DUT's messages are still decoded (see the header comment). */
export function peerBehaviour(change: Partial<Behaviour>): Partial<Behaviour> {
  if (change.silence === 'in') return { ...change, silence: 'none', dpd: 'ignore', dropAnswers: true };
  if (change.silence === 'both') return { ...change, silence: 'out', dpd: 'ignore', dropAnswers: false };
  if (change.silence === 'none' || change.silence === 'out') return { dpd: 'answer', dropAnswers: false, ...change };
  return change;
}

const MAX_SEQ = 0xffffffff;
/** Main Modes in flight at once while bringing up many SAs: enough to overlap the DH work with the round trips, few enough not to trip a DUT's half-open SA limit. */
const SCALE_PARALLEL = 16;
const MAX_MESSAGE_ID = 0xffffffff;

export class PeerScenarioTarget implements ScenarioTarget {
  private readonly since: bigint;
  private sa: string | undefined;
  private peerIndex = 0;
  private scale: { peer: ScalePeer; sas: Map<string, Endpoint> } | undefined;

  constructor(private readonly o: PeerTargetOptions) {
    this.since = o.openedAt ?? o.clock.now();
  }

  events(): readonly HarnessEvent[] {
    return this.o.peer.log.events.filter((e) => e.t >= this.since);
  }

  mark(label: string): void {
    this.o.peer.mark(label);
  }

  async bringUp(options: { initiator: 'peer' | 'dut'; peerIndex: number; timeoutMs: number }): Promise<string> {
    const local = this.o.peerEndpoints[options.peerIndex];
    if (!local) throw new HarnessError('ERR_SCENARIO_ABORTED', `no fake-peer address for peer index ${options.peerIndex}`);
    const since = this.o.clock.now();
    this.peerIndex = options.peerIndex;
    if (options.initiator === 'peer') {
      const sa = (this.sa = this.o.peer.initiate({ from: local, to: this.o.dut, quickMode: true }));
      await this.o.peer.waitForSaState({ sa, phase: 2, state: 'established' }, options.timeoutMs, since);
      // One Quick Mode per selector pair, sent at once: start when the last is up, or the next step's silence drops the rest's QM3.
      const quickModes = new Set(this.o.peer.log.events.flatMap((e) => e.t >= since && e.type === 'datagram' && e.direction === 'out' && e.sa !== undefined && sameSa(e.sa, sa) && e.summary?.kind === 'quick-mode' && e.summary.step === 1 ? [e.summary.messageId] : [])).size;
      const left = options.timeoutMs - Number(this.o.clock.now() - since) / 1e6;
      if (quickModes > 1) await this.o.peer.waitForSaState({ sa, phase: 2, state: 'established', count: quickModes }, left, since);
      return sa;
    }
    // The DUT sets the SA up towards this address: by itself (after failing over to it, say), or told to.
    const dutStarted = this.events().some((e) => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'main-mode' && e.local.address === local.address);
    if (!dutStarted) await this.o.control.initiate?.(options.peerIndex);
    const onThisAddress = (sa: string): boolean =>
      this.o.peer.log.events.some((e) => e.type === 'datagram' && e.sa !== undefined && sameSa(e.sa, sa) && e.local.address === local.address);
    // Since the scenario start: a DUT failing over may have finished before this step began.
    const up = await this.o.peer.log.waitFor((e) => e.type === 'sa-state' && e.phase === 2 && e.state === 'established' && onThisAddress(e.sa), {
      clock: this.o.clock, timeoutMs: options.timeoutMs, since: this.since, what: `IPsec SA set up by the DUT towards ${local.address}`,
    });
    this.sa = (up as { sa: string }).sa;
    return this.sa;
  }

  /**
   * Behaviour belongs to the fake-peer address as well as to the SA: a DUT that re-initiates to a peer that
   * went silent (dpd action restart) must meet the same silence, while the other addresses (the failover targets) keep answering.
   */
  setBehaviour(change: Partial<Behaviour>): void {
    const behaviour = peerBehaviour(change);
    if (this.sa === undefined) {
      this.o.peer.setBehaviour('*', behaviour);
      return;
    }
    this.o.peer.setBehaviour({ local: this.o.peerEndpoints[this.peerIndex]!.address }, behaviour);
    this.o.peer.setBehaviour(this.sa, behaviour);
  }

  private currentSa(): string {
    if (this.sa === undefined) throw new HarnessError('ERR_SCENARIO_ABORTED', 'no SA: bring_up first');
    return this.sa;
  }

  private lastOwnProbe(): DatagramEvent | undefined {
    const sa = this.currentSa();
    return this.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'r-u-there' && e.sa !== undefined && sameSa(e.sa, sa)).pop();
  }

  /** The message ID of the Quick Mode that set up the scenario's IPsec SA (the latest one on `sa`). */
  private quickModeMessageId(sa: string): number {
    const qm = this.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.summary?.kind === 'quick-mode' && e.sa !== undefined && sameSa(e.sa, sa)).pop();
    if (!qm?.summary) throw new HarnessError('ERR_SCENARIO_ABORTED', 'no Quick Mode on this SA: bring_up first');
    return qm.summary.messageId;
  }

  /** Runs `send` (one R-U-THERE on `sa`) and resolves with its datagram event, logged once its send completed (FakePeer.transmit). */
  private async probeSent(sa: string, send: () => void): Promise<DatagramEvent> {
    const since = this.o.clock.now();
    send();
    return (await this.o.peer.log.waitFor((e) => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'r-u-there' && e.sa !== undefined && sameSa(e.sa, sa), {
      clock: this.o.clock, timeoutMs: 1000, since, what: 'our R-U-THERE on the wire',
    })) as DatagramEvent;
  }

  async sendProbe(seq: ProbeSeq): Promise<void> {
    const sa = this.currentSa();
    const last = this.lastOwnProbe()?.summary?.seq;
    switch (seq.kind) {
      case 'next':
        return this.o.peer.probe(sa);
      case 'value':
        return this.o.peer.probe(sa, seq.value);
      case 'repeat':
        return last === undefined ? this.o.peer.probe(sa) : this.o.peer.probe(sa, last);
      case 'decrease':
        return this.o.peer.probe(sa, last === undefined ? 1000 : (last - 1) >>> 0);
      case 'wrap':
        this.o.peer.probe(sa, MAX_SEQ);
        await new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, 100));
        return this.o.peer.probe(sa, 0);
    }
  }

  /**
   * One hostile or malformed DPD message (suites/robustness.yaml). Damage after HASH(1) goes through the engine's mutate
   * hook (a corruption); well-formed but unexpected contents go through the engine's own Informational construction
   * (valid HASH, encrypted); the rest is raw bytes.
   */
  async sendCrafted(kind: CraftKind): Promise<void> {
    const sa = this.currentSa();
    const corrupt = (c: Behaviour['corrupt']): void => {
      this.o.peer.setBehaviour(sa, { corrupt: c });
      this.o.peer.probe(sa);
      this.o.peer.setBehaviour(sa, { corrupt: undefined });
    };
    const from = this.o.peerEndpoints[this.peerIndex]!;
    const previous = async (): Promise<Uint8Array> => {
      const seen = this.lastOwnProbe();
      if (seen) return seen.bytes;
      return (await this.probeSent(sa, () => this.o.peer.probe(sa))).bytes;
    };
    // The sequence number of the last genuine probe (sending one first if there is none): a crafted
    // R-U-THERE repeats it, so the genuine probe after it (last + 1) is fresh whatever the DUT made of the crafted one.
    const answeredSeq = async (): Promise<Uint8Array> => {
      await previous();
      const seq = Buffer.alloc(4);
      seq.writeUInt32BE(this.lastOwnProbe()?.summary?.seq ?? 0);
      return seq;
    };
    // The full CKY-I‖CKY-R: the id bring_up returned may predate the responder cookie.
    const cookies = Buffer.from(this.o.peer.sas().find((s) => sameSa(s, sa)) ?? sa, 'hex');
    const rUThere = (data: Uint8Array, protocolId: number = PROTOCOL_IDS.ISAKMP): Payload =>
      ({ kind: 'notify', doi: DOI.IPSEC, protocolId, notifyType: NOTIFY_TYPES.R_U_THERE, spi: cookies, data });
    const protectedInformational = (payloads: Payload[]): void => this.o.peer.sendInformational(sa, payloads);
    const header = (patch: Extract<Corruption, { field: 'header' }>['patch']): void => corrupt({ field: 'header', patch, kinds: ['r-u-there'] });
    switch (kind) {
      case 'bad-hash':
        return corrupt({ field: 'hash', kinds: ['r-u-there'] });
      case 'wrong-spi-size':
        return corrupt({ field: 'notify-spi-size', value: 8, kinds: ['r-u-there'] });
      case 'unknown-notify':
        // Not a DPD type, not a Cisco-private one (protocol-digest §8): an unknown status notify.
        return corrupt({ field: 'notify-type', value: 40001, kinds: ['r-u-there'] });
      case 'oversized':
        return corrupt({ field: 'payload-length', payloadIndex: 1, value: 0xffff, kinds: ['r-u-there'] });
      case 'hash-other-payload': {
        // HASH(1) over the next sequence number, the notify carrying the one after it.
        const other = Buffer.alloc(4);
        other.writeUInt32BE((((this.lastOwnProbe()?.summary?.seq ?? 0) + 2) >>> 0));
        return corrupt({ field: 'notify-data', value: other, kinds: ['r-u-there'] });
      }
      case 'seq-empty':
        // RFC 3706 §5.3: the notification data is the 32-bit sequence number; here there is none.
        return protectedInformational([rUThere(new Uint8Array(0))]);
      case 'seq-long':
        return protectedInformational([rUThere(Uint8Array.from([0, ...(await answeredSeq())]))]);
      case 'protocol-esp':
        // RFC 3706 §5.3: Protocol ID is ISAKMP (1); ESP (3) names no IKE SA.
        return protectedInformational([rUThere(await answeredSeq(), PROTOCOL_IDS.IPSEC_ESP)]);
      case 'two-notifies':
        // RFC 3706 §5.2: each DPD message is its own Informational; here an unknown status notify rides along.
        return protectedInformational([rUThere(await answeredSeq()), { kind: 'notify', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, notifyType: 40001, spi: cookies, data: new Uint8Array(0) }]);
      case 'delete-unknown-spi':
        // RFC 2408 §5.15: a Delete names SAs by SPI; an SPI the DUT never gave out deletes nothing.
        return protectedInformational([{ kind: 'delete', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.IPSEC_ESP, spiSize: 4, spis: [this.o.random.bytes(4)] }]);
      case 'commit-flag':
        // RFC 2408 §3.1: the commit bit is for key-exchange synchronisation, meaningless on a DPD Informational.
        return header({ flags: { encryption: true, commit: true, authOnly: false } });
      case 'length-over':
        // RFC 2408 §3.1: Length is the whole message; here far more than the datagram holds.
        return header({ length: 0x1000 });
      case 'length-under':
        // RFC 2408 §3.1: here the Length claims the header alone while the encrypted payloads follow.
        return header({ length: 28 });
      case 'message-id-zero':
        // RFC 2408 §3.1: message ID 0 is phase 1's; HASH(1) and the IV stay those of the original message ID.
        return header({ messageId: 0 });
      case 'quick-mode-message-id':
        // RFC 2408 §3.1: a message ID names one exchange; here a genuine R-U-THERE (HASH(1) and IV for that ID) reuses the Quick Mode's.
        return this.o.peer.probe(sa, undefined, { messageId: this.quickModeMessageId(sa) });
      case 'message-id-max':
        // RFC 2408 §3.1: any non-zero 32-bit value is a valid message ID, the largest one included.
        return this.o.peer.probe(sa, undefined, { messageId: MAX_MESSAGE_ID });
      case 'truncated': {
        const bytes = await previous();
        return this.o.peer.sendRaw(from, this.o.dut, bytes.subarray(0, Math.max(28, bytes.length - 7)));
      }
      case 'replayed':
        return this.o.peer.sendRaw(from, this.o.dut, await previous());
      case 'unknown-cookies': {
        const bytes = Uint8Array.from(await previous());
        bytes.set(this.o.random.bytes(16), 0);
        return this.o.peer.sendRaw(from, this.o.dut, bytes);
      }
      case 'unencrypted': {
        const seq = Buffer.alloc(4);
        seq.writeUInt32BE(((this.lastOwnProbe()?.summary?.seq ?? 0) + 1) >>> 0);
        const message: IsakmpMessage = {
          initiatorCookie: cookies.subarray(0, 8), responderCookie: cookies.subarray(8, 16),
          exchangeType: EXCHANGE_TYPES.INFORMATIONAL, flags: { encryption: false, commit: false, authOnly: false }, messageId: Buffer.from(this.o.random.bytes(4)).readUInt32BE(0),
          payloads: [rUThere(seq)],
        };
        return this.o.peer.sendMessage(from, this.o.dut, message);
      }
    }
  }

  /**
   * One R-U-THERE on the scenario's SA, whatever the scenario's silence (it is lifted for
   * this one message and put back), and what the DUT made of it: an ACK means its SA is
   * alive; INVALID-COOKIE, a Delete or nothing within `timeoutMs` means it is gone. An SA
   * the fake peer already saw deleted is gone without a probe.
   */
  async wireProbe(timeoutMs: number): Promise<WireProbeResult> {
    const sa = this.currentSa();
    const sentAt = this.o.clock.now();
    if (!this.o.peer.sas().some((s) => sameSa(s, sa))) return { alive: false, sentAt, detail: 'the SA was already deleted on the wire' };
    const before = this.o.peer.behaviour(sa);
    const sent = this.probeSent(sa, () => {
      this.o.peer.setBehaviour(sa, { silence: 'none' });
      try {
        this.o.peer.probe(sa);
      } finally {
        this.o.peer.setBehaviour(sa, before);
      }
    });
    const seq = (await sent).summary?.seq;
    const answered = (e: HarnessEvent): boolean =>
      e.type === 'datagram' && e.direction === 'in' && e.sa !== undefined && sameSa(e.sa, sa) &&
      ((e.summary?.kind === 'r-u-there-ack' && (seq === undefined || e.summary.seq === seq)) || e.summary?.kind === 'delete' || (e.summary?.kind === 'notify' && e.summary.notifyType === NOTIFY_TYPES.INVALID_COOKIE));
    try {
      const e = (await this.o.peer.log.waitFor(answered, { clock: this.o.clock, timeoutMs, since: sentAt, what: 'an answer to the wire probe' })) as DatagramEvent;
      if (e.summary?.kind === 'r-u-there-ack') return { alive: true, sentAt, detail: 'ack' };
      return { alive: false, sentAt, detail: e.summary?.kind === 'delete' ? 'delete' : 'invalid-cookie' };
    } catch (err) {
      if ((err as HarnessError).code !== 'ERR_PEER_TIMEOUT') throw err;
      return { alive: false, sentAt, detail: `no answer within ${timeoutMs / 1000} s` };
    }
  }

  async rebindNat(): Promise<void> {
    const sa = this.currentSa();
    const moved = await this.o.peer.rebindNat();
    if (moved.length === 0) throw new HarnessError('ERR_SCENARIO_ABORTED', 'NAT rebinding: the SA never floated to the NAT-T port (set nat.force_encapsulation before bring_up)');
    this.o.peer.probe(sa);
  }

  async setDutTraffic(on: boolean, rate?: number): Promise<void> {
    if (!this.o.control.setTraffic) throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'this DUT cannot be made to send traffic (on-demand DPD scenarios need it)');
    await this.o.control.setTraffic(on, rate);
  }

  async setPeerTraffic(rate: number): Promise<void> {
    const inner = this.o.innerAddresses ?? { source: this.o.peerEndpoints[this.peerIndex]!.address, destination: this.o.dut.address };
    this.o.peer.setTraffic(this.currentSa(), { rate, ...inner });
  }

  dutHasSa(peerIndex: number): Promise<boolean> {
    return this.o.control.hasSa(this.o.peerEndpoints[peerIndex]!.address);
  }

  daemonLogs(): DaemonLog[] {
    return this.o.control.daemonLogs?.(this.since) ?? [];
  }

  async bringUpMany(count: number, timeoutMs: number): Promise<ScaleSa[]> {
    if (this.scale) throw new HarnessError('ERR_SCENARIO_ABORTED', 'dpd_at_scale: this scenario already holds its SAs');
    const scale = await this.openScalePeer(count);
    this.scale = { peer: scale, sas: new Map() };
    const deadline = this.o.clock.now() + BigInt(timeoutMs) * 1_000_000n;
    const up: ScaleSa[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const from = scale.endpoints[next++]!;
        const since = this.o.clock.now();
        const sa = scale.peer.initiate({ from, to: this.o.dut, quickMode: true });
        this.scale!.sas.set(sa, from);
        const left = Number(deadline - since) / 1e6;
        if (left <= 0) throw new HarnessError('ERR_PEER_TIMEOUT', `dpd_at_scale: ${up.length} of ${count} SAs up within ${timeoutMs / 1000} s`);
        await scale.peer.waitForSaState({ sa, phase: 2, state: 'established' }, left, since);
        up.push({ sa, local: `${from.address}:${from.port}` });
      }
    };
    await Promise.all(Array.from({ length: Math.min(SCALE_PARALLEL, count) }, worker));
    return up;
  }

  private async openScalePeer(count: number): Promise<ScalePeer> {
    if (this.o.scalePeer) return this.o.scalePeer(count);
    if (count > this.o.peerEndpoints.length) {
      throw new HarnessError('ERR_TARGET_UNAVAILABLE', `dpd_at_scale: ${count} SAs need ${count} fake-peer addresses, the target has ${this.o.peerEndpoints.length}`);
    }
    return { peer: this.o.peer, endpoints: this.o.peerEndpoints.slice(0, count), listedAs: (e) => e.address, close: async () => undefined };
  }

  setSaBehaviour(sa: string, change: Partial<Behaviour>): void {
    (this.scale?.peer.peer ?? this.o.peer).setBehaviour(sa, peerBehaviour(change));
  }

  async dutListsSas(sas: readonly ScaleSa[]): Promise<boolean[]> {
    const listed = new Set(((await this.o.control.listedPeers?.()) ?? []).flatMap((p) => [p, p.replace(/\[(\d+)\]$/, ':$1'), p.split(/[[\]:]/)[0]!]));
    const scale = this.scale;
    return sas.map((s) => {
      const from = scale?.sas.get(s.sa);
      return from !== undefined && scale !== undefined && listed.has(scale.peer.listedAs(from));
    });
  }

  async teardown(): Promise<void> {
    try {
      if (this.scale) {
        const { peer } = this.scale;
        for (const sa of peer.peer.sas()) peer.peer.deleteSa(sa, 'isakmp');
        await peer.close();
      }
      if (this.sa !== undefined && this.o.peer.sas().some((s) => sameSa(s, this.sa!))) this.o.peer.deleteSa(this.sa, 'isakmp');
    } finally {
      await this.o.release();
    }
  }
}
