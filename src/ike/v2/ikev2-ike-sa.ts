/**
 * One IKE SA's state machine: routes each inbound message by its R flag and
 * message ID through the window (RFC 7296 §2.1-§2.3), opens SK, and hands it
 * to the exchange it belongs to; the owner's commands start INFORMATIONAL
 * requests. Every outcome is a list of effects.
 */
import { CryptoError, IkeError, WireError } from '../../errors.js';
import { IKEV2_EXCHANGE_TYPES } from '../../wire/ikev2/constants.js';
import type { Ikev2Message, Ikev2Payload } from '../../wire/ikev2/types.js';
import type { Ikev2Effect, Ikev2Summary } from './ikev2-effects.js';
import { onAuthResponse, respondAuth, sendAuthRequest } from './ikev2-auth.js';
import { respondCreateChild } from './ikev2-create-child.js';
import { answerLiveness, onInformationalResponse, respondInformational, sendDeleteChild, sendDeleteIke, sendLiveness, sendNotify } from './ikev2-informational.js';
import { openMessage } from './ikev2-protection.js';
import { Ikev2Rejection } from './ikev2-rejection.js';
import { onSaInitResponse } from './ikev2-sa-init.js';
import type { Ikev2SaContext, Ikev2SendOptions } from './ikev2-sa-context.js';
import { summarizeIkev2 } from './ikev2-summary.js';
import { RETRANSMIT_TIMER } from './ikev2-window.js';

export interface HandleOutcome {
  summary: Ikev2Summary;
  effects: Ikev2Effect[];
  spawned?: Ikev2SaContext;
}

const { IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL } = IKEV2_EXCHANGE_TYPES;

export class Ikev2Sa {
  constructor(readonly ctx: Ikev2SaContext) {}

  get id(): string {
    return this.ctx.id;
  }

  handle(msg: Ikev2Message, bytes: Uint8Array): HandleOutcome {
    const clear = summarizeIkev2(msg, msg.payloads);
    const reject = (code: 'ERR_IKE_UNEXPECTED' | 'ERR_IKE_REPLAY', detail: string, summary: Ikev2Summary = clear): never => {
      throw new Ikev2Rejection(code, detail, summary, [this.ctx.event({ kind: 'ignored', code, messageId: msg.messageId, detail })]);
    };
    if (msg.flags.response) {
      const o = this.ctx.window.outstanding;
      const verdict = this.ctx.window.judgeResponse(msg.messageId);
      // The peer answered a crafted request it should have dropped: named as what it is, acted on never.
      if (verdict === 'one-shot' && msg.exchangeType === INFORMATIONAL) return { summary: summarizeIkev2(msg, this.open(msg, bytes, clear)), effects: [] };
      if (verdict !== 'expected' || o?.summary.exchangeType !== msg.exchangeType) {
        return reject('ERR_IKE_UNEXPECTED', `response ${msg.messageId} (${clear.exchange}) answers no outstanding request${o ? ` (outstanding: ${o.exchange} ${o.messageId})` : ''}`);
      }
      if (msg.exchangeType === IKE_SA_INIT) {
        const { effects, keyed } = onSaInitResponse(this.ctx, msg, bytes);
        return { summary: clear, effects: keyed ? [...effects, ...sendAuthRequest(this.ctx)] : effects };
      }
      const inner = this.open(msg, bytes, clear);
      const summary = summarizeIkev2(msg, inner);
      if (msg.exchangeType === IKE_AUTH) return { summary, effects: onAuthResponse(this.ctx, inner) };
      return { summary, effects: onInformationalResponse(this.ctx, msg.messageId, inner) };
    }
    const verdict = this.ctx.window.judgeRequest(msg.messageId);
    if (verdict === 'retransmit') return { summary: this.retransmissionSummary(msg, bytes, clear), effects: this.ctx.resendCached(msg.messageId) };
    if (verdict === 'out-of-window') return reject('ERR_IKE_REPLAY', `request ${msg.messageId} is outside the window (expected ${this.ctx.window.nextPeerId}, RFC 7296 §2.3)`);
    if (msg.exchangeType === IKE_SA_INIT) return reject('ERR_IKE_UNEXPECTED', 'a second IKE_SA_INIT request on an IKE SA');
    const inner = this.open(msg, bytes, clear);
    const summary = summarizeIkev2(msg, inner);
    if (msg.exchangeType === IKE_AUTH) {
      if (this.ctx.state !== 'auth-wait') return reject('ERR_IKE_UNEXPECTED', `IKE_AUTH request in state ${this.ctx.state}`, summary);
      return { summary, effects: respondAuth(this.ctx, msg.messageId, inner) };
    }
    if (this.ctx.state !== 'established' && this.ctx.state !== 'deleting') return reject('ERR_IKE_UNEXPECTED', `${summary.exchange} request before the IKE SA is established`, summary);
    if (msg.exchangeType === INFORMATIONAL) return { summary, effects: respondInformational(this.ctx, msg.messageId, inner) };
    if (msg.exchangeType === CREATE_CHILD_SA) return { summary, ...respondCreateChild(this.ctx, msg.messageId, inner) };
    return reject('ERR_IKE_UNEXPECTED', `exchange type ${msg.exchangeType} is not one this engine answers`, summary);
  }

  /**
   * A retransmitted request is answered from the cache, not acted on again (RFC 7296 §2.1); it is
   * opened only so the event stream names it as the original was (a liveness check stays one).
   */
  private retransmissionSummary(msg: Ikev2Message, bytes: Uint8Array, clear: Ikev2Summary): Ikev2Summary {
    try {
      return summarizeIkev2(msg, this.open(msg, bytes, clear));
    } catch (err) {
      if (err instanceof Ikev2Rejection) return clear;
      throw err;
    }
  }

  /** SK opened, or a typed refusal: §2.21.2 says a message that does not verify is dropped, not answered. */
  private open(msg: Ikev2Message, bytes: Uint8Array, summary: Ikev2Summary): Ikev2Payload[] {
    if (!this.ctx.crypto) throw new Ikev2Rejection('ERR_IKE_UNEXPECTED', 'encrypted message before the IKE SA has keys', summary);
    if (msg.payloads[msg.payloads.length - 1]?.kind !== 'sk') {
      // Unprotected notifies (INVALID_IKE_SPI, §2.21.4) are reported, never acted on: anyone could have sent them.
      const seen = msg.payloads.flatMap((p) => (p.kind === 'notify' ? [this.ctx.event({ kind: 'notify-received', notifyType: p.notifyType, response: msg.flags.response, unprotected: true })] : []));
      throw new Ikev2Rejection('ERR_IKE_UNENCRYPTED', `${summary.exchange} without an SK payload after IKE_SA_INIT`, summary, seen);
    }
    try {
      return openMessage(this.ctx.crypto, msg, bytes);
    } catch (err) {
      if (err instanceof IkeError) throw new Ikev2Rejection(err.code, err.message, summary);
      const code = err instanceof CryptoError ? 'ERR_IKE_BAD_HASH' : 'ERR_IKE_MALFORMED';
      const detail = err instanceof CryptoError || err instanceof WireError ? `${err.code}: ${err.message}` : String(err);
      throw new Ikev2Rejection(code, detail, summary, [this.ctx.event({ kind: 'ignored', code, messageId: msg.messageId, detail })]);
    }
  }

  timer(id: string): Ikev2Effect[] {
    return id === RETRANSMIT_TIMER ? this.ctx.retransmitTimer() : [];
  }

  sendLiveness(options?: Ikev2SendOptions): Ikev2Effect[] {
    return sendLiveness(this.ctx, options);
  }

  deleteIke(options?: Ikev2SendOptions): Ikev2Effect[] {
    return sendDeleteIke(this.ctx, options);
  }

  deleteChild(options?: Ikev2SendOptions, spiIn?: Uint8Array): Ikev2Effect[] {
    return sendDeleteChild(this.ctx, options, spiIn);
  }

  sendInformational(payloads: Ikev2Payload[], options?: Ikev2SendOptions): Ikev2Effect[] {
    return sendNotify(this.ctx, payloads, options);
  }

  respondNow(ticket: number, options?: Ikev2SendOptions): Ikev2Effect[] {
    return answerLiveness(this.ctx, ticket, options);
  }
}
