/**
 * The table of IKE SAs one process holds, keyed by cookies: routes each
 * inbound datagram to its SA, creates a responder SA for Main Mode message 1,
 * and turns every failure into a typed rejection. receive() never throws:
 * nothing a DUT sends can crash the engine.
 */
import { CryptoError, HarnessError, IkeError, WireError } from '../errors.js';
import type { Endpoint } from '../events.js';
import { EXCHANGE_TYPES } from '../wire/constants.js';
import { decodeMessage, decodePayloads, header, HEADER_LENGTH } from '../wire/index.js';
import type { IsakmpMessage, Payload } from '../wire/types.js';
import { hex, isZero } from './bytes.js';
import type { IkeEngineConfig } from './engine-config.js';
import { NO_HOOKS, type EngineEffect, type EngineHooks, type InboundDatagram, type ReceiveResult } from './engine-effects.js';
import { cookieKey, cookieKeyOfId } from './cookie-key.js';
import { IkeSa, type DpdTicket } from './ike-sa.js';
import type { InformationalOptions } from './informational.js';
import { headerOnlySummary } from './message-summary.js';
import { IkeRejection } from './rejection.js';

export interface InitiateOptions {
  from: Endpoint;
  to: Endpoint;
  /** Run Quick Mode as soon as phase 1 is up. */
  quickMode?: boolean;
  /** Phase-1 exchange; Main Mode when absent. */
  mode?: 'main' | 'aggressive';
}

export class IkeEngine {
  /** Keyed by cookieKey(CKY-I). */
  private readonly sas = new Map<string, IkeSa>();

  constructor(
    private readonly config: IkeEngineConfig,
    private readonly hooks: EngineHooks = NO_HOOKS,
  ) {}

  receive(datagram: InboundDatagram, _now: bigint): ReceiveResult {
    let msg: IsakmpMessage;
    try {
      msg = decodeDatagram(datagram.bytes);
    } catch (err) {
      const sa = datagram.bytes.length >= 16 ? hex(datagram.bytes.subarray(0, 16)) : undefined;
      return { ...(sa ? { sa } : {}), rejected: rejectionOf(err), effects: [] };
    }
    const sa = this.sas.get(cookieKey(msg.initiatorCookie));
    try {
      if (sa) {
        const outcome = sa.handle(msg, datagram.bytes, datagram);
        return { sa: sa.id, summary: outcome.summary ?? headerOnlySummary(msg), effects: this.settle(sa, outcome.effects) };
      }
      if (!this.startsPhase1(msg)) {
        throw new IkeError('ERR_IKE_UNKNOWN_SA', 'no IKE SA with these cookies, and not Main or Aggressive Mode message 1');
      }
      const respond = msg.exchangeType === EXCHANGE_TYPES.AGGRESSIVE_MODE ? IkeSa.respondAggressive : IkeSa.respond;
      const responder = respond(this.config, this.hooks, datagram.local, datagram.remote, msg, datagram.bytes);
      this.sas.set(cookieKey(responder.sa.ckyI), responder.sa);
      return { sa: responder.sa.id, summary: responder.outcome.summary ?? headerOnlySummary(msg), effects: responder.outcome.effects };
    } catch (err) {
      const rejection = err instanceof IkeRejection ? err : undefined;
      return {
        sa: sa?.id ?? hex(msg.initiatorCookie) + hex(msg.responderCookie),
        summary: rejection?.summary ?? headerOnlySummary(msg),
        rejected: rejectionOf(err),
        effects: sa ? this.settle(sa, rejection?.effects ?? []) : (rejection?.effects ?? []),
      };
    }
  }

  private startsPhase1(msg: IsakmpMessage): boolean {
    const phase1 = msg.exchangeType === EXCHANGE_TYPES.MAIN_MODE || msg.exchangeType === EXCHANGE_TYPES.AGGRESSIVE_MODE;
    return this.config.respond !== false && phase1 && isZero(msg.responderCookie) && !msg.flags.encryption && msg.messageId === 0;
  }

  /** Forgets SAs that are over, once their last effects are out. */
  private settle(sa: IkeSa, effects: EngineEffect[]): EngineEffect[] {
    if (sa.finished) this.sas.delete(cookieKey(sa.ckyI));
    return effects;
  }

  timer(sa: string, id: string, _now: bigint): EngineEffect[] {
    const held = this.lookUp(sa);
    if (!held) return [];
    return this.settle(held, held.timer(id));
  }

  initiate(options: InitiateOptions, _now: bigint): { sa: string; effects: EngineEffect[] } {
    const start = options.mode === 'aggressive' ? IkeSa.initiateAggressive : IkeSa.initiate;
    const { sa, effects } = start(this.config, this.hooks, options.from, options.to);
    sa.quickModeAfterPhase1 = options.quickMode ?? false;
    this.sas.set(cookieKey(sa.ckyI), sa);
    return { sa: sa.id, effects };
  }

  quickMode(sa: string, _now: bigint): EngineEffect[] {
    return this.held(sa).startQuickMode();
  }

  sendDpd(sa: string, _now: bigint, seq?: number, options: InformationalOptions = {}): EngineEffect[] {
    return this.held(sa).sendDpd(seq, options);
  }

  answerDpd(sa: string, ticket: unknown, seq: number, _now: bigint): EngineEffect[] {
    return this.held(sa).answerDpd(ticket as DpdTicket, seq);
  }

  deleteSa(sa: string, what: 'ipsec' | 'isakmp', _now: bigint): EngineEffect[] {
    const held = this.held(sa);
    return this.settle(held, held.deleteSa(what));
  }

  sendInformational(sa: string, payloads: Payload[], _now: bigint, options: InformationalOptions = {}): EngineEffect[] {
    return this.held(sa).sendInformational(payloads, options);
  }

  list(): string[] {
    return [...this.sas.values()].map((sa) => sa.id);
  }

  /** The SA itself, for tests and the reference DUT (children, state). */
  get(sa: string): IkeSa | undefined {
    return this.lookUp(sa);
  }

  private lookUp(sa: string): IkeSa | undefined {
    const key = cookieKeyOfId(sa);
    return key === undefined ? undefined : this.sas.get(key);
  }

  private held(sa: string): IkeSa {
    const held = this.lookUp(sa);
    if (!held) throw new IkeError('ERR_IKE_UNKNOWN_SA', `no IKE SA ${sa}`);
    return held;
  }
}

/**
 * decodeMessage with views of the datagram, except that zero bytes after the last payload of a clear
 * message are tolerated: Libreswan pads unencrypted IKEv1 messages to 4 bytes
 * (`ikepad`, protocol-digest.md §2.3).
 */
function decodeDatagram(bytes: Uint8Array): IsakmpMessage {
  try {
    // Views: the SAs copy the cookies they keep, and the ciphertext is decrypted before receive() returns.
    return decodeMessage(bytes, true);
  } catch (err) {
    if (!(err instanceof WireError) || err.code !== 'ERR_WIRE_TRAILING_BYTES' || bytes.length < HEADER_LENGTH) throw err;
    const h = header.decode(bytes);
    const body = bytes.subarray(HEADER_LENGTH, h.length);
    const { payloads, padding } = decodePayloads(h.nextPayload as number, body, HEADER_LENGTH);
    if (padding.length > 3 || !isZero(padding)) throw err;
    return { ...h, payloads, ...(bytes.length > (h.length as number) ? { trailing: bytes.slice(h.length) } : {}) };
  }
}

function rejectionOf(err: unknown): { code: string; message: string } {
  if (err instanceof WireError || err instanceof CryptoError) return { code: 'ERR_IKE_MALFORMED', message: `${err.code}: ${err.message}` };
  if (err instanceof HarnessError) return { code: err.code, message: err.message };
  // A bug of ours must still not crash the peer: it is recorded as the message it choked on.
  return { code: 'ERR_IKE_MALFORMED', message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
