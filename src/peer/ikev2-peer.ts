/**
 * The IKEv2 fake peer: the IKEv2 engine on UDP sockets, its timers on the
 * injected clock, a small behaviour policy (silence inbound, outbound or both;
 * answers held back by a delay), and the same event stream as the IKEv1 peer,
 * so timelines and pcaps read its traffic. The keys of every IKE SA are kept
 * for the Wireshark key table (src/report/ikev2-key-table.ts).
 */
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, Endpoint, HarnessEvent, SaStateEvent } from '../events.js';
import { invalidIkeSpi } from '../ike/v2/ikev2-engine.js';
import { messageSummaryOf } from '../ike/v2/ikev2-summary.js';
import { ikev2Header } from '../wire/ikev2/header.js';
import type { IcmpSilence, SeqTransform } from './behaviour.js';
import { IcmpAnswers } from './icmp-answers.js';
import { IcmpInjector } from './icmp-injector.js';
import type { UnreachableName } from './icmp-message.js';
import { EventLog } from './event-log.js';
import type { Ikev2Effect, Ikev2EnginePort, Ikev2Event, Ikev2Outbound, Ikev2SaKeys, Ikev2SendOptions } from './ikev2-engine-port.js';
import { TimerSet } from './timer-set.js';
import { openReceiveStamps, type KernelReceiveStamps } from './kernel-receive-stamps.js';
import { sameSa } from './sa-state-wait.js';
import { UdpTransport, type BindEndpoint, type Datagram } from './udp-transport.js';


export interface Ikev2Behaviour {
  /** Drop what arrives ('in'), what we would send ('out'), or both, as a dead peer or a cut link would. */
  silence: 'none' | 'in' | 'out' | 'both';
  /** Hold each answer (a response to the DUT's request) this long before sending it. */
  answerDelayMs: number;
  /** Answers never leave while the engine still reads what arrives: the DUT's requests are lost on the way, the timeline still names them. */
  dropAnswers: boolean;
  /** With `holdsLiveness`: answer the DUT's liveness requests, or let them go unanswered. */
  liveness: 'answer' | 'ignore';
  /** The message ID of a liveness answer against the request's (RFC 7296 §2.2: the same); 'stale' reuses the one answered before. */
  answerMessageId: SeqTransform;
  /**
   * The peer lost the IKE SAs it holds when this turns on (a reboot): each request the DUT sends on
   * one is answered with an unprotected INVALID_IKE_SPI (RFC 7296 §2.21.4) and nothing else. The
   * engine still reads the requests, as a capture would (with holdsLiveness it reads each retransmission
   * too, instead of serving it from its cache), so the timeline names each liveness request;
   * an IKE SA the DUT sets up afterwards is served normally.
   */
  lostState: boolean;
  /**
   * An icmp-* silence (behaviour.ts IcmpSilence): the daemon is dead but its host answers. Each
   * datagram from the DUT is read for the timeline and answered with this ICMP error; combine with
   * silence 'out' and liveness 'ignore' so nothing IKE leaves (ikev2-peer-target.ts does).
   */
  icmp?: { label: IcmpSilence; code: UnreachableName; from?: string };
}

export const NORMAL_IKEV2_BEHAVIOUR: Ikev2Behaviour = { silence: 'none', answerDelayMs: 0, dropAnswers: false, liveness: 'answer', answerMessageId: { kind: 'echo' }, lostState: false };

export interface Ikev2PeerOptions {
  bind: BindEndpoint[];
  clock: Clock;
  engine: Ikev2EnginePort;
  log?: EventLog;
  /** The engine holds the DUT's liveness requests (config liveness 'owner'): the peer answers them by its behaviour. */
  holdsLiveness?: boolean;
  /** Opens the ICMP injector on the first datagram an ICMP silence answers (default: a raw socket, root). */
  openIcmp?: () => IcmpInjector;
  /** Kernel receive stamps (root only), opened before the sockets so no datagram misses one; refused: event-loop times, and a mark says why. */
  openReceiveStamps?: () => KernelReceiveStamps;
}

/** An engine event with the SA it belongs to and when it happened. */
export interface Ikev2EngineRecord {
  t: bigint;
  sa: string;
  event: Ikev2Event;
}

export class Ikev2Peer {
  readonly log: EventLog;
  readonly keys: Ikev2SaKeys[] = [];
  readonly engineEvents: Ikev2EngineRecord[] = [];
  behaviour: Ikev2Behaviour = NORMAL_IKEV2_BEHAVIOUR;
  private readonly timers: TimerSet;
  private readonly engineListeners = new Set<(r: Ikev2EngineRecord) => void>();
  private transport!: UdpTransport;
  private stamps: KernelReceiveStamps | undefined;
  /** The IKE SAs the peer pretends to have lost (behaviour lostState), by id. */
  private lost = new Set<string>();
  /** The message ID of the last liveness request answered, per SA (for answerMessageId 'stale'). */
  private readonly lastAnswered = new Map<string, number>();
  private closed = false;
  private readonly icmpAnswers: IcmpAnswers;

  private constructor(private readonly options: Ikev2PeerOptions) {
    this.log = options.log ?? new EventLog();
    this.timers = new TimerSet(options.clock);
    this.icmpAnswers = new IcmpAnswers({
      open: options.openIcmp ?? (() => IcmpInjector.open({ clock: options.clock })),
      log: this.log,
      isClosed: () => this.closed,
      mark: (label, sa, icmp) => this.log.push({ type: 'mark', t: this.now(), label: sa ? `${label} [${sa}]` : label, ...(icmp ? { icmp } : {}) }),
    });
  }

  static async start(options: Ikev2PeerOptions): Promise<Ikev2Peer> {
    const peer = new Ikev2Peer(options);
    // A liveness schedule timed from event-loop reads is off by however late the loop got round to them.
    const stamps = (peer.stamps = openReceiveStamps(options.openReceiveStamps, options.bind, (why) => peer.log.push({ type: 'mark', t: peer.now(), label: `receive times from the event loop: no kernel stamps (${why})` })));
    peer.transport = await UdpTransport.open({
      bind: options.bind,
      clock: options.clock,
      onDatagram: (d) => peer.onDatagram(d),
      onBuffersCapped: (label) => peer.log.push({ type: 'mark', t: peer.now(), label }),
      ...(stamps ? { stampReceive: (remote, local, bytes, loopT) => stamps.stamp(remote, local, bytes, loopT) } : {}),
    }).catch((err: unknown) => {
      stamps?.close();
      throw err;
    });
    return peer;
  }

  get endpoints(): Endpoint[] {
    return this.transport.endpoints;
  }

  setBehaviour(change: Partial<Ikev2Behaviour>): Ikev2Behaviour {
    if (change.lostState !== undefined && change.lostState !== this.behaviour.lostState) this.lost = new Set(change.lostState ? this.sas() : []);
    this.behaviour = { ...this.behaviour, ...change };
    return this.behaviour;
  }

  initiate(from: Endpoint, to: Endpoint): string {
    const { sa, effects } = this.options.engine.initiate({ from, to }, this.now());
    this.run(effects);
    return sa;
  }

  sendLiveness(sa: string, options?: Ikev2SendOptions): void {
    this.run(this.options.engine.sendLiveness(sa, this.now(), options));
  }

  respondNow(sa: string, ticket: number, options?: Ikev2SendOptions): void {
    this.run(this.options.engine.respondNow(sa, ticket, this.now(), options));
  }

  deleteIke(sa: string, options?: Ikev2SendOptions): void {
    this.run(this.options.engine.deleteIke(sa, this.now(), options));
  }

  deleteChild(sa: string, options?: Ikev2SendOptions): void {
    this.run(this.options.engine.deleteChild(sa, this.now(), options));
  }

  loseState(sa: string): void {
    this.run(this.options.engine.loseState(sa));
  }

  sas(): string[] {
    return this.options.engine.list();
  }

  /** The first engine event (since `since`) that `match` accepts, or ERR_PEER_TIMEOUT. */
  waitForEngineEvent(match: (r: Ikev2EngineRecord) => boolean, timeoutMs: number, since = 0n, what = 'an IKEv2 engine event'): Promise<Ikev2EngineRecord> {
    const seen = this.engineEvents.find((r) => r.t >= since && match(r));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (r: Ikev2EngineRecord): void => {
        if (r.t < since || !match(r)) return;
        this.engineListeners.delete(listener);
        timer.cancel();
        resolve(r);
      };
      this.engineListeners.add(listener);
      const timer = this.options.clock.setTimeout(() => {
        this.engineListeners.delete(listener);
        reject(new HarnessError('ERR_PEER_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
    });
  }

  /**
   * Waits for the IKE SA (phase 1) or CHILD_SA (phase 2) of IKE SA `which.only` (an id from initiate(),
   * whose responder SPI is still zero) or any but `which.except`, to reach
   * `state`; a refusal rejects at once with ERR_DUT_REFUSED, the IKE SA's too when waiting for the
   * CHILD_SA (refused IKE_SA_INIT or AUTH: no CHILD_SA can follow).
   */
  async waitForSaState(phase: 1 | 2, state: SaStateEvent['state'], timeoutMs: number, since = 0n, which: { only?: string; except?: string } = {}): Promise<Ikev2EngineRecord> {
    const sa = phase === 1 ? 'ike' : 'child';
    const r = await this.waitForEngineEvent(
      (x) => (which.only === undefined || sameSa(x.sa, which.only)) && x.sa !== which.except && x.event.kind === 'state' && ((x.event.sa === sa && (x.event.state === state || x.event.refusal !== undefined)) || (x.event.sa === 'ike' && x.event.refusal !== undefined)),
      timeoutMs, since, `the ${sa} SA ${state}`,
    );
    if (r.event.kind === 'state' && r.event.refusal && r.event.state !== state) {
      const { notify, notifyType, exchange, hint } = r.event.refusal;
      throw new HarnessError('ERR_DUT_REFUSED', `the DUT refused ${exchange} with ${notify} (${notifyType}); check ${hint}`);
    }
    return r;
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

  private now(): bigint {
    return this.options.clock.now();
  }

  private onDatagram(d: Datagram): void {
    if (this.closed) return;
    const base = { type: 'datagram' as const, t: d.t, stampedBy: d.stampedBy, direction: 'in' as const, local: d.local, remote: d.remote, bytes: d.bytes };
    if (this.behaviour.silence === 'in' || this.behaviour.silence === 'both') {
      this.log.push({ ...base, behaviour: `silence-${this.behaviour.silence}` });
      return;
    }
    const result = this.options.engine.receive(d, d.t);
    const icmp = this.behaviour.icmp;
    this.log.push({
      ...base,
      ...(icmp ? { behaviour: icmp.label } : {}),
      ...(result.sa ? { sa: result.sa } : {}),
      ...(result.summary ? { summary: messageSummaryOf(result.summary) } : {}),
      ...(result.rejected ? { rejected: result.rejected } : {}),
    });
    this.run(result.effects);
    if (icmp) this.icmpAnswers.answer(d, icmp.code, icmp.from, result.sa);
    if (result.sa !== undefined && this.lost.has(result.sa)) this.answerLost(d);
  }

  /** §2.21.4: a request for an SA the peer no longer knows gets INVALID_IKE_SPI, unprotected, with the request's SPIs and message ID. */
  private answerLost(d: Datagram): void {
    let header;
    try {
      header = ikev2Header.decode(d.bytes);
    } catch {
      return;
    }
    if (header.flags.response || this.behaviour.silence === 'out' || this.behaviour.silence === 'both') return;
    const effect = invalidIkeSpi(header, d.local, d.remote);
    if (effect.type === 'send') void this.transmit(effect.datagram).catch(() => undefined);
  }

  private run(effects: Ikev2Effect[]): void {
    for (const effect of effects) {
      if (this.closed) return;
      if (effect.type === 'send') this.send(effect.datagram);
      else if (effect.type === 'set-timer') this.timers.set(effect.ms, () => this.run(this.options.engine.timer(effect.sa, effect.id, this.now())), `${effect.sa}/${effect.id}`);
      else if (effect.type === 'cancel-timer') this.timers.cancel(`${effect.sa}/${effect.id}`);
      else this.onEngineEvent(effect);
    }
  }

  private send(datagram: Ikev2Outbound): void {
    const silence = this.behaviour.silence;
    if (silence === 'out' || silence === 'both') {
      this.log.push({ type: 'mark', t: this.now(), label: `silence-${silence}: ${datagram.summary.exchange} ${datagram.summary.response ? 'response' : 'request'} ${datagram.summary.messageId} not sent to ${datagram.to.address}:${datagram.to.port} [${datagram.sa}]` });
      return;
    }
    if (datagram.answer && this.lost.has(datagram.sa)) {
      this.log.push({ type: 'mark', t: this.now(), label: `state lost: ${datagram.summary.exchange} response ${datagram.summary.messageId} not sent [${datagram.sa}]` });
      return;
    }
    if (datagram.answer && this.behaviour.dropAnswers) {
      this.log.push({ type: 'mark', t: this.now(), label: `answer lost: ${datagram.summary.exchange} response ${datagram.summary.messageId} not sent [${datagram.sa}]` });
      return;
    }
    const transmit = (): void => void this.transmit(datagram).catch(() => undefined);
    if (datagram.answer && this.behaviour.answerDelayMs > 0) this.timers.set(this.behaviour.answerDelayMs, transmit);
    else transmit();
  }

  /** Logged once the socket took it, as the IKEv1 peer does: the timeline holds only what left. */
  private async transmit(datagram: Ikev2Outbound): Promise<void> {
    const { sent } = this.transport.send(datagram.from, datagram.to, datagram.bytes);
    let t: bigint;
    try {
      t = await sent;
    } catch (err) {
      this.log.push({ type: 'mark', t: this.now(), label: `not on the wire: ${err instanceof HarnessError ? err.message : String(err)} [${datagram.sa}]` });
      throw err;
    }
    const event: DatagramEvent = { type: 'datagram', t, direction: 'out', local: this.transport.localEndpoint(datagram.from), remote: datagram.to, bytes: datagram.bytes, sa: datagram.sa, summary: messageSummaryOf(datagram.summary) };
    this.log.push(event);
  }

  private onEngineEvent(effect: Extract<Ikev2Effect, { type: 'event' }>): void {
    const record: Ikev2EngineRecord = { t: this.now(), sa: effect.sa, event: effect.event };
    const { event } = effect;
    if (event.kind === 'sa-keys') {
      this.keys.push(event.keys);
      this.log.push({ type: 'sa-keys', t: record.t, sa: effect.sa, ikev2: event.keys });
    }
    if (event.kind === 'state') {
      const state: HarnessEvent = {
        type: 'sa-state',
        t: record.t,
        sa: effect.sa,
        phase: event.sa === 'ike' ? 1 : 2,
        state: event.state,
        remote: effect.remote,
        ...(event.detail ? { detail: event.detail } : {}),
        ...(event.refusal ? { refusal: { notify: event.refusal.notify, notifyType: event.refusal.notifyType, phase: event.sa === 'ike' ? 1 : 2, offered: event.refusal.exchange, hint: event.refusal.hint } } : {}),
      };
      this.log.push(state);
    }
    this.engineEvents.push(record);
    for (const listener of [...this.engineListeners]) listener(record);
    if (event.kind === 'liveness-request' && this.options.holdsLiveness) this.answerLiveness(effect.sa, event.ticket, event.messageId);
  }

  private answerLiveness(sa: string, ticket: number, messageId: number): void {
    // A peer without the SA has nothing to answer from; answering would also let the engine serve retransmissions from its cache unread.
    if (this.behaviour.liveness === 'ignore' || this.lost.has(sa)) return;
    const t = this.behaviour.answerMessageId;
    const previous = this.lastAnswered.get(sa);
    const id = t.kind === 'echo' ? messageId : t.kind === 'plus-one' ? messageId + 1 : t.kind === 'minus-one' ? messageId - 1 : t.kind === 'constant' ? t.value : (previous ?? messageId - 1);
    this.lastAnswered.set(sa, messageId);
    this.respondNow(sa, ticket, id === messageId ? undefined : { messageId: id >>> 0 });
  }
}
