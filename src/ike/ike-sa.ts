/**
 * One ISAKMP SA: Main Mode or Aggressive Mode with a pre-shared key as initiator or
 * responder (RFC 2409 §5, §5.4), then its Informational exchanges (§5.7; DPD RFC 3706)
 * and Quick Mode exchanges (§5.5). A pure state machine: decoded messages and time in,
 * effects out. This file holds the SA (sa-context.ts) and routes each message to its
 * exchange module; every check that fails throws IkeError, which the engine turns into
 * a rejection, and state only changes once a message has passed every check.
 */
import { IkeError } from '../errors.js';
import type { Endpoint } from '../events.js';
import { EXCHANGE_TYPES } from '../wire/constants.js';
import type { IsakmpMessage, Payload } from '../wire/types.js';
import { aggressiveMode, initiateAggressive, respondAggressive } from './aggressive-mode.js';
import { equalBytes, hex, isZero } from './bytes.js';
import type { IkeEngineConfig } from './engine-config.js';
import type { EngineEffect, EngineEvent, EngineHooks } from './engine-effects.js';
import { answerDpd, deleteSa, informational, sendDpd, sendInformational, type InformationalOptions } from './informational.js';
import { initiateMainMode, mainMode, repeatedMm4, respondMainMode } from './main-mode.js';
import { headerOnlySummary } from './message-summary.js';
import { followPeer } from './nat-traversal.js';
import { quickMode, retransmitQuickMode, startQuickMode } from './quick-mode.js';
import type { Refusal } from './refusal.js';
import type { ChildSa, DpdTicket, Outcome, Phase1State, SaContext } from './sa-context.js';

export type { ChildSa, DpdTicket, Outcome } from './sa-context.js';

/** Byte 18 of an ISAKMP header is its exchange type (RFC 2408 §3.1). */
const EXCHANGE_TYPE_OFFSET = 18;

/** Whether the answer kept for a retransmission is a phase-1 one (Main or Aggressive Mode), not a Quick Mode's. */
function keptPhase1Answer(sa: SaContext): boolean {
  const exchange = sa.lastAnswered?.request[EXCHANGE_TYPE_OFFSET];
  return exchange === EXCHANGE_TYPES.MAIN_MODE || exchange === EXCHANGE_TYPES.AGGRESSIVE_MODE;
}

export class IkeSa {
  /** Run Quick Mode as soon as phase 1 is up (an initiator's choice). */
  quickModeAfterPhase1 = false;

  private constructor(private readonly sa: SaContext) {}

  static initiate(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: IkeSa; effects: EngineEffect[] } {
    const { sa, effects } = initiateMainMode(config, hooks, local, remote);
    return { sa: new IkeSa(sa), effects };
  }

  /** A responder SA for Main Mode message 1; throws IkeError when nothing in the offer is acceptable. */
  static respond(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: IkeSa; outcome: Outcome } {
    const { sa, outcome } = respondMainMode(config, hooks, local, remote, msg, bytes);
    return { sa: new IkeSa(sa), outcome };
  }

  static initiateAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: IkeSa; effects: EngineEffect[] } {
    const { sa, effects } = initiateAggressive(config, hooks, local, remote);
    return { sa: new IkeSa(sa), effects };
  }

  /** A responder SA for Aggressive Mode message 1; throws IkeError when it cannot be answered. */
  static respondAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: IkeSa; outcome: Outcome } {
    const { sa, outcome } = respondAggressive(config, hooks, local, remote, msg, bytes);
    return { sa: new IkeSa(sa), outcome };
  }

  get id(): string {
    return this.sa.id;
  }

  get ckyI(): Uint8Array {
    return this.sa.ckyI;
  }

  get ckyR(): Uint8Array {
    return this.sa.ckyR;
  }

  get state(): Phase1State {
    return this.sa.state;
  }

  get role(): 'initiator' | 'responder' {
    return this.sa.role;
  }

  get local(): Endpoint {
    return this.sa.local;
  }

  get remote(): Endpoint {
    return this.sa.remote;
  }

  get children(): ChildSa[] {
    return this.sa.children;
  }

  get peerAdvertisedDpd(): boolean {
    return this.sa.peerAdvertisedDpd;
  }

  get established(): boolean {
    return this.sa.established;
  }

  get finished(): boolean {
    return this.sa.finished;
  }

  /**
   * Handles a decoded datagram addressed to this SA (cookies already matched by the engine).
   * `at`: where it came in; with NAT-T in use an encrypted message moves the SA there, undone
   * when the message is rejected (nat-traversal.ts).
   */
  handle(msg: IsakmpMessage, bytes: Uint8Array, at?: { local: Endpoint; remote: Endpoint }): Outcome {
    const sa = this.sa;
    const before = { local: sa.local, remote: sa.remote };
    const moved: EngineEffect[] = [];
    if (at && msg.flags.encryption) followPeer(sa, at.local, at.remote, moved);
    try {
      const outcome = this.dispatch(msg, bytes);
      return moved.length ? { ...outcome, effects: [...moved, ...outcome.effects] } : outcome;
    } catch (err) {
      sa.local = before.local;
      sa.remote = before.remote;
      throw err;
    }
  }

  private dispatch(msg: IsakmpMessage, bytes: Uint8Array): Outcome {
    const sa = this.sa;
    if (sa.lastAnswered && equalBytes(sa.lastAnswered.request, bytes)) {
      // A retransmitted request: answer it again, do not process it twice.
      const effects: EngineEffect[] = [];
      if (repeatedMm4(sa, effects)) return { summary: headerOnlySummary(msg), effects };
      for (const response of sa.lastAnswered.responses) sa.resend(effects, response, true);
      return { summary: headerOnlySummary(msg), effects };
    }
    if (sa.finished) throw new IkeError('ERR_IKE_UNKNOWN_SA', `IKE SA ${sa.id} is ${sa.state}`);
    if (!isZero(sa.ckyR) && !equalBytes(msg.responderCookie, sa.ckyR)) {
      throw new IkeError('ERR_IKE_UNKNOWN_SA', `responder cookie ${hex(msg.responderCookie)} is not this SA's (${hex(sa.ckyR)})`);
    }
    sa.answering = [];
    switch (msg.exchangeType) {
      case EXCHANGE_TYPES.MAIN_MODE:
      case EXCHANGE_TYPES.AGGRESSIVE_MODE: {
        const wasUp = sa.established;
        const outcome = msg.exchangeType === EXCHANGE_TYPES.MAIN_MODE ? mainMode(sa, msg) : aggressiveMode(sa, msg, bytes);
        // MM6 or AM2 completed phase 1 for us as initiator: the Quick Modes asked for follow at once.
        if (!wasUp && sa.established && sa.role === 'initiator' && this.quickModeAfterPhase1) outcome.effects.push(...startQuickMode(sa));
        sa.lastAnswered = { request: bytes, responses: sa.answering };
        return outcome;
      }
      case EXCHANGE_TYPES.QUICK_MODE: {
        const outcome = quickMode(sa, msg);
        sa.lastAnswered = { request: bytes, responses: sa.answering };
        return outcome;
      }
      case EXCHANGE_TYPES.INFORMATIONAL: {
        const outcome = informational(sa, msg, bytes);
        // A peer that sends DPD has phase 1 up (RFC 3706 §5), so it will not retransmit its last
        // phase-1 message: the answer kept for that retransmission is dropped, 10,000 SAs' worth of it.
        if (keptPhase1Answer(sa) && (outcome.summary?.kind === 'r-u-there' || outcome.summary?.kind === 'r-u-there-ack')) sa.lastAnswered = undefined;
        return outcome;
      }
      default:
        throw new IkeError('ERR_IKE_UNEXPECTED', `exchange type ${msg.exchangeType} is not handled`);
    }
  }

  /** One Quick Mode per configured selector pair (one without IDs when there is none). */
  startQuickMode(): EngineEffect[] {
    return startQuickMode(this.sa);
  }

  /** R-U-THERE-ACK with `seq` in a fresh Informational (RFC 3706 §5.3). */
  answerDpd(ticket: DpdTicket, seq: number): EngineEffect[] {
    return answerDpd(this.sa, ticket, seq);
  }

  /** R-U-THERE with the policy's next seq, or `seq` as given. */
  sendDpd(seq?: number, options: InformationalOptions = {}): EngineEffect[] {
    return sendDpd(this.sa, seq, options);
  }

  deleteSa(what: 'ipsec' | 'isakmp'): EngineEffect[] {
    return deleteSa(this.sa, what);
  }

  sendInformational(payloads: Payload[], options: InformationalOptions = {}): EngineEffect[] {
    return sendInformational(this.sa, payloads, [], options);
  }

  timer(id: string): EngineEffect[] {
    const sa = this.sa;
    sa.timerFired(id);
    if (id !== 'retransmit') return retransmitQuickMode(sa, id);
    const effects: EngineEffect[] = [];
    const schedule = sa.retransmitSchedule();
    if (!sa.lastSent || sa.finished || sa.established) return effects;
    if (sa.retransmits >= schedule.length) {
      sa.fail(effects, `no answer after ${schedule.length} retransmission(s)`);
      return effects;
    }
    sa.resend(effects, sa.lastSent, false);
    sa.retransmits += 1;
    const next = schedule[sa.retransmits];
    // After the last retransmission, wait as long again before giving up.
    sa.setTimer(effects, 'retransmit', next ?? schedule[schedule.length - 1]);
    return effects;
  }

  /** Phase 1 gives up: state failed, timers cancelled. */
  fail(effects: EngineEffect[], detail: string, why?: Refusal): void {
    this.sa.fail(effects, detail, why);
  }

  failedEvent(detail: string): EngineEffect[] {
    const effects: EngineEffect[] = [];
    this.sa.fail(effects, detail);
    return effects;
  }

  event(event: EngineEvent): EngineEffect {
    return this.sa.event(event);
  }
}
