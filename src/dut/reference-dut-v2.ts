/**
 * The reference DUT in IKEv2 mode: Cisco IOS XE `crypto ikev2 dpd` behaviour in-process.
 * The IKEv2 engine (src/ike/v2, responder and initiator) does the protocol and retransmits
 * the liveness request on the Cisco schedule; the pure policy (cisco-ikev2-dpd-policy.ts)
 * decides when to check liveness, when the peer is dead and where to fail over; this class
 * carries both out on the fake peer's UdpTransport and TimerSet (src/peer), as the IKEv1
 * ReferenceDut does, and exposes the same shape to the reference target.
 */
import type { Clock, Endpoint, HarnessEvent, Random } from '../events.js';
import type { Ikev2EngineConfig } from '../ike/v2/ikev2-config.js';
import { Ikev2Engine } from '../ike/v2/ikev2-engine.js';
import type { SaListing } from '../lab/dut-adapter-types.js';
import type { Ikev2Effect, Ikev2Event } from '../peer/ikev2-engine-port.js';
import { TimerSet } from '../peer/timer-set.js';
import { UdpTransport, type Datagram } from '../peer/udp-transport.js';
import { CiscoIkev2DpdPolicy, type CiscoIkev2DpdConfig, type Ikev2DpdAction, type Ikev2DpdInput } from './cisco-ikev2-dpd-policy.js';

/** What the DUT's engine is told beyond what the DUT decides itself (liveness answering, retransmissions, responding). */
export type Ikev2DutEngineConfig = Omit<Ikev2EngineConfig, 'liveness' | 'retransmitMs' | 'respond' | 'random'>;

export interface ReferenceDutV2Config {
  clock: Clock;
  random: Random;
  /** Where the DUT listens (loopback, port 0 in tests). */
  local: Endpoint;
  /** The fake peer's endpoints; `dpd.peers` indexes into them. */
  peerEndpoints: Endpoint[];
  dpd: CiscoIkev2DpdConfig;
  engine: Ikev2DutEngineConfig;
  /** Marks for the scenario's event stream (peer dead, dropped responses…). */
  onEvent?: (event: HarnessEvent) => void;
}

interface SaRecord {
  peer: string;
  /** CHILD_SAs by the engine's detail ("ESP <in>/<out>"). */
  children: string[];
}

const INFORMATIONAL = 37;
/** RFC 7296 §3.10.1. */
const INVALID_IKE_SPI = 4;
const RESPONSE_FLAG = 0x20;
const DPD_TIMER = 'dpd';
/** An IKEv2 SA id is SPIi‖SPIr in hex; SPIi alone names an SA we initiated before SPIr is known. */
const SPI_HEX = 16;

export class ReferenceDutV2 {
  private readonly engine: Ikev2Engine;
  private readonly policy: CiscoIkev2DpdPolicy;
  private readonly timers: TimerSet;
  private readonly sas = new Map<string, SaRecord>();
  /** The crypto map's IKE SA, the one DPD watches. */
  private current: string | undefined;
  /** Peer index of each IKE SA we initiated and that is not up yet, by our SPIi (hex). */
  private readonly initiating = new Map<string, number>();
  /** Message ID of our liveness request in flight. */
  private livenessId: number | undefined;
  private closed = false;

  constructor(private readonly config: ReferenceDutV2Config, private readonly send: (from: Endpoint, to: Endpoint, bytes: Uint8Array) => void) {
    this.timers = new TimerSet(config.clock);
    this.policy = new CiscoIkev2DpdPolicy(config.dpd);
    // liveness 'owner': the DUT answers the peer's liveness itself, so the answer faults can bite.
    this.engine = new Ikev2Engine({ ...config.engine, random: config.random, liveness: 'owner', respond: true, retransmitMs: this.policy.retransmitMs() });
  }

  static async open(config: ReferenceDutV2Config): Promise<{ dut: ReferenceDutV2; close(): Promise<void> }> {
    let dut: ReferenceDutV2 | undefined;
    const transport = await UdpTransport.open({ bind: [config.local], clock: config.clock, onDatagram: (d) => dut?.receive(d) });
    dut = new ReferenceDutV2({ ...config, local: transport.endpoints[0]! }, (from, to, bytes) => void transport.send(from, to, bytes).sent.catch(() => undefined));
    const opened = dut;
    return { dut: opened, close: async () => { opened.close(); await transport.close(); } };
  }

  get localEndpoint(): Endpoint {
    return this.config.local;
  }

  /** IKE_SA_INIT and IKE_AUTH (with its CHILD_SA) towards the peer at `peerIndex`. */
  initiate(peerIndex: number): void {
    const to = this.config.peerEndpoints[peerIndex];
    if (!to) throw new RangeError(`no peer endpoint ${peerIndex}`);
    const { sa, effects } = this.engine.initiate({ from: this.config.local, to }, this.now());
    this.initiating.set(sa.slice(0, SPI_HEX), peerIndex);
    this.apply(effects);
  }

  /** The DUT has (or stops having) protected traffic for its peer: what on-demand DPD waits for. */
  setOutboundTraffic(pending: boolean): void {
    this.decide({ type: 'outbound-traffic', pending });
  }

  listSas(): SaListing[] {
    return [...this.sas.values()].map((sa) => ({
      ike: { state: 'ESTABLISHED', peer: sa.peer, established: true },
      children: sa.children.map((name) => ({ name, state: 'INSTALLED', installed: true })),
    }));
  }

  close(): void {
    this.closed = true;
    this.timers.cancelAll();
  }

  receive(d: Pick<Datagram, 'local' | 'remote' | 'bytes'>): void {
    if (this.closed) return;
    if (this.config.dpd.faults?.ignoreLivenessResponses === true && this.isLivenessResponse(d.bytes)) {
      this.mark(`liveness response ${this.livenessId} dropped unread (fault ignoreLivenessResponses)`);
      return;
    }
    const result = this.engine.receive({ local: d.local, remote: d.remote, bytes: d.bytes }, this.now());
    if (result.rejected) this.mark(`rejected ${result.rejected.code}: ${result.rejected.message}`);
    this.apply(result.effects);
    if (!result.rejected && result.sa !== undefined && result.sa === this.current) this.decide({ type: 'inbound' });
  }

  /** The IKEv2 header is in clear (RFC 7296 §3.1): exchange type, R flag and message ID of our request. */
  private isLivenessResponse(bytes: Uint8Array): boolean {
    if (bytes.length < 28 || this.livenessId === undefined) return false;
    const messageId = ((bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!) >>> 0;
    return bytes[18] === INFORMATIONAL && (bytes[19]! & RESPONSE_FLAG) !== 0 && messageId === this.livenessId;
  }

  private apply(effects: Ikev2Effect[]): void {
    for (const effect of effects) {
      if (this.closed) return;
      if (effect.type === 'send') this.send(effect.datagram.from, effect.datagram.to, effect.datagram.bytes);
      else if (effect.type === 'set-timer') this.timers.set(effect.ms, () => this.apply(this.engine.timer(effect.sa, effect.id, this.now())), `${effect.sa}/${effect.id}`);
      else if (effect.type === 'cancel-timer') this.timers.cancel(`${effect.sa}/${effect.id}`);
      else this.onEngineEvent(effect.sa, effect.remote, effect.event);
    }
  }

  private onEngineEvent(sa: string, remote: Endpoint, event: Ikev2Event): void {
    switch (event.kind) {
      case 'state':
        return this.onState(sa, remote, event);
      case 'rekeyed':
        // RFC 7296 §2.18: the new IKE SA inherits the CHILD_SAs; the peer deletes the old one next.
        if (event.sa === 'ike') this.rekeyed(event.old, event.new);
        return;
      case 'liveness-request':
        return this.answerLiveness(sa, event.ticket);
      case 'liveness-response':
        this.livenessId = undefined;
        if (sa === this.current) this.decide({ type: 'answered' });
        return;
      case 'gave-up':
        if (sa === this.current) this.decide({ type: 'gave-up', transmissions: event.transmissions });
        return;
      case 'notify-received':
        // The engine reports an unprotected notify and acts on nothing (§2.21.4); only the fault believes it.
        if (event.notifyType === INVALID_IKE_SPI && event.unprotected === true && sa === this.current && this.livenessId !== undefined && this.config.dpd.faults?.invalidIkeSpiIsDeath === true) {
          this.mark(`unprotected INVALID_IKE_SPI taken as the peer's death (fault invalidIkeSpiIsDeath)`);
          this.apply(this.engine.loseState(sa));
          this.decide({ type: 'gave-up', transmissions: 1 });
        }
        return;
      default:
        return;
    }
  }

  private onState(sa: string, remote: Endpoint, event: Extract<Ikev2Event, { kind: 'state' }>): void {
    if (event.sa === 'child') {
      const record = this.sas.get(sa);
      if (!record || !event.detail) return;
      if (event.state === 'established') record.children.push(event.detail);
      else if (event.state === 'deleted' || event.state === 'expired') record.children = record.children.filter((c) => c !== event.detail);
      return;
    }
    const initiated = this.initiating.get(sa.slice(0, SPI_HEX));
    if (initiated !== undefined && event.state !== 'negotiating') this.initiating.delete(sa.slice(0, SPI_HEX));
    if (initiated !== undefined && (event.state === 'failed' || event.state === 'expired')) {
      this.mark(`peer ${initiated} unreachable: ${event.detail ?? event.state}`);
      this.decide({ type: 'unreachable', peerIndex: initiated });
      return;
    }
    if (event.state === 'established') {
      this.sas.set(sa, { peer: remote.address, children: this.sas.get(sa)?.children ?? [] });
      const peerIndex = this.config.peerEndpoints.findIndex((p) => p.address === remote.address && p.port === remote.port);
      // A rekey's new SA (detail "rekey of …") keeps the DPD state; the 'rekeyed' event moves the children over.
      if (peerIndex >= 0 && this.current === undefined) {
        this.current = sa;
        this.decide({ type: 'established', peerIndex });
      }
    } else if (event.state === 'deleted' && sa === this.current) {
      this.sas.delete(sa);
      this.current = undefined;
      this.decide({ type: 'sa-gone' });
    } else if (event.state === 'deleted' || event.state === 'failed') {
      this.sas.delete(sa);
    }
    // 'expired' (the engine gave the request up) is the policy's to act on, through 'gave-up'.
  }

  private rekeyed(old: string, next: string): void {
    const record = this.sas.get(old);
    const fresh = this.sas.get(next);
    if (record && fresh) fresh.children = [...record.children];
    this.sas.delete(old);
    if (this.current === old) this.current = next;
  }

  private answerLiveness(sa: string, ticket: number): void {
    const faults = this.config.dpd.faults ?? {};
    if (faults.noLivenessAnswer === true) {
      this.mark(`liveness request ${ticket} left unanswered (fault noLivenessAnswer)`);
      return;
    }
    // RFC 7296 §2.2: the response carries the request's message ID; the fault answers under the next one.
    const options = faults.answerWrongMessageId === true ? { messageId: (ticket + 1) >>> 0 } : undefined;
    this.apply(this.engine.respondNow(sa, ticket, this.now(), options));
  }

  private decide(input: Ikev2DpdInput): void {
    for (const action of this.policy.handle(input, this.now())) this.carryOut(action);
  }

  private carryOut(action: Ikev2DpdAction): void {
    const now = this.now();
    const sa = this.current;
    switch (action.type) {
      case 'send-liveness': {
        if (!sa) return;
        const effects = this.engine.sendLiveness(sa, now);
        const sent = effects.find((e): e is Extract<Ikev2Effect, { type: 'send' }> => e.type === 'send');
        this.livenessId = sent?.datagram.summary.messageId;
        this.apply(effects);
        return;
      }
      case 'arm-timer':
        this.timers.set(Number(action.at - now) / 1e6, () => this.decide({ type: 'timer' }), DPD_TIMER);
        return;
      case 'disarm-timer':
        this.timers.cancel(DPD_TIMER);
        return;
      case 'peer-dead':
        this.livenessId = undefined;
        this.mark(`peer ${action.peerIndex} dead: liveness request unanswered after ${action.transmissions} transmissions`);
        return;
      case 'remove-sas':
        if (sa) this.sas.delete(sa);
        this.current = undefined;
        return;
      case 'initiate':
        this.mark(`failover: IKE_SA_INIT to peer ${action.peerIndex}`);
        this.initiate(action.peerIndex);
        return;
    }
  }

  private now(): bigint {
    return this.config.clock.now();
  }

  private mark(label: string): void {
    this.config.onEvent?.({ type: 'mark', t: this.now(), label: `reference-dut: ${label}` });
  }
}
