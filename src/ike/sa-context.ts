/**
 * The state one ISAKMP SA carries across its exchanges, and the primitives every
 * exchange works with: headers, sending (recording answers for retransmitted
 * requests), timers, fresh message IDs, events, giving up. The exchange modules
 * (main-mode.ts, aggressive-mode.ts, quick-mode.ts, informational.ts) act on it;
 * ike-sa.ts owns it and dispatches to them.
 */
import type { DhKeyPair } from '../crypto/dh-group.js';
import type { EspSaPair } from '../crypto/esp-keys.js';
import type { Endpoint, MessageSummary } from '../events.js';
import { DOI, PROTOCOL_IDS } from '../wire/constants.js';
import { idPayloadFor, type Identification } from '../wire/identification.js';
import { encodeMessage } from '../wire/index.js';
import type { IdPayload, IsakmpHeader, Payload } from '../wire/types.js';
import { hex, packed, randomUint32 } from './bytes.js';
import { DpdSequence } from './dpd-sequence.js';
import { MessageIdWindow } from './message-id-window.js';
import { DEFAULT_RETRANSMIT_MS, type EspProposal, type IkeEngineConfig, type Phase1Proposal } from './engine-config.js';
import type { EngineEffect, EngineEvent, EngineHooks } from './engine-effects.js';
import { summarize, headerOnlySummary } from './message-summary.js';
import { sealLaidOut, sealMessage, type CipherState } from './protection.js';
import { IkeError } from '../errors.js';
import type { Refusal } from './refusal.js';

export type Phase1State = 'mm1-sent' | 'mm3-sent' | 'mm5-sent' | 'mm2-sent' | 'mm4-sent' | 'am1-sent' | 'am2-sent' | 'established' | 'deleted' | 'failed';

export interface Keys {
  proposal: Phase1Proposal;
  /** Only HASH_I/HASH_R use it: emptied once phase 1 is up (SaContext.establish). */
  skeyid: Uint8Array;
  skeyidD: Uint8Array;
  skeyidA: Uint8Array;
  cipher: CipherState;
}

/** What an inbound message did: its summary, and the effects it caused. */
export interface Outcome {
  summary?: MessageSummary;
  effects: EngineEffect[];
}

/** A message already processed, kept so its identical retransmission gets the same answer. */
export interface Answered {
  request: Uint8Array;
  responses: Uint8Array[];
}

export interface QuickModeExchange {
  role: 'initiator' | 'responder';
  messageId: number;
  iv: Uint8Array;
  spi: Uint8Array;
  ni: Uint8Array;
  nr?: Uint8Array;
  dh?: DhKeyPair;
  proposals: EspProposal[];
  lastSent: Uint8Array;
  retransmits: number;
  /** What this exchange offered, in words, for a refusal. */
  offered?: string;
}

export interface ChildSa {
  messageId: number;
  inboundSpi: Uint8Array;
  outboundSpi: Uint8Array;
  proposal: EspProposal;
  /** The ESP SA per direction (RFC 2409 §5.5 KEYMAT), when src/crypto/esp-protection.ts implements the chosen transform. */
  esp?: EspSaPair;
}

/** Ticket handed out with a dpd-request event and back to answerDpd(). */
export interface DpdTicket {
  messageId: number;
}

/** What NAT traversal learnt about this SA (nat-traversal.ts). */
export interface NatState {
  /** The NAT-T version the DUT announced, once it did and we offer NAT-T. */
  version?: 'rfc' | 'draft';
  /** Our address as the DUT saw it differs from ours (or we forced it so). */
  localBehindNat: boolean;
  remoteBehindNat: boolean;
}

export const NONCE_LENGTH = 32;

/**
 * Phase-1 values not known yet, or dropped once phase 1 is up: one shared array each (never
 * written to; every value is replaced, not filled in), not eight fresh ones per SA.
 */
const NONE = new Uint8Array(0);
const ZERO_COOKIE = new Uint8Array(8);
const INCREMENT_DPD: NonNullable<IkeEngineConfig['dpdSequence']> = { retry: 'increment' };

/** Informational M-IDs remembered per SA, each way: the replay window. */
export const INFORMATIONAL_IDS_KEPT = 64;
/**
 * Received Informationals whose bytes and answers are kept, so an identical retransmission
 * is answered again byte for byte: retransmissions follow within seconds, and at one probe
 * a second 64 kept answers were most of an SA's memory.
 */
export const ANSWERS_KEPT = 4;

export class SaContext {
  private initiatorCookie: Uint8Array;
  private responderCookie: Uint8Array = ZERO_COOKIE;
  /** hex(CKY-I‖CKY-R), built once per responder cookie: every effect and event of every message names the SA. */
  private idText: string | undefined;
  /** CKY-I‖CKY-R, built once per responder cookie: every R-U-THERE and ACK carries it as its SPI. */
  private cookiePair: Uint8Array | undefined;
  state: Phase1State;
  saiB: Uint8Array = NONE;
  offered: Phase1Proposal[] = [];
  keys: Keys | undefined;
  dh: DhKeyPair | undefined;
  gxi: Uint8Array = NONE;
  gxr: Uint8Array = NONE;
  ni: Uint8Array = NONE;
  nr: Uint8Array = NONE;
  /** Aggressive Mode responder: the initiator's IDii_b from AM1, which HASH_I in AM3 covers. */
  peerIdB: Uint8Array = NONE;
  /** Phase-1 CBC chain: the IV for the next MM5/MM6, then the last MM6 cipher block (the phase-2 IV seed). */
  iv: Uint8Array = NONE;
  lastSent: Uint8Array | undefined;
  retransmits = 0;
  /** Main Mode message 4 received again while waiting for message 6 (main-mode.ts repeatedMm4). */
  mm4Repeats = 0;
  lastAnswered: Answered | undefined;
  /*
   * The collections below are made on first use (and timerSa dropped when empty): an empty Map
   * or Set is about 200 bytes, and most SAs never run Quick Mode nor keep a timer once up.
   */
  /** Informational M-IDs, the last INFORMATIONAL_IDS_KEPT each way, in one allocation. */
  private idWindows: { seen: MessageIdWindow; sent: MessageIdWindow } | undefined;
  private informationalAnswers: Map<number, Answered> | undefined;
  private quickModeExchanges: Map<number, QuickModeExchange> | undefined;
  private pendingChildSas: Map<number, ChildSa> | undefined;
  /** Quick Mode M-IDs used either way. */
  private quickModeIds: Set<number> | undefined;
  /** Answers sent while handling the current inbound message. */
  answering: Uint8Array[] = [];
  readonly children: ChildSa[] = [];
  readonly dpd: DpdSequence;
  /** Timers are cancelled under the SA id they were set with (the id grows CKY-R). */
  private timerSa: Map<string, string> | undefined;
  peerAdvertisedDpd = false;
  nat: NatState = { localBehindNat: false, remoteBehindNat: false };

  constructor(
    readonly role: 'initiator' | 'responder',
    readonly config: IkeEngineConfig,
    readonly hooks: EngineHooks,
    /** Both change when NAT-T floats the SA or the peer moves (nat-traversal.ts). */
    public local: Endpoint,
    public remote: Endpoint,
    ckyI: Uint8Array,
  ) {
    this.initiatorCookie = ckyI;
    this.state = role === 'initiator' ? 'mm1-sent' : 'mm2-sent';
    this.dpd = new DpdSequence(config.dpdSequence ?? INCREMENT_DPD, config.random);
  }

  get ckyI(): Uint8Array {
    return this.initiatorCookie;
  }

  /** The last INFORMATIONAL_IDS_KEPT Informational M-IDs received: a repeat of one is a replay. */
  get informationalsSeen(): MessageIdWindow {
    return this.windows().seen;
  }

  /** The last ANSWERS_KEPT Informationals received, oldest first, with the answer to each when we sent one. */
  get informationals(): Map<number, Answered> {
    return (this.informationalAnswers ??= new Map());
  }

  get quickModes(): Map<number, QuickModeExchange> {
    return (this.quickModeExchanges ??= new Map());
  }

  /** Responder Quick Modes waiting for HASH(3). */
  get pendingChildren(): Map<number, ChildSa> {
    return (this.pendingChildSas ??= new Map());
  }

  /** Whether `id` was used by a Quick Mode either way, or by an Informational we sent lately (INFORMATIONAL_IDS_KEPT). */
  messageIdUsed(id: number): boolean {
    return this.quickModeIds?.has(id) === true || this.idWindows?.sent.has(id) === true;
  }

  /** A Quick Mode M-ID, used for the SA's life. */
  useMessageId(id: number): void {
    (this.quickModeIds ??= new Set()).add(id);
  }

  private windows(): { seen: MessageIdWindow; sent: MessageIdWindow } {
    if (this.idWindows === undefined) {
      const slots = new Uint32Array(2 * INFORMATIONAL_IDS_KEPT);
      this.idWindows = { seen: new MessageIdWindow(slots.subarray(0, INFORMATIONAL_IDS_KEPT)), sent: new MessageIdWindow(slots.subarray(INFORMATIONAL_IDS_KEPT)) };
    }
    return this.idWindows;
  }

  get ckyR(): Uint8Array {
    return this.responderCookie;
  }

  set ckyR(cookie: Uint8Array) {
    this.responderCookie = cookie;
    this.idText = undefined;
    this.cookiePair = undefined;
  }

  get id(): string {
    this.idText ??= hex(this.ckyI) + hex(this.responderCookie);
    return this.idText;
  }

  get established(): boolean {
    return this.state === 'established';
  }

  get finished(): boolean {
    return this.state === 'deleted' || this.state === 'failed';
  }

  /** The keys phase 2 runs under; only an established SA has them. */
  phase2Keys(): Keys {
    if (!this.established || !this.keys) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${this.id} is not established (${this.state})`);
    return this.keys;
  }

  localId(): Identification {
    return this.config.localId ?? { type: 'ipv4-addr', address: this.local.address };
  }

  localIdPayload(): IdPayload {
    return idPayloadFor(this.localId());
  }

  header(exchangeType: number, messageId: number): IsakmpHeader {
    return {
      initiatorCookie: this.ckyI,
      responderCookie: this.ckyR,
      exchangeType,
      flags: { encryption: false, commit: false, authOnly: false },
      messageId,
    };
  }

  /** CKY-I‖CKY-R, one array per responder cookie, never written: a behaviour that changes an SPI changes a copy (src/peer/corruption.ts). */
  cookies(): Uint8Array {
    if (this.cookiePair === undefined) {
      this.cookiePair = new Uint8Array(16);
      this.cookiePair.set(this.ckyI, 0);
      this.cookiePair.set(this.responderCookie, 8);
    }
    return this.cookiePair;
  }

  /** A notify about this ISAKMP SA: protocol 1, SPI = CKY-I‖CKY-R in phase-1 role order (RFC 3706 §5.3). */
  cookieNotify(notifyType: number, data: Uint8Array): Payload {
    return { kind: 'notify', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, notifyType, spi: this.cookies(), data };
  }

  sendClear(effects: EngineEffect[], header: IsakmpHeader, payloads: Payload[], step: number, answer: boolean): { bytes: Uint8Array; payloads: Payload[] } {
    const summary = summarize(header, payloads, step);
    const message = this.hooks.mutate(this.id, summary, { header, payloads });
    const bytes = encodeMessage({ ...message.header, payloads: message.payloads });
    this.pushSend(effects, bytes, summary, answer);
    return { bytes, payloads: message.payloads };
  }

  /**
   * `laidOut`: the chain as layOut() already wrote it for these payloads (sendInformational
   * hashes it there); used unless a behaviour changed the message.
   */
  sendSealed(effects: EngineEffect[], header: IsakmpHeader, payloads: Payload[], iv: Uint8Array, step: number | undefined, answer: boolean, laidOut?: Uint8Array): { bytes: Uint8Array; lastBlock: Uint8Array } {
    const keys = this.keys as Keys;
    const summary = summarize(header, payloads, step);
    const original = { header, payloads };
    const message = this.hooks.mutate(this.id, summary, original);
    const sealed =
      laidOut && message === original
        ? sealLaidOut(keys.cipher, iv, header, payloads, laidOut)
        : sealMessage(keys.cipher, iv, message.header, message.payloads);
    this.pushSend(effects, sealed.bytes, summary, answer);
    return sealed;
  }

  private pushSend(effects: EngineEffect[], bytes: Uint8Array, summary: MessageSummary, answer: boolean): void {
    if (answer) this.answering.push(bytes);
    effects.push({ type: 'send', datagram: { sa: this.id, from: this.local, to: this.remote, bytes, summary, answer } });
  }

  /**
   * Sends bytes already sent once. Not through pushSend: a resent answer is already
   * cached, and recording it again would grow the very list being resent (endlessly).
   */
  resend(effects: EngineEffect[], bytes: Uint8Array, answer: boolean): void {
    const h = { exchangeType: bytes[18], messageId: new DataView(bytes.buffer, bytes.byteOffset + 20, 4).getUint32(0) };
    effects.push({ type: 'send', datagram: { sa: this.id, from: this.local, to: this.remote, bytes, summary: headerOnlySummary(h), answer } });
  }

  /** A random M-ID not used yet: a Quick Mode's stays used for the SA's life, an Informational's for the last INFORMATIONAL_IDS_KEPT. */
  freshMessageId(exchange: 'quick-mode' | 'informational' = 'quick-mode'): number {
    for (;;) {
      const id = randomUint32(this.config.random);
      if (id !== 0 && !this.messageIdUsed(id) && this.idWindows?.seen.has(id) !== true) {
        if (exchange === 'informational') this.windows().sent.add(id);
        else this.useMessageId(id);
        return id;
      }
    }
  }

  event(event: EngineEvent): EngineEffect {
    return { type: 'event', sa: this.id, remote: this.remote, event };
  }

  retransmitSchedule(): number[] {
    return this.config.retransmitMs ?? DEFAULT_RETRANSMIT_MS;
  }

  armRetransmit(effects: EngineEffect[]): void {
    this.retransmits = 0;
    const first = this.retransmitSchedule()[0];
    if (first !== undefined) this.setTimer(effects, 'retransmit', first);
  }

  setTimer(effects: EngineEffect[], id: string, ms: number): void {
    (this.timerSa ??= new Map()).set(id, this.id);
    effects.push({ type: 'set-timer', sa: this.id, id, ms });
  }

  /** Forgets a timer as run (it fired). */
  timerFired(id: string): void {
    this.forgetTimer(id);
  }

  cancelTimer(effects: EngineEffect[], id: string, sa?: string): void {
    const setWith = this.timerSa?.get(id) ?? sa;
    if (setWith === undefined) return;
    this.forgetTimer(id);
    effects.push({ type: 'cancel-timer', sa: setWith, id });
  }

  cancelAllTimers(effects: EngineEffect[]): void {
    for (const timer of [...(this.timerSa?.keys() ?? [])]) this.cancelTimer(effects, timer);
  }

  private forgetTimer(id: string): void {
    this.timerSa?.delete(id);
    if (this.timerSa?.size === 0) this.timerSa = undefined;
  }

  /**
   * Phase 1 is up. What only its own exchanges use goes with it — the DH pair, g^x both
   * ways, the nonces, SAi_b, the peer's ID_b, SKEYID — as Quick Mode and Informationals
   * need only SKEYID_d/_a, the cipher key and the IV chain: kept, it was about a third of
   * an idle SA's memory. What stays (the cookies, SKEYID_d/_a, the key, the IV) is packed
   * into one allocation; the cookies' pair is CKY-I‖CKY-R as they lie there.
   */
  establish(effects: EngineEffect[]): void {
    this.state = 'established';
    this.dh = undefined;
    this.gxi = this.gxr = this.ni = this.nr = this.saiB = this.peerIdB = NONE;
    if (this.keys) {
      const keys = this.keys;
      const [ckyI, ckyR, skeyidD, skeyidA, key, iv] = packed([this.ckyI, this.ckyR, keys.skeyidD, keys.skeyidA, keys.cipher.key, this.iv]);
      this.initiatorCookie = ckyI;
      this.responderCookie = ckyR;
      this.cookiePair = new Uint8Array(ckyI.buffer, ckyI.byteOffset, 16);
      keys.skeyid = NONE;
      keys.skeyidD = skeyidD;
      keys.skeyidA = skeyidA;
      keys.cipher.key = key;
      this.iv = iv;
    }
    effects.push(this.event({ kind: 'state', phase: 1, state: 'established' }));
  }

  /** Phase 1 gives up: state failed, timers cancelled. */
  fail(effects: EngineEffect[], detail: string, why?: Refusal): void {
    this.cancelAllTimers(effects);
    this.state = 'failed';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'failed', detail, ...(why ? { refusal: why } : {}) }));
  }
}
