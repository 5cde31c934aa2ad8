/**
 * The IKE SAs one IKEv2 endpoint holds, keyed by its own SPI: routes each
 * inbound datagram (RFC 7296 §2.2: the I flag says which SPI is ours), creates
 * responder SAs for IKE_SA_INIT, answers requests for SAs it does not hold
 * with INVALID_IKE_SPI when asked to (§2.21.4), and turns every failure into a
 * typed rejection. receive() never throws.
 */
import { CryptoError, HarnessError, IkeError, WireError } from '../../errors.js';
import type { Endpoint } from '../../events.js';
import { IKEV2_EXCHANGE_TYPES, IKEV2_NOTIFY_TYPES } from '../../wire/ikev2/constants.js';
import { decodeIkev2Message, encodeIkev2Message } from '../../wire/ikev2/message.js';
import type { Ikev2Header, Ikev2Message, Ikev2Payload } from '../../wire/ikev2/types.js';
import { hex, isZero } from '../bytes.js';
import type { InboundDatagram } from '../engine-effects.js';
import type { Ikev2EngineConfig } from './ikev2-config.js';
import type { Ikev2Effect, Ikev2ReceiveResult } from './ikev2-effects.js';
import { Ikev2Sa } from './ikev2-ike-sa.js';
import { notify } from './ikev2-payload-helpers.js';
import { Ikev2Rejection } from './ikev2-rejection.js';
import { respondSaInit, startInitiator } from './ikev2-sa-init.js';
import type { Ikev2SaContext, Ikev2SendOptions } from './ikev2-sa-context.js';
import { summarizeIkev2 } from './ikev2-summary.js';

/** 8 hex digits of SPI per side, so an SA id is 32. */
const SPI_HEX = 16;

export class Ikev2Engine {
  private readonly sas = new Map<string, Ikev2Sa>();
  /** Responder SAs by the peer's address and SPIi, so a retransmitted IKE_SA_INIT finds its cached answer. */
  private readonly byInitiator = new Map<string, Ikev2Sa>();
  private readonly cookieSecret: Uint8Array;

  constructor(private readonly config: Ikev2EngineConfig) {
    this.cookieSecret = config.random.bytes(32);
  }

  receive(datagram: InboundDatagram, _now: bigint): Ikev2ReceiveResult {
    let msg: Ikev2Message;
    try {
      msg = decodeIkev2Message(datagram.bytes);
    } catch (err) {
      const sa = datagram.bytes.length >= 16 ? hex(datagram.bytes.subarray(0, 16)) : undefined;
      return { ...(sa ? { sa } : {}), rejected: rejectionOf(err), effects: [] };
    }
    const id = hex(msg.initiatorSpi) + hex(msg.responderSpi);
    const summary = summarizeIkev2(msg, msg.payloads);
    const initKey = `${datagram.remote.address}:${datagram.remote.port}:${hex(msg.initiatorSpi)}`;
    // §2.2: a message from the original initiator names us by SPIr, one from the responder by SPIi.
    const sa = msg.flags.initiator && isZero(msg.responderSpi) ? this.byInitiator.get(initKey) : this.sas.get(hex(msg.flags.initiator ? msg.responderSpi : msg.initiatorSpi));
    try {
      if (sa) {
        const outcome = sa.handle(msg, datagram.bytes);
        if (outcome.spawned) this.add(new Ikev2Sa(outcome.spawned));
        return { sa: sa.id, summary: outcome.summary, effects: this.settle(sa, outcome.effects) };
      }
      if (this.startsIkeSa(msg)) {
        const { ctx, effects } = respondSaInit(this.config, this.cookieSecret, datagram.local, datagram.remote, msg, datagram.bytes);
        if (ctx) {
          const responder = this.add(new Ikev2Sa(ctx));
          this.byInitiator.set(initKey, responder);
        }
        return { sa: ctx?.id ?? id, summary, effects };
      }
      const answer = !msg.flags.response && this.config.answerUnknownSpi ? [invalidIkeSpi(msg, datagram.local, datagram.remote)] : [];
      throw new Ikev2Rejection('ERR_IKE_UNKNOWN_SA', `no IKE SA ${id}${answer.length ? ': answered INVALID_IKE_SPI' : ''}`, summary, answer);
    } catch (err) {
      const rejection = err instanceof Ikev2Rejection ? err : undefined;
      const effects = rejection?.effects ?? [];
      return { sa: sa?.id ?? id, summary: rejection?.summary ?? summary, rejected: rejectionOf(err), effects: sa ? this.settle(sa, effects) : effects };
    }
  }

  private startsIkeSa(msg: Ikev2Message): boolean {
    return this.config.respond !== false && msg.exchangeType === IKEV2_EXCHANGE_TYPES.IKE_SA_INIT && msg.flags.initiator && !msg.flags.response && isZero(msg.responderSpi) && msg.messageId === 0;
  }

  private add(sa: Ikev2Sa): Ikev2Sa {
    this.sas.set(hex(sa.ctx.ownSpi), sa);
    return sa;
  }

  /** Forgets SAs that are over once their last effects are out. */
  private settle(sa: Ikev2Sa, effects: Ikev2Effect[]): Ikev2Effect[] {
    if (sa.ctx.finished) this.forget(sa);
    return effects;
  }

  private forget(sa: Ikev2Sa): void {
    this.sas.delete(hex(sa.ctx.ownSpi));
    for (const [key, held] of this.byInitiator) if (held === sa) this.byInitiator.delete(key);
  }

  /** `sa` is the timer's SA key (the SA's own SPI, Ikev2SaContext.timerKey). */
  timer(sa: string, id: string, _now: bigint): Ikev2Effect[] {
    const held = this.sas.get(sa);
    return held ? this.settle(held, held.timer(id)) : [];
  }

  initiate(options: { from: Endpoint; to: Endpoint }, _now: bigint): { sa: string; effects: Ikev2Effect[] } {
    const { ctx, effects } = startInitiator(this.config, options.from, options.to);
    const sa = this.add(new Ikev2Sa(ctx));
    return { sa: sa.id, effects };
  }

  sendLiveness(sa: string, _now: bigint, options?: Ikev2SendOptions): Ikev2Effect[] {
    return this.held(sa).sendLiveness(options);
  }

  /** Answers a liveness request the engine held (liveness: 'owner'); `ticket` is from its event. */
  respondNow(sa: string, ticket: number, _now: bigint, options?: Ikev2SendOptions): Ikev2Effect[] {
    return this.held(sa).respondNow(ticket, options);
  }

  deleteIke(sa: string, _now: bigint, options?: Ikev2SendOptions): Ikev2Effect[] {
    return this.held(sa).deleteIke(options);
  }

  deleteChild(sa: string, _now: bigint, options?: Ikev2SendOptions): Ikev2Effect[] {
    return this.held(sa).deleteChild(options);
  }

  sendInformational(sa: string, payloads: Ikev2Payload[], _now: bigint, options?: Ikev2SendOptions): Ikev2Effect[] {
    return this.held(sa).sendInformational(payloads, options);
  }

  /** The peer "lost its state": the SA is dropped without a word, so the DUT's next request meets INVALID_IKE_SPI (with answerUnknownSpi). */
  loseState(sa: string): Ikev2Effect[] {
    const held = this.held(sa);
    this.forget(held);
    return [{ type: 'cancel-timer', sa: held.ctx.timerKey, id: 'retransmit' }];
  }

  list(): string[] {
    return [...this.sas.values()].map((sa) => sa.id);
  }

  /** The SA by its id (either SPI may still be zero in it), for tests and the fake peer. */
  get(sa: string): Ikev2Sa | undefined {
    return this.sas.get(sa.slice(0, SPI_HEX)) ?? this.sas.get(sa.slice(SPI_HEX, 2 * SPI_HEX));
  }

  private held(sa: string): Ikev2Sa {
    const held = this.get(sa);
    if (!held || held.ctx.finished) throw new IkeError('ERR_IKE_UNKNOWN_SA', `no IKE SA ${sa}`);
    return held;
  }
}

/** §2.21.4: unprotected, to the request's SPIs and message ID, with the R flag (also what a fake peer that lost its state sends). */
export function invalidIkeSpi(msg: Ikev2Header, local: Endpoint, remote: Endpoint): Ikev2Effect {
  const payloads = [notify(IKEV2_NOTIFY_TYPES.INVALID_IKE_SPI)];
  const header = { initiatorSpi: msg.initiatorSpi, responderSpi: msg.responderSpi, exchangeType: msg.exchangeType, flags: { initiator: !msg.flags.initiator, response: true }, messageId: msg.messageId };
  const bytes = encodeIkev2Message({ ...header, payloads });
  return { type: 'send', datagram: { sa: hex(msg.initiatorSpi) + hex(msg.responderSpi), from: local, to: remote, bytes, summary: summarizeIkev2(header, payloads), answer: true } };
}

function rejectionOf(err: unknown): { code: string; message: string } {
  if (err instanceof WireError || (err instanceof CryptoError && !(err instanceof HarnessError && err.code.startsWith('ERR_IKE')))) return { code: 'ERR_IKE_MALFORMED', message: `${err.code}: ${err.message}` };
  if (err instanceof HarnessError) return { code: err.code, message: err.message };
  // A bug of ours must still not crash the peer: it is recorded as the message it choked on.
  return { code: 'ERR_IKE_MALFORMED', message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}

export type { Ikev2SaContext };
