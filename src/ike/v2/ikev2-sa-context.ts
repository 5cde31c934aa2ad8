/**
 * What every exchange of one IKE SA shares: its SPIs and role, its keys, the
 * message window, and the helpers that turn payloads into sealed requests
 * (retransmitted on a timer) and responses (cached for the peer's retransmissions).
 */
import type { DhKeyPair } from '../../crypto/dh-group.js';
import type { Endpoint } from '../../events.js';
import { IKEV2_EXCHANGE_TYPES } from '../../wire/ikev2/constants.js';
import { encodeIkev2Message } from '../../wire/ikev2/message.js';
import type { Ikev2Header, Ikev2Payload } from '../../wire/ikev2/types.js';
import { hex } from '../bytes.js';
import type { SaState } from '../engine-effects.js';
import type { Ikev2EngineConfig, Ikev2EspProposal, Ikev2IkeProposal } from './ikev2-config.js';
import { strongswanRetransmitMs } from './ikev2-config.js';
import type { Ikev2Effect, Ikev2Event, Ikev2Outbound } from './ikev2-effects.js';
import type { ChildKeys, IkeSaCrypto } from './ikev2-keys.js';
import { saKeysRecord } from './ikev2-keys.js';
import { sealMessage, type Protection } from './ikev2-protection.js';
import { summarizeIkev2, exchangeName } from './ikev2-summary.js';
import { MessageWindow, RETRANSMIT_TIMER } from './ikev2-window.js';

export interface ChildSa {
  /** Our inbound SPI (the one we put in our SA payload) and the peer's. */
  spiIn: Uint8Array;
  spiOut: Uint8Array;
  proposal: Ikev2EspProposal;
  keys: ChildKeys;
  state: SaState;
}

/** Fault knobs for one message the engine sends. */
export interface Ikev2SendOptions {
  /** Send under this message ID instead of the window's. */
  messageId?: number;
  protection?: Protection;
  /** A crafted request sent once outside the window (§2.3): no retransmission, no answer awaited, the window stays free. */
  oneShot?: boolean;
  /**
   * Resend our latest request under `messageId` byte for byte, as a retransmission (RFC 7296 §2.1:
   * "A retransmission from the initiator MUST be bitwise identical to the original request");
   * without one under that ID, a new request is built.
   */
  retransmit?: boolean;
}

/** What the initiator keeps between IKE_SA_INIT and IKE_AUTH; the responder the same from its side. */
export interface Handshake {
  proposal?: Ikev2IkeProposal;
  dh: DhKeyPair;
  ni: Uint8Array;
  nr?: Uint8Array;
  cookie?: Uint8Array;
  /** RealMessage1 and RealMessage2 of RFC 7296 §2.15, as sent. */
  message1?: Uint8Array;
  message2?: Uint8Array;
  /** Our CHILD_SA SPI offered in IKE_AUTH. */
  childSpi?: Uint8Array;
}

export type IkeState = 'init-sent' | 'auth-sent' | 'auth-wait' | 'established' | 'deleting' | 'deleted' | 'failed' | 'dead';

export class Ikev2SaContext {
  readonly window: MessageWindow;
  crypto?: IkeSaCrypto;
  children: ChildSa[] = [];
  state: IkeState;
  handshake?: Handshake;
  /** The request in flight, so its response goes to the right handler. */
  pending?: 'delete-ike' | 'delete-child' | 'liveness' | 'notify';
  /** Inbound SPIs of the CHILD_SAs our outstanding Delete names. */
  deletingSpis: Uint8Array[] = [];
  /** Liveness requests the owner has not answered yet (liveness: 'owner'). */
  held = new Set<number>();

  constructor(
    readonly config: Ikev2EngineConfig,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    /** The original initiator of this IKE SA (RFC 7296 §2.2; for a rekeyed SA, who rekeyed it, §2.18). */
    readonly originalInitiator: boolean,
    readonly spiI: Uint8Array,
    public spiR: Uint8Array,
    state: IkeState,
  ) {
    this.window = new MessageWindow(config.retransmitMs ?? strongswanRetransmitMs());
    this.state = state;
  }

  get id(): string {
    return hex(this.spiI) + hex(this.spiR);
  }

  /** Our own SPI, which keys the engine's table. */
  get ownSpi(): Uint8Array {
    return this.originalInitiator ? this.spiI : this.spiR;
  }

  /** Timers name the SA by its own SPI: the id changes when the initiator learns SPIr, a timer must not. */
  get timerKey(): string {
    return hex(this.ownSpi);
  }

  get finished(): boolean {
    return this.state === 'deleted' || this.state === 'failed' || this.state === 'dead';
  }

  event(event: Ikev2Event): Ikev2Effect {
    return { type: 'event', sa: this.id, remote: this.remote, event };
  }

  ikeState(state: SaState, detail?: string, extra: Partial<Extract<Ikev2Event, { kind: 'state' }>> = {}): Ikev2Effect {
    return this.event({ kind: 'state', sa: 'ike', state, ...(detail ? { detail } : {}), ...extra });
  }

  keysEvent(): Ikev2Effect {
    return this.event({ kind: 'sa-keys', keys: saKeysRecord(this.crypto as IkeSaCrypto, this.spiI, this.spiR) });
  }

  private header(exchangeType: number, messageId: number, response: boolean): Ikev2Header {
    return { initiatorSpi: this.spiI, responderSpi: this.spiR, exchangeType, flags: { initiator: this.originalInitiator, response }, messageId };
  }

  private encode(header: Ikev2Header, payloads: Ikev2Payload[], protection: Protection | undefined): Uint8Array {
    if (header.exchangeType === IKEV2_EXCHANGE_TYPES.IKE_SA_INIT || !this.crypto) return encodeIkev2Message({ ...header, payloads });
    return sealMessage(this.crypto, this.config.random, header, payloads, protection);
  }

  private outbound(bytes: Uint8Array, header: Ikev2Header, payloads: Ikev2Payload[], answer: boolean): Ikev2Outbound {
    return { sa: this.id, from: this.local, to: this.remote, bytes, summary: summarizeIkev2(header, payloads), answer };
  }

  /** A new request of ours: sent now, retransmitted by the window's timer. */
  request(exchangeType: number, payloads: Ikev2Payload[], options: Ikev2SendOptions = {}): { bytes: Uint8Array; effects: Ikev2Effect[] } {
    const messageId = options.messageId ?? this.window.nextOwnId;
    const header = this.header(exchangeType, messageId, false);
    const last = this.window.last;
    const again = options.retransmit && last?.messageId === messageId && last.summary.exchangeType === exchangeType ? last.bytes : undefined;
    const bytes = again ?? this.encode(header, payloads, options.protection);
    const datagram = this.outbound(bytes, header, payloads, false);
    if (options.oneShot) {
      this.window.sentOnce(messageId);
      return { bytes, effects: [{ type: 'send', datagram }] };
    }
    this.window.open(exchangeName(exchangeType), bytes, datagram.summary, messageId);
    return { bytes, effects: [{ type: 'send', datagram }, { type: 'set-timer', sa: this.timerKey, id: RETRANSMIT_TIMER, ms: this.window.waitMs() as number }] };
  }

  /** Our answer to the peer's request `messageId`, cached for its retransmissions (RFC 7296 §2.1). */
  respond(exchangeType: number, messageId: number, payloads: Ikev2Payload[], options: Ikev2SendOptions = {}): { bytes: Uint8Array; effects: Ikev2Effect[] } {
    const header = this.header(exchangeType, options.messageId ?? messageId, true);
    const bytes = this.encode(header, payloads, options.protection);
    const datagram = this.outbound(bytes, header, payloads, true);
    this.window.accept(messageId);
    this.window.cache(messageId, [datagram]);
    return { bytes, effects: [{ type: 'send', datagram }] };
  }

  /** The peer retransmitted a request we answered: the same bytes again. */
  resendCached(messageId: number): Ikev2Effect[] {
    return [
      ...this.window.cachedResponse().map((datagram): Ikev2Effect => ({ type: 'send', datagram })),
      this.event({ kind: 'cached-response', messageId }),
    ];
  }

  /** The response to our outstanding request arrived: stop retransmitting. */
  closeRequest(): Ikev2Effect[] {
    this.window.close();
    return [{ type: 'cancel-timer', sa: this.timerKey, id: RETRANSMIT_TIMER }];
  }

  /** The retransmission timer ran out: send again, or give up and declare the SA dead (RFC 7296 §2.4). */
  retransmitTimer(): Ikev2Effect[] {
    const o = this.window.outstanding;
    if (!o) return [];
    if (this.window.expire()) {
      const resend: Ikev2Effect = { type: 'send', datagram: { sa: this.id, from: this.local, to: this.remote, bytes: o.bytes, summary: o.summary, answer: false } };
      return [resend, this.event({ kind: 'retransmit', exchange: o.exchange, messageId: o.messageId, attempt: o.sent - 1 }), { type: 'set-timer', sa: this.timerKey, id: RETRANSMIT_TIMER, ms: this.window.waitMs() as number }];
    }
    this.state = 'dead';
    return [this.event({ kind: 'gave-up', exchange: o.exchange, messageId: o.messageId, transmissions: o.sent }), ...this.children.map((c) => this.childEvent(c, 'expired')), this.ikeState('expired', `no response to ${o.exchange} request ${o.messageId} after ${o.sent} transmissions`)];
  }

  childEvent(child: ChildSa, state: SaState, extra: Partial<Extract<Ikev2Event, { kind: 'state' }>> = {}): Ikev2Effect {
    child.state = state;
    return this.event({ kind: 'state', sa: 'child', state, detail: `ESP ${hex(child.spiIn)}/${hex(child.spiOut)}`, ...extra });
  }
}
