/**
 * The fake peer: UDP sockets, the IKE engine's timers on the injected clock,
 * scripted behaviour per IKE SA, and the event stream. It holds any number of
 * IKE SAs at once (the engine demultiplexes by cookies); everything here is
 * about carrying out the engine's effects and the behaviour policy's
 * decisions at the socket, and recording what really went over the wire.
 */
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, Endpoint, HarnessEvent, MarkEvent, MessageSummary, Random, SaStateEvent } from '../events.js';
import { encodeMessage, type IsakmpMessage } from '../wire/index.js';
import {
  NORMAL_BEHAVIOUR,
  changeBehaviour,
  describeBehaviour,
  dpdAnswerDecision,
  inboundDecision,
  outboundDecision,
  type Behaviour,
} from './behaviour.js';
import { corruptMessage, corruptionApplies } from './corruption.js';
import type { InformationalOptions } from '../ike/index.js';
import type { EngineEffect, EngineHooks, EnginePort, InitiateOptions, OutboundDatagram, PlaintextMessage } from './engine-port.js';
import { EspTraffic, type TrafficFlow } from './esp-traffic.js';
import { EventLog } from './event-log.js';
import { saKey, waitForSaState, type SaStateMatch } from './sa-state-wait.js';
export type { SaStateMatch } from './sa-state-wait.js';
import { cookiesOf, headerSummary } from './header-summary.js';
import { IcmpInjector } from './icmp-injector.js';
import { openReceiveStamps, type KernelReceiveStamps } from './kernel-receive-stamps.js';
import { IcmpAnswers } from './icmp-answers.js';
import { NatKeepalives } from './nat-keepalives.js';
import { systemRandom } from './system-random.js';
import { TimerSet } from './timer-set.js';
import { UdpTransport, type BindEndpoint, type Datagram } from './udp-transport.js';
import { DatagramStorage } from './datagram-storage.js';
import { udpEncapsulated } from '../wire/udp-encapsulation.js';

export interface FakePeerOptions {
  /** `natT` entries are the port IKE floats to (RFC 3948: the non-ESP marker and keepalives live there). */
  bind: BindEndpoint[];
  clock: Clock;
  /** Builds the engine once the sockets are `bound` (NAT-T ones flagged), with the hooks through which behaviours reach into message building. */
  createEngine(hooks: EngineHooks, bound: BindEndpoint[]): EnginePort;
  log?: EventLog;
  /** Opens the ICMP injector on the first datagram an icmp-* silence answers (runs without one need no root); default: raw-socket on this clock. */
  openIcmp?: () => IcmpInjector;
  /** Kernel receive stamps (root only), opened before the sockets so no datagram misses one; refused: event-loop times, and a mark says why. */
  openReceiveStamps?: () => KernelReceiveStamps;
  /** IVs of the ESP it seals; default systemRandom. */
  random?: Random;
}

/** Behaviours are keyed by initiator cookie: it names an IKE SA from its first packet, before CKY-R is known. */
const KEEPALIVE_DATAGRAM = udpEncapsulated.encode({ kind: 'keepalive' });

/** Whether two SA ids name the same IKE SA (one may predate the responder cookie). */
export { saKey, sameSa } from './sa-state-wait.js';

export class FakePeer {
  readonly log: EventLog;
  private engine!: EnginePort;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly addressBehaviours = new Map<string, Behaviour>();
  /** The local address each SA uses, learnt from its first datagram either way. */
  private readonly localAddressOf = new Map<string, string>();
  private defaultBehaviour: Behaviour = NORMAL_BEHAVIOUR;
  /** Engine timers under `<sa>/<id>`, and delayed answers under anonymous keys. */
  private readonly timers: TimerSet;
  private readonly dpdSeen = new Map<string, number[]>();
  private readonly nat: NatKeepalives;
  /** Local endpoints a NAT rebinding replaced, and what replaced them. */
  private readonly rebound = new Map<string, Endpoint>();
  private transport!: UdpTransport;
  private stamps: KernelReceiveStamps | undefined;
  private readonly icmpAnswers: IcmpAnswers;
  private readonly esp: EspTraffic;
  private closed = false;
  private readonly storage = new DatagramStorage();

  private constructor(private readonly options: FakePeerOptions) {
    this.log = options.log ?? new EventLog();
    this.timers = new TimerSet(options.clock);
    this.icmpAnswers = new IcmpAnswers({
      open: options.openIcmp ?? (() => IcmpInjector.open({ clock: options.clock })),
      log: this.log,
      isClosed: () => this.closed,
      mark: (label, sa, icmp) => this.mark(label, sa, icmp),
    });
    this.nat = new NatKeepalives({
      clock: options.clock,
      timers: this.timers,
      behaviour: (sa) => this.behaviour(sa),
      send: (sa, from, to) => void this.transmit(from, to, KEEPALIVE_DATAGRAM, { sa }, 'keepalive').catch(() => undefined),
      mark: (label, sa) => this.mark(label, sa),
    });
    this.esp = new EspTraffic({
      clock: options.clock, random: options.random ?? systemRandom, timers: this.timers,
      maySend: (sa) => ['none', 'in'].includes(this.behaviour(sa).silence),
      answersEcho: (sa) => this.behaviour(sa).ignoreEcho !== true,
      send: (sa, from, to, bytes, esp) => void this.transmit(this.rebound.get(`${from.address}:${from.port}`) ?? from, to, bytes, { sa, esp }, 'esp').catch(() => undefined),
      mark: (label, sa) => this.mark(label, sa),
      keys: (e) => this.log.push(e),
    });
  }

  static async start(options: FakePeerOptions): Promise<FakePeer> {
    const peer = new FakePeer(options);
    const stamps = (peer.stamps = openReceiveStamps(options.openReceiveStamps, options.bind, (why) => peer.mark(`receive times from the event loop: no kernel stamps (${why})`)));
    peer.transport = await UdpTransport.open({
      bind: options.bind,
      clock: options.clock,
      onDatagram: (d) => peer.onDatagram(d),
      onError: (err) => peer.mark(`socket error: ${err.message}`),
      onBuffersCapped: (label) => peer.mark(label),
      ...(stamps ? { stampReceive: (remote, local, bytes, loopT) => stamps.stamp(remote, local, bytes, loopT) } : {}),
    }).catch((err: unknown) => {
      stamps?.close();
      throw err;
    });
    const natT = new Set(peer.transport.natTEndpoints.map((e) => `${e.address}:${e.port}`));
    peer.engine = options.createEngine(
      {
        mutate: (sa, summary, message) => peer.mutate(sa, summary, message),
        advertiseDpd: (sa) => !peer.behaviour(sa).hideDpdVendorId,
        forceEncapsulation: (sa) => peer.behaviour(sa).nat?.forceEncapsulation === true,
      },
      peer.transport.endpoints.map((e) => ({ ...e, ...(natT.has(`${e.address}:${e.port}`) ? { natT: true } : {}) })),
    );
    return peer;
  }

  /** Local endpoints actually bound (ephemeral ports resolved). */
  get endpoints(): Endpoint[] {
    return this.transport.endpoints;
  }

  /** IKE SAs the engine holds now (hex CKY-I‖CKY-R). */
  sas(): string[] {
    return this.engine.list();
  }

  /** The SA's own behaviour, else that of the local address it uses, else the default. */
  behaviour(sa?: string): Behaviour {
    if (sa === undefined) return this.defaultBehaviour;
    const local = this.localAddressOf.get(saKey(sa));
    return this.behaviours.get(saKey(sa)) ?? (local !== undefined ? this.addressBehaviours.get(local) : undefined) ?? this.defaultBehaviour;
  }

  /**
   * Changes one SA's behaviour; with `'*'`, that of every SA without its own; with `{ local }`,
   * that of every SA on that local address without its own — a peer address that went dead
   * stays dead for the SAs a DUT opens to it afterwards (dpd action restart). Takes effect
   * with the next datagram.
   */
  setBehaviour(scope: string | '*' | { local: string }, change: Partial<Behaviour>): Behaviour {
    if (typeof scope === 'object') {
      const next = changeBehaviour(this.addressBehaviours.get(scope.local) ?? this.defaultBehaviour, change);
      this.addressBehaviours.set(scope.local, next);
      this.mark(`behaviour ${scope.local}: ${describeBehaviour(next)}`);
      return next;
    }
    const next = changeBehaviour(this.behaviour(scope === '*' ? undefined : scope), change);
    if (scope === '*') this.defaultBehaviour = next;
    else this.behaviours.set(saKey(scope), next);
    if (change.nat) this.nat.rearmAll();
    this.mark(`behaviour ${scope === '*' ? 'default' : scope}: ${describeBehaviour(next)}`, scope === '*' ? undefined : scope);
    return next;
  }

  /** Starts Main Mode (Aggressive Mode with `mode: 'aggressive'`, and Quick Mode if asked) to a DUT; returns the SA id the engine gave it. */
  initiate(options: InitiateOptions): string {
    const { sa, effects } = this.engine.initiate(options, this.options.clock.now());
    this.run(effects);
    return sa;
  }

  quickMode(sa: string): void {
    this.run(this.engine.quickMode(sa, this.options.clock.now()));
  }

  /** Sends one R-U-THERE (the engine's sequence policy unless `seq` is given; a fresh message ID unless `options` names one). */
  probe(sa: string, seq?: number, options: InformationalOptions = {}): void {
    this.run(this.engine.sendDpd(sa, this.options.clock.now(), seq, options));
  }

  deleteSa(sa: string, what: 'ipsec' | 'isakmp'): void {
    this.run(this.engine.deleteSa(sa, what, this.options.clock.now()));
  }

  /** Any payload list, protected in a fresh Informational exchange of this SA. */
  sendInformational(sa: string, payloads: PlaintextMessage['payloads'], options: InformationalOptions = {}): void {
    this.run(this.engine.sendInformational(sa, payloads, this.options.clock.now(), options));
  }

  /**
   * A NAT rebinding: every local NAT-T endpoint a floated SA uses moves to a fresh port (the old
   * socket closes), so the DUT sees the next datagram from a new source port. Returns the new endpoints.
   */
  async rebindNat(): Promise<Endpoint[]> {
    const moved: Endpoint[] = [];
    for (const old of this.nat.localEndpoints()) {
      const fresh = await this.transport.rebind(this.rebound.get(`${old.address}:${old.port}`) ?? old);
      this.rebound.set(`${old.address}:${old.port}`, fresh);
      for (const sa of this.nat.onLocal(old)) this.mark(`nat rebinding: ${old.address}:${old.port} → ${fresh.address}:${fresh.port}`, sa);
      moved.push(fresh);
    }
    return moved;
  }

  /** ICMP echo in ESP on `sa` at `flow.rate` packets/s (0 stops); inbound ESP is opened and answered whatever this says. */
  setTraffic(sa: string, flow: TrafficFlow): void {
    this.esp.start(saKey(sa), flow);
  }

  /** Bytes exactly as given (a deliberately malformed message, or not ISAKMP at all), outside any SA state. */
  async sendRaw(from: string | Endpoint, to: Endpoint, bytes: Uint8Array): Promise<void> {
    const sa = cookiesOf(bytes);
    const summary = headerSummary(bytes);
    await this.transmit(from, to, bytes, { ...(sa ? { sa } : {}), ...(summary ? { summary } : {}), behaviour: 'raw' });
  }

  /** Any message the codec can build, sent in clear as given (lengths and next-payload fields are computed unless overridden). */
  sendMessage(from: string | Endpoint, to: Endpoint, message: IsakmpMessage): Promise<void> {
    return this.sendRaw(from, to, encodeMessage(message));
  }

  /** See waitForSaState in sa-state-wait.ts: a refused or failed bring-up rejects at once. */
  waitForSaState(match: SaStateMatch, timeoutMs: number, since?: bigint): Promise<SaStateEvent> {
    return waitForSaState(this.log, this.options.clock, match, timeoutMs, since);
  }

  /** Adds a label to the timeline (phase changes, scenario steps). */
  mark(label: string, sa?: string, icmp?: MarkEvent['icmp']): void {
    this.log.push({ type: 'mark', t: this.options.clock.now(), label: sa ? `${label} [${sa}]` : label, ...(icmp ? { icmp } : {}) });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.cancelAll();
    this.icmpAnswers.close();
    await this.transport.close();
    this.stamps?.close();
    this.log.close();
  }

  private onDatagram(d: Datagram): void {
    if (this.closed || !this.engine) return;
    d.remote = this.storage.endpoint(d.remote);
    d.bytes = this.storage.bytes(d.bytes);
    if (d.udpEncapsulation === 'keepalive' || d.udpEncapsulation === 'esp') {
      // Not IKE: on the timeline (keepalives counted by checks), never to the engine.
      const sa = this.nat.saAt(d.local, d.remote);
      const esp = d.udpEncapsulation === 'esp' && inboundDecision(this.behaviour(sa)).deliver ? this.esp.receive(d.local, d.remote, d.bytes) : undefined;
      this.log.push({ type: 'datagram', t: d.t, direction: 'in', local: d.local, remote: d.remote, bytes: d.bytes, udpEncapsulation: d.udpEncapsulation, ...(sa ? { sa } : {}), ...(esp ? { esp } : {}) });
      return;
    }
    const guess = cookiesOf(d.bytes);
    if (guess !== undefined && !this.localAddressOf.has(saKey(guess))) this.localAddressOf.set(saKey(guess), d.local.address);
    const verdict = inboundDecision(this.behaviour(guess));
    if (!verdict.deliver) {
      const summary = headerSummary(d.bytes);
      this.log.push({ type: 'datagram', t: d.t, stampedBy: d.stampedBy, direction: 'in', local: d.local, remote: d.remote, bytes: d.bytes, ...(guess ? { sa: guess } : {}), ...(summary ? { summary } : {}), behaviour: verdict.label });
      return;
    }
    if (verdict.icmp) this.icmpAnswers.answer(d, verdict.icmp, verdict.icmpFrom, guess);
    // The engine schedules from now; the timeline gets the (possibly earlier) kernel time.
    const result = this.engine.receive(d, this.options.clock.now());
    this.log.push({ type: 'datagram', t: d.t, stampedBy: d.stampedBy, direction: 'in', local: d.local, remote: d.remote, bytes: d.bytes,
      ...(result.sa ?? guess ? { sa: result.sa ?? guess } : {}),
      ...(result.summary ? { summary: result.summary } : {}),
      ...(result.rejected ? { rejected: result.rejected } : {}),
      ...(verdict.label ? { behaviour: verdict.label } : {}),
      ...(d.udpEncapsulation ? { udpEncapsulation: d.udpEncapsulation } : {}),
    });
    this.run(result.effects);
  }

  private run(effects: EngineEffect[]): void {
    for (const effect of effects) {
      if (this.closed) return;
      switch (effect.type) {
        case 'send':
          this.send(effect.datagram);
          break;
        case 'set-timer':
          this.timers.set(effect.ms, () => this.run(this.engine.timer(effect.sa, effect.id, this.options.clock.now())), `${effect.sa}/${effect.id}`);
          break;
        case 'cancel-timer':
          this.timers.cancel(`${effect.sa}/${effect.id}`);
          break;
        case 'event':
          this.onEngineEvent(effect);
          break;
      }
    }
  }

  private send(sent: OutboundDatagram): void {
    const datagram = { ...sent, from: this.rebound.get(`${sent.from.address}:${sent.from.port}`) ?? sent.from };
    if (datagram.sa !== undefined && !this.localAddressOf.has(saKey(datagram.sa))) this.localAddressOf.set(saKey(datagram.sa), this.transport.localEndpoint(datagram.from).address);
    const decision = outboundDecision(this.behaviour(datagram.sa), datagram.answer);
    if (!decision.send) {
      this.mark(`${decision.label}: ${describeSummary(datagram.summary)} not sent to ${datagram.to.address}:${datagram.to.port}`, datagram.sa);
      return;
    }
    const transmit = (): void => {
      const extra = { ...(datagram.sa ? { sa: datagram.sa } : {}), summary: datagram.summary, ...(decision.label ? { behaviour: decision.label } : {}) };
      this.transmit(datagram.from, datagram.to, datagram.bytes, extra).catch(() => undefined);
    };
    if (decision.delayMs === 0) {
      transmit();
      return;
    }
    this.timers.set(decision.delayMs, transmit);
  }

  /**
   * Hands the datagram to its socket and logs it once its send callback ran: the timeline and pcap
   * hold only what left (stamped with the hand-over time). A failed send is a mark, never a datagram.
   */
  private async transmit(from: string | Endpoint, to: Endpoint, bytes: Uint8Array, extra: Pick<DatagramEvent, 'sa' | 'summary' | 'behaviour' | 'esp'>, what: 'ike' | 'keepalive' | 'esp' = 'ike'): Promise<void> {
    const { sent, udpEncapsulation } = this.transport.send(from, to, bytes, what === 'ike' ? 'ike' : 'as-is');
    const local = this.storage.endpoint(this.transport.localEndpoint(from));
    let t: bigint;
    try {
      t = await sent;
    } catch (err) {
      this.log.push({ type: 'mark', t: this.options.clock.now(), label: `not on the wire: ${err instanceof HarnessError ? err.message : String(err)}${extra.sa ? ` [${extra.sa}]` : ''}` });
      throw err;
    }
    const encapsulation = what === 'ike' ? udpEncapsulation : what;
    this.log.push({ type: 'datagram', t, stampedBy: 'event-loop', direction: 'out', local, remote: this.storage.endpoint(to), bytes: this.storage.bytes(bytes), ...extra, ...(encapsulation ? { udpEncapsulation: encapsulation } : {}) });
  }

  private onEngineEvent(effect: Extract<EngineEffect, { type: 'event' }>): void {
    const { sa, event, remote } = effect;
    const t = this.options.clock.now();
    const push = (e: HarnessEvent): void => this.log.push(e);
    switch (event.kind) {
      case 'state':
        push({ type: 'sa-state', t, sa, phase: event.phase, state: event.state, remote, ...(event.detail ? { detail: event.detail } : {}), ...(event.refusal ? { refusal: event.refusal } : {}) });
        if (event.phase === 1 && (event.state === 'deleted' || event.state === 'expired' || event.state === 'failed')) {
          // The SA is gone for good (a new one gets new cookies): a long-running peer must not keep its history.
          this.dpdSeen.delete(saKey(sa));
          this.nat.forget(saKey(sa));
          this.esp.forget(saKey(sa));
          this.behaviours.delete(saKey(sa));
          this.localAddressOf.delete(saKey(sa));
        }
        break;
      case 'sa-keys':
        push({ type: 'sa-keys', t, sa, initiatorCookie: event.initiatorCookie, encryptionKey: event.encryptionKey });
        break;
      case 'dpd-request': {
        const earlier = this.dpdSeen.get(saKey(sa)) ?? [];
        const decision = dpdAnswerDecision(this.behaviour(sa), event.seq, earlier);
        this.dpdSeen.set(saKey(sa), [...earlier.slice(-15), event.seq]);
        if (!decision.answer) {
          this.mark(`${decision.label}: R-U-THERE seq ${event.seq} not answered`, sa);
          break;
        }
        if (decision.label) this.mark(`${decision.label}: answering R-U-THERE seq ${event.seq} with seq ${decision.seq}`, sa);
        this.run(this.engine.answerDpd(sa, event.ticket, decision.seq, t));
        break;
      }
      case 'nat-detected':
        this.mark(`nat-t: ${event.forced ? 'encapsulation forced' : event.local || event.remote ? `NAT detected (${[event.local ? 'in front of the peer' : '', event.remote ? 'in front of the DUT' : ''].filter(Boolean).join(', ')})` : 'no NAT'}`, sa);
        break;
      case 'float':
        this.nat.moved(saKey(sa), event.local, event.remote);
        this.esp.moved(saKey(sa), event.local, event.remote);
        this.mark(`nat-t: SA on ${event.local.address}:${event.local.port} ↔ ${event.remote.address}:${event.remote.port}`, sa);
        break;
      case 'esp-sa':
        this.esp.added(saKey(sa), event.esp, remote);
        break;
      case 'dpd-ack':
      case 'delete-received':
      case 'notify-received':
        // Already on the timeline: the inbound datagram event carries the decoded summary.
        break;
    }
  }

  private mutate(sa: string, summary: MessageSummary, message: PlaintextMessage): PlaintextMessage {
    const corruption = this.behaviour(sa).corrupt;
    if (!corruption || !corruptionApplies(corruption, summary.kind)) return message;
    this.mark(`corrupt ${corruption.field}: ${describeSummary(summary)}`, sa);
    return corruptMessage(message, corruption);
  }
}

function describeSummary(s: MessageSummary): string {
  return `${s.kind}${s.seq !== undefined ? ` seq ${s.seq}` : ''} (msgid ${s.messageId.toString(16).padStart(8, '0')})`;
}
