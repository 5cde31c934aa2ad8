/**
 * One ISAKMP SA: Main Mode with a pre-shared key as initiator or responder
 * (RFC 2409 §5, §5.4), then its Informational exchanges (§5.7; DPD RFC 3706)
 * and Quick Mode exchanges (§5.5). A pure state machine: decoded messages and
 * time in, effects out. Every check that fails throws IkeError, which the
 * engine turns into a rejection; state only changes once a message has passed
 * every check.
 */
import { cipherBlockSize } from '../crypto/cbc-cipher.js';
import { createDhKeyPair, dhPublicLength, dhSharedSecret, type DhKeyPair } from '../crypto/dh-group.js';
import {
  deriveSkeyids,
  hashI,
  hashR,
  ikev1EncryptionKey,
  informationalHash,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  skeyidPreSharedKey,
} from '../crypto/ikev1-key-schedule.js';
import { IkeError, WireError } from '../errors.js';
import type { Endpoint, MessageSummary } from '../events.js';
import { DOI, EXCHANGE_TYPES, NOTIFY_TYPES, PROTOCOL_IDS } from '../wire/constants.js';
import { idPayloadFor } from '../wire/identification.js';
import { encodeMessage, encodePayloads, idPayload, saPayload } from '../wire/index.js';
import type { IdPayload, IsakmpHeader, IsakmpMessage, NoncePayload, Payload, SaPayload } from '../wire/types.js';
import { DPD_VENDOR_ID } from '../wire/vendor-ids.js';
import { equalBytes, hex, isZero, randomUint32 } from './bytes.js';
import { DpdSequence } from './dpd-sequence.js';
import { DEFAULT_RETRANSMIT_MS, type EspProposal, type IkeEngineConfig, type Phase1Proposal, type QuickModeSelector } from './engine-config.js';
import type { EngineEffect, EngineEvent, EngineHooks } from './engine-effects.js';
import { acceptedEsp, chooseEsp, espOffer } from './esp-proposal.js';
import { dpdSeqOf, headerOnlySummary, summarize } from './message-summary.js';
import { acceptedPhase1, choosePhase1, phase1Offer } from './phase1-proposal.js';
import { afterFirstPayload, openMessage, sealMessage, type CipherState, type Opened } from './protection.js';
import { IkeRejection } from './rejection.js';
import { describeRefusal, isErrorNotify, keyMismatch, refusal, type Refusal } from './refusal.js';
import { describeIdentification, describeEspProposals, describePhase1Proposals } from './offer-text.js';

type Phase1State =
  | 'mm1-sent'
  | 'mm3-sent'
  | 'mm5-sent'
  | 'mm2-sent'
  | 'mm4-sent'
  | 'am1-sent'
  | 'am2-sent'
  | 'established'
  | 'deleted'
  | 'failed';

interface Keys {
  proposal: Phase1Proposal;
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
interface Answered {
  request: Uint8Array;
  responses: Uint8Array[];
}

interface QuickModeExchange {
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
}

/** Ticket handed out with a dpd-request event and back to answerDpd(). */
export interface DpdTicket {
  messageId: number;
}

const MAX_REMEMBERED = 64;
const NONCE_LENGTH = 32;

export class IkeSa {
  readonly ckyI: Uint8Array;
  ckyR: Uint8Array = new Uint8Array(8);
  state: Phase1State;
  private saiB: Uint8Array = new Uint8Array(0);
  private offered: Phase1Proposal[] = [];
  private keys: Keys | undefined;
  private dh: DhKeyPair | undefined;
  private gxi: Uint8Array = new Uint8Array(0);
  private gxr: Uint8Array = new Uint8Array(0);
  private ni: Uint8Array = new Uint8Array(0);
  private nr: Uint8Array = new Uint8Array(0);
  private psk: Uint8Array | undefined;
  /** Aggressive Mode responder: the initiator's IDii_b from AM1, which HASH_I in AM3 covers. */
  private peerIdB: Uint8Array = new Uint8Array(0);
  /** Phase-1 CBC chain: the IV for the next MM5/MM6, then the last MM6 cipher block (the phase-2 IV seed). */
  private iv: Uint8Array = new Uint8Array(0);
  private lastSent: Uint8Array | undefined;
  private retransmits = 0;
  private lastAnswered: Answered | undefined;
  /** Informational M-IDs seen, oldest first; the answer for each, when we sent one. */
  private readonly informationals = new Map<number, Answered>();
  private readonly quickModes = new Map<number, QuickModeExchange>();
  /** Responder Quick Modes waiting for HASH(3). */
  private readonly pendingChildren = new Map<number, ChildSa>();
  /** Answers sent while handling the current inbound message. */
  private answering: Uint8Array[] = [];
  readonly children: ChildSa[] = [];
  private readonly usedMessageIds = new Set<number>();
  private readonly dpd: DpdSequence;
  /** Timers are cancelled under the SA id they were set with (the id grows CKY-R). */
  private readonly timerSa = new Map<string, string>();
  quickModeAfterPhase1 = false;
  peerAdvertisedDpd = false;

  private constructor(
    readonly role: 'initiator' | 'responder',
    private readonly config: IkeEngineConfig,
    private readonly hooks: EngineHooks,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    ckyI: Uint8Array,
  ) {
    this.ckyI = ckyI;
    this.state = role === 'initiator' ? 'mm1-sent' : 'mm2-sent';
    this.dpd = new DpdSequence(config.dpdSequence ?? { retry: 'increment' }, config.random);
  }

  get id(): string {
    return hex(this.ckyI) + hex(this.ckyR);
  }

  get established(): boolean {
    return this.state === 'established';
  }

  get finished(): boolean {
    return this.state === 'deleted' || this.state === 'failed';
  }

  // ---------------------------------------------------------------- Main Mode

  static initiate(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: IkeSa; effects: EngineEffect[] } {
    const sa = new IkeSa('initiator', config, hooks, local, remote, nonZero(config, 8));
    sa.offered = config.proposals;
    const payloads: Payload[] = [phase1Offer(config.proposals)];
    if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
    const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
    const sent = sa.sendClear(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), payloads, 1, false);
    // HASH_I/HASH_R cover the SA payload as it went out, whatever a behaviour did to it.
    sa.saiB = bodyOf(sent.payloads.find((p): p is SaPayload => p.kind === 'sa'));
    sa.lastSent = sent.bytes;
    sa.armRetransmit(effects);
    return { sa, effects };
  }

  /** A responder SA for Main Mode message 1; throws IkeError when nothing in the offer is acceptable. */
  static respond(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: IkeSa; outcome: Outcome } {
    const offer = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
    if (!offer) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 1 without an SA payload');
    const choice = choosePhase1(offer, config.proposals);
    if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no offered phase-1 transform matches a configured proposal');
    const sa = new IkeSa('responder', config, hooks, local, remote, msg.initiatorCookie.slice());
    sa.ckyR = nonZero(config, 8);
    sa.saiB = bodyOf(offer);
    sa.offered = [choice.chosen];
    sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
    const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
    const payloads: Payload[] = [choice.reply];
    if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
    sa.sendClear(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), payloads, 2, true);
    sa.lastAnswered = { request: bytes, responses: sa.answering };
    return { sa, outcome: { summary: summarize(msg, msg.payloads, 1), effects } };
  }

  /** Handles a decoded datagram addressed to this SA (cookies already matched by the engine). */
  handle(msg: IsakmpMessage, bytes: Uint8Array): Outcome {
    if (this.lastAnswered && equalBytes(this.lastAnswered.request, bytes)) {
      // A retransmitted request: answer it again, do not process it twice.
      const effects: EngineEffect[] = [];
      for (const response of this.lastAnswered.responses) this.resend(effects, response, true);
      return { summary: headerOnlySummary(msg), effects };
    }
    if (this.finished) throw new IkeError('ERR_IKE_UNKNOWN_SA', `IKE SA ${this.id} is ${this.state}`);
    if (!isZero(this.ckyR) && !equalBytes(msg.responderCookie, this.ckyR)) {
      throw new IkeError('ERR_IKE_UNKNOWN_SA', `responder cookie ${hex(msg.responderCookie)} is not this SA's (${hex(this.ckyR)})`);
    }
    this.answering = [];
    switch (msg.exchangeType) {
      case EXCHANGE_TYPES.MAIN_MODE:
      case EXCHANGE_TYPES.AGGRESSIVE_MODE:
      case EXCHANGE_TYPES.QUICK_MODE: {
        const outcome =
          msg.exchangeType === EXCHANGE_TYPES.MAIN_MODE ? this.mainMode(msg) : msg.exchangeType === EXCHANGE_TYPES.AGGRESSIVE_MODE ? this.aggressiveMode(msg) : this.quickMode(msg);
        this.lastAnswered = { request: bytes, responses: this.answering };
        return outcome;
      }
      case EXCHANGE_TYPES.INFORMATIONAL:
        return this.informational(msg, bytes);
      default:
        throw new IkeError('ERR_IKE_UNEXPECTED', `exchange type ${msg.exchangeType} is not handled`);
    }
  }

  private mainMode(msg: IsakmpMessage): Outcome {
    if (this.state === 'established' || this.state === 'am1-sent' || this.state === 'am2-sent') {
      throw new IkeError('ERR_IKE_UNEXPECTED', `Main Mode message in state ${this.state}`);
    }
    const step = { 'mm1-sent': 2, 'mm3-sent': 4, 'mm5-sent': 6, 'mm2-sent': 3, 'mm4-sent': 5 }[this.state as 'mm1-sent'];
    const encrypted = step >= 5;
    if (encrypted !== msg.flags.encryption) {
      throw new IkeError(encrypted ? 'ERR_IKE_UNENCRYPTED' : 'ERR_IKE_UNEXPECTED', `Main Mode message ${step} ${encrypted ? 'must be' : 'must not be'} encrypted`);
    }
    const effects: EngineEffect[] = [];
    switch (step) {
      case 2:
        this.onMm2(msg, effects);
        break;
      case 3:
        this.onMm3(msg, effects);
        break;
      case 4:
        this.onMm4(msg, effects);
        break;
      case 5:
        return this.onMm5(msg);
      default:
        return this.onMm6(msg);
    }
    return { summary: summarize(msg, msg.payloads, step), effects };
  }

  private onMm2(msg: IsakmpMessage, effects: EngineEffect[]): void {
    const reply = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
    if (!reply) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 2 without an SA payload');
    if (isZero(msg.responderCookie)) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 2 with a zero responder cookie');
    const chosen = acceptedPhase1(reply, this.offered);
    if (!chosen) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'the responder chose a transform that was not offered');
    const oldId = this.id;
    this.ckyR = msg.responderCookie.slice();
    this.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
    this.keys = undefined;
    this.offered = [chosen];
    this.dh = createDhKeyPair(chosen.group, this.config.random);
    this.gxi = this.dh.publicKey;
    this.ni = this.config.random.bytes(NONCE_LENGTH);
    this.cancelTimer(effects, 'retransmit', oldId);
    const sent = this.sendClear(effects, this.header(EXCHANGE_TYPES.MAIN_MODE, 0), [
      { kind: 'ke', data: this.gxi },
      { kind: 'nonce', data: this.ni },
    ], 3, true);
    this.lastSent = sent.bytes;
    this.state = 'mm3-sent';
    this.armRetransmit(effects);
  }

  private onMm3(msg: IsakmpMessage, effects: EngineEffect[]): void {
    const { ke, nonce } = keAndNonce(msg.payloads, 3);
    const chosen = this.offered[0];
    const dh = createDhKeyPair(chosen.group, this.config.random);
    const nr = this.config.random.bytes(NONCE_LENGTH);
    const keys = this.deriveKeys(chosen, dh, ke, nonce, dh.publicKey, nr);
    this.dh = dh;
    this.gxi = ke;
    this.gxr = dh.publicKey;
    this.ni = nonce;
    this.nr = nr;
    this.installKeys(keys, effects);
    this.sendClear(effects, this.header(EXCHANGE_TYPES.MAIN_MODE, 0), [
      { kind: 'ke', data: this.gxr },
      { kind: 'nonce', data: this.nr },
    ], 4, true);
    this.state = 'mm4-sent';
  }

  private onMm4(msg: IsakmpMessage, effects: EngineEffect[]): void {
    const { ke, nonce } = keAndNonce(msg.payloads, 4);
    const dh = this.dh as DhKeyPair;
    const keys = this.deriveKeys(this.offered[0], dh, dh.publicKey, this.ni, ke, nonce);
    this.gxr = ke;
    this.nr = nonce;
    this.installKeys(keys, effects);
    const id = this.localIdPayload();
    const hash = hashI(keys.proposal.hash, keys.skeyid, this.gxi, this.gxr, this.ckyI, this.ckyR, this.saiB, bodyOf(id));
    const payloads: Payload[] = [id, { kind: 'hash', data: hash }];
    if (this.config.initialContact) payloads.push(this.cookieNotify(NOTIFY_TYPES.INITIAL_CONTACT, new Uint8Array(0)));
    this.cancelTimer(effects, 'retransmit');
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.MAIN_MODE, 0), payloads, this.iv, 5, true);
    this.iv = sealed.lastBlock;
    this.lastSent = sealed.bytes;
    this.state = 'mm5-sent';
    this.armRetransmit(effects);
  }

  private onMm5(msg: IsakmpMessage): Outcome {
    const keys = this.keys as Keys;
    const opened = this.openPhase1(keys, msg);
    const summary = summarize(msg, opened.payloads, 5);
    const id = opened.payloads.find((p): p is IdPayload => p.kind === 'id');
    const hash = opened.payloads.find((p) => p.kind === 'hash');
    if (!id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 5 needs ID and HASH payloads');
    const expected = hashI(keys.proposal.hash, keys.skeyid, this.gxi, this.gxr, this.ckyI, this.ckyR, this.saiB, bodyOf(id));
    if (!equalBytes(expected, hash.data)) return this.authFailed('HASH_I', summary);
    const effects: EngineEffect[] = [];
    for (const p of opened.payloads) if (p.kind === 'notify') effects.push(this.event({ kind: 'notify-received', notifyType: p.notifyType }));
    const ownId = this.localIdPayload();
    const hashRValue = hashR(keys.proposal.hash, keys.skeyid, this.gxr, this.gxi, this.ckyR, this.ckyI, this.saiB, bodyOf(ownId));
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.MAIN_MODE, 0), [ownId, { kind: 'hash', data: hashRValue }], opened.lastBlock, 6, true);
    this.iv = sealed.lastBlock;
    this.state = 'established';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'established' }));
    return { summary, effects };
  }

  private onMm6(msg: IsakmpMessage): Outcome {
    const keys = this.keys as Keys;
    const opened = this.openPhase1(keys, msg);
    const summary = summarize(msg, opened.payloads, 6);
    const id = opened.payloads.find((p): p is IdPayload => p.kind === 'id');
    const hash = opened.payloads.find((p) => p.kind === 'hash');
    if (!id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 6 needs ID and HASH payloads');
    const expected = hashR(keys.proposal.hash, keys.skeyid, this.gxr, this.gxi, this.ckyR, this.ckyI, this.saiB, bodyOf(id));
    if (!equalBytes(expected, hash.data)) return this.authFailed('HASH_R', summary);
    const effects: EngineEffect[] = [];
    this.cancelTimer(effects, 'retransmit');
    this.iv = opened.lastBlock;
    this.state = 'established';
    this.lastSent = undefined;
    effects.push(this.event({ kind: 'state', phase: 1, state: 'established' }));
    if (this.quickModeAfterPhase1) effects.push(...this.startQuickMode());
    return { summary, effects };
  }

  /**
   * MM5/MM6 (and an encrypted AM3) under the new keys. With different pre-shared keys the plaintext is noise
   * that does not parse, so a decode failure here is an authentication failure.
   */
  private openPhase1(keys: Keys, msg: IsakmpMessage): Opened {
    try {
      return openMessage(keys.cipher, this.iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      return this.authFailed(`${msg.exchangeType === EXCHANGE_TYPES.AGGRESSIVE_MODE ? 'Aggressive Mode message 3' : `Main Mode message ${this.role === 'responder' ? 5 : 6}`} (it does not decrypt to payloads: ${err.message})`, headerOnlySummary(msg));
    }
  }

  // ----------------------------------------------------------- Aggressive Mode
  // RFC 2409 §5.4 with a pre-shared key: AM1 HDR, SA, KE, Ni, IDii; AM2 HDR, SA, KE, Nr,
  // IDir, HASH_R; AM3 HDR*, HASH_I. AM3 goes out encrypted under the phase-1 IV as
  // Libreswan sends it (ikev1_aggr.c), and its last cipher block seeds the phase-2 IVs;
  // a clear AM3 is accepted too, leaving hash(g^xi | g^xr) as the seed.

  static initiateAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: IkeSa; effects: EngineEffect[] } {
    const first = config.proposals[0];
    if (!first) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no phase-1 proposals configured');
    const sa = new IkeSa('initiator', config, hooks, local, remote, nonZero(config, 8));
    // AM1 carries one KE, so every transform offered must use its group.
    sa.offered = config.proposals.filter((p) => p.group === first.group);
    sa.dh = createDhKeyPair(first.group, config.random);
    sa.gxi = sa.dh.publicKey;
    sa.ni = config.random.bytes(NONCE_LENGTH);
    sa.state = 'am1-sent';
    const payloads: Payload[] = [phase1Offer(sa.offered), { kind: 'ke', data: sa.gxi }, { kind: 'nonce', data: sa.ni }, sa.localIdPayload()];
    if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
    const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
    const sent = sa.sendClear(effects, sa.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), payloads, 1, false);
    sa.saiB = bodyOf(sent.payloads.find((p): p is SaPayload => p.kind === 'sa'));
    sa.lastSent = sent.bytes;
    sa.armRetransmit(effects);
    return { sa, effects };
  }

  /** A responder SA for Aggressive Mode message 1; throws IkeError when it cannot be answered. */
  static respondAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: IkeSa; outcome: Outcome } {
    const offer = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
    const id = msg.payloads.find((p): p is IdPayload => p.kind === 'id');
    if (!offer || !id) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 1 needs SA, KE, Nonce and ID payloads');
    const { ke, nonce } = keAndNonce(msg.payloads, 1);
    // The KE fixes the group: strongSwan offers transforms of several groups and sends the first one's KE.
    const usable = config.proposals.filter((p) => dhPublicLength(p.group) === ke.length);
    const choice = choosePhase1(offer, usable);
    if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', `no offered phase-1 transform in the KE's group (${ke.length}-byte KE) matches a configured proposal`);
    const sa = new IkeSa('responder', config, hooks, local, remote, msg.initiatorCookie.slice());
    sa.ckyR = nonZero(config, 8);
    sa.saiB = bodyOf(offer);
    sa.offered = [choice.chosen];
    sa.peerIdB = bodyOf(id);
    sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
    const dh = createDhKeyPair(choice.chosen.group, config.random);
    const nr = config.random.bytes(NONCE_LENGTH);
    const keys = sa.deriveKeys(choice.chosen, dh, ke, nonce, dh.publicKey, nr);
    sa.dh = dh;
    sa.gxi = ke;
    sa.gxr = dh.publicKey;
    sa.ni = nonce;
    sa.nr = nr;
    const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
    sa.installKeys(keys, effects);
    const ownId = sa.localIdPayload();
    const hash = hashR(keys.proposal.hash, keys.skeyid, sa.gxr, sa.gxi, sa.ckyR, sa.ckyI, sa.saiB, bodyOf(ownId));
    const payloads: Payload[] = [choice.reply, { kind: 'ke', data: sa.gxr }, { kind: 'nonce', data: nr }, ownId, { kind: 'hash', data: hash }];
    if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
    sa.sendClear(effects, sa.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), payloads, 2, true);
    sa.lastAnswered = { request: bytes, responses: sa.answering };
    sa.state = 'am2-sent';
    return { sa, outcome: { summary: summarize(msg, msg.payloads, 1), effects } };
  }

  private aggressiveMode(msg: IsakmpMessage): Outcome {
    if (this.state === 'am1-sent') {
      if (msg.flags.encryption) throw new IkeError('ERR_IKE_UNEXPECTED', 'Aggressive Mode message 2 must not be encrypted');
      return this.onAm2(msg);
    }
    if (this.state === 'am2-sent') return this.onAm3(msg);
    throw new IkeError('ERR_IKE_UNEXPECTED', `Aggressive Mode message in state ${this.state}`);
  }

  private onAm2(msg: IsakmpMessage): Outcome {
    const reply = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
    const id = msg.payloads.find((p): p is IdPayload => p.kind === 'id');
    const hash = msg.payloads.find((p) => p.kind === 'hash');
    if (!reply || !id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 2 needs SA, KE, Nonce, ID and HASH payloads');
    if (isZero(msg.responderCookie)) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 2 with a zero responder cookie');
    const { ke, nonce } = keAndNonce(msg.payloads, 2);
    const chosen = acceptedPhase1(reply, this.offered);
    if (!chosen) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'the responder chose a transform that was not offered');
    const summary = summarize(msg, msg.payloads, 2);
    const oldId = this.id;
    this.ckyR = msg.responderCookie.slice();
    const dh = this.dh as DhKeyPair;
    const keys = this.deriveKeys(chosen, dh, this.gxi, this.ni, ke, nonce);
    const expected = hashR(chosen.hash, keys.skeyid, ke, this.gxi, this.ckyR, this.ckyI, this.saiB, bodyOf(id));
    const effects: EngineEffect[] = [];
    this.cancelTimer(effects, 'retransmit', oldId);
    if (!equalBytes(expected, hash.data)) {
      this.fail(effects, 'HASH_R does not verify');
      throw new IkeRejection('ERR_IKE_AUTH_FAILED', 'HASH_R does not verify (pre-shared keys differ?)', summary, effects);
    }
    this.gxr = ke;
    this.nr = nonce;
    this.offered = [chosen];
    this.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
    this.installKeys(keys, effects);
    const hashIValue = hashI(chosen.hash, keys.skeyid, this.gxi, this.gxr, this.ckyI, this.ckyR, this.saiB, bodyOf(this.localIdPayload()));
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), [{ kind: 'hash', data: hashIValue }], this.iv, 3, true);
    this.iv = sealed.lastBlock;
    this.lastSent = undefined;
    this.state = 'established';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'established' }));
    if (this.quickModeAfterPhase1) effects.push(...this.startQuickMode());
    return { summary, effects };
  }

  private onAm3(msg: IsakmpMessage): Outcome {
    const keys = this.keys as Keys;
    let payloads = msg.payloads;
    if (msg.flags.encryption) {
      const opened = this.openPhase1(keys, msg);
      payloads = opened.payloads;
      this.iv = opened.lastBlock;
    }
    const summary = summarize(msg, payloads, 3);
    const hash = payloads.find((p) => p.kind === 'hash');
    if (!hash) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 3 needs a HASH payload');
    const expected = hashI(keys.proposal.hash, keys.skeyid, this.gxi, this.gxr, this.ckyI, this.ckyR, this.saiB, this.peerIdB);
    if (!equalBytes(expected, hash.data)) return this.authFailed('HASH_I', summary);
    const effects: EngineEffect[] = [];
    for (const p of payloads) if (p.kind === 'notify') effects.push(this.event({ kind: 'notify-received', notifyType: p.notifyType }));
    this.state = 'established';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'established' }));
    return { summary, effects };
  }

  private authFailed(what: string, summary: MessageSummary): never {
    const effects: EngineEffect[] = [];
    this.fail(effects, `${what} does not verify`);
    throw new IkeRejection('ERR_IKE_AUTH_FAILED', `${what} does not verify (pre-shared keys differ?)`, summary, effects);
  }

  private deriveKeys(proposal: Phase1Proposal, dh: DhKeyPair, gxi: Uint8Array, ni: Uint8Array, gxr: Uint8Array, nr: Uint8Array): Keys {
    const psk = this.config.psk(this.remote);
    if (!psk) throw new IkeError('ERR_IKE_AUTH_FAILED', `no pre-shared key for ${this.remote.address}`);
    const peerPublic = this.role === 'initiator' ? gxr : gxi;
    const gxy = dhSharedSecret(dh, peerPublic);
    const skeyid = skeyidPreSharedKey(proposal.hash, psk, ni, nr);
    const { skeyidD, skeyidA, skeyidE } = deriveSkeyids(proposal.hash, skeyid, gxy, this.ckyI, this.ckyR);
    const key = ikev1EncryptionKey(proposal.hash, skeyidE, proposal.keyLength);
    this.iv = phase1Iv(proposal.hash, gxi, gxr, cipherBlockSize(proposal.cipher));
    return { proposal, skeyid, skeyidD, skeyidA, cipher: { cipher: proposal.cipher, key } };
  }

  private installKeys(keys: Keys, effects: EngineEffect[]): void {
    this.keys = keys;
    effects.push(this.event({ kind: 'sa-keys', initiatorCookie: hex(this.ckyI), encryptionKey: hex(keys.cipher.key) }));
  }

  private localIdPayload(): IdPayload {
    return idPayloadFor(this.config.localId ?? { type: 'ipv4-addr', address: this.local.address });
  }

  // ------------------------------------------------------------ Informational

  private phase2Keys(): Keys {
    if (!this.established || !this.keys) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${this.id} is not established (${this.state})`);
    return this.keys;
  }

  private informational(msg: IsakmpMessage, bytes: Uint8Array): Outcome {
    if (!msg.flags.encryption) {
      if (this.keys) throw new IkeError('ERR_IKE_UNENCRYPTED', 'unencrypted Informational after phase-1 keys exist');
      // Before keys exist a DUT can only tell us in clear why it gives up (NO-PROPOSAL-CHOSEN …).
      const effects: EngineEffect[] = [];
      for (const p of msg.payloads) if (p.kind === 'notify') effects.push(this.event({ kind: 'notify-received', notifyType: p.notifyType }));
      const error = msg.payloads.find((p) => p.kind === 'notify' && isErrorNotify(p.notifyType));
      if (error?.kind === 'notify') {
        const why = refusal(error.notifyType, 1, `${describePhase1Proposals(this.offered)}, identity ${describeIdentification(this.config.localId ?? { type: 'ipv4-addr', address: this.local.address })}`);
        this.fail(effects, describeRefusal(why), why);
      }
      return { summary: summarize(msg, msg.payloads), effects };
    }
    if (!this.established && this.keys && this.state === 'mm5-sent') return this.refusedMm5(msg);
    const keys = this.phase2Keys();
    if (msg.messageId === 0) throw new IkeError('ERR_IKE_MALFORMED', 'encrypted Informational with message ID 0');
    const seen = this.informationals.get(msg.messageId);
    if (seen) {
      const effects: EngineEffect[] = [];
      if (equalBytes(seen.request, bytes)) for (const response of seen.responses) this.resend(effects, response, true);
      throw new IkeRejection('ERR_IKE_REPLAY', `Informational message ID ${hex32(msg.messageId)} seen before${effects.length ? '; the earlier answer was resent' : ''}`, headerOnlySummary(msg), effects);
    }
    const iv = phase2Iv(keys.proposal.hash, this.iv, msg.messageId, cipherBlockSize(keys.proposal.cipher));
    const opened = openMessage(keys.cipher, iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
    const summary = summarize(msg, opened.payloads);
    if (opened.payloads[0]?.kind !== 'hash') throw new IkeRejection('ERR_IKE_BAD_HASH', 'Informational without HASH(1) as its first payload', summary);
    const expected = informationalHash(keys.proposal.hash, keys.skeyidA, msg.messageId, afterFirstPayload(opened.plaintext));
    if (!equalBytes(expected, opened.payloads[0].data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Informational HASH(1) does not verify', summary);
    this.rememberInformational(msg.messageId, { request: bytes, responses: [] });
    const effects: EngineEffect[] = [];
    for (const p of opened.payloads.slice(1)) {
      if (p.kind === 'notify' && isErrorNotify(p.notifyType)) this.onErrorNotify(p.notifyType, p.spi, effects);
      else if (p.kind === 'notify') this.onNotify(p.notifyType, p.data, msg.messageId, effects);
      else if (p.kind === 'delete') this.onDelete(p.protocolId, p.spis, effects);
    }
    return { summary, effects };
  }

  private onNotify(notifyType: number, data: Uint8Array, messageId: number, effects: EngineEffect[]): void {
    const seq = dpdSeqOf(data);
    if (notifyType === NOTIFY_TYPES.R_U_THERE && seq !== undefined) {
      const ticket: DpdTicket = { messageId };
      effects.push(this.event({ kind: 'dpd-request', seq, messageId, ticket }));
      if (this.config.autoAnswerDpd) effects.push(...this.answerDpd(ticket, seq));
    } else if (notifyType === NOTIFY_TYPES.R_U_THERE_ACK && seq !== undefined) {
      this.dpd.acknowledge(seq);
      effects.push(this.event({ kind: 'dpd-ack', seq, messageId }));
    } else {
      effects.push(this.event({ kind: 'notify-received', notifyType }));
    }
  }

  /**
   * An encrypted Informational in answer to MM5: a genuine error notify under our keys
   * names itself; one that does not open under them means the DUT has another PSK.
   */
  private refusedMm5(msg: IsakmpMessage): Outcome {
    const keys = this.keys as Keys;
    const offered = `PSK authentication as ${describeIdentification(this.config.localId ?? { type: 'ipv4-addr', address: this.local.address })}`;
    let why = keyMismatch(offered);
    let summary = headerOnlySummary(msg);
    try {
      const iv = phase2Iv(keys.proposal.hash, this.iv, msg.messageId, cipherBlockSize(keys.proposal.cipher));
      const opened = openMessage(keys.cipher, iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
      const hash = opened.payloads[0];
      const expected = informationalHash(keys.proposal.hash, keys.skeyidA, msg.messageId, afterFirstPayload(opened.plaintext));
      const error = opened.payloads.find((p) => p.kind === 'notify' && isErrorNotify(p.notifyType));
      if (hash?.kind === 'hash' && equalBytes(expected, hash.data) && error?.kind === 'notify') {
        why = refusal(error.notifyType, 1, offered);
        summary = summarize(msg, opened.payloads);
      }
    } catch {
      // Garbage under our keys is the evidence itself.
    }
    const effects: EngineEffect[] = [];
    this.fail(effects, describeRefusal(why), why);
    return { summary, effects };
  }

  /**
   * An error notify in a protected Informational refuses the Quick Mode it names by our
   * SPI, or else the oldest one we started and still wait for (RFC 2408 §3.14: the SPI
   * field may be empty); with none pending it is only recorded.
   */
  private onErrorNotify(notifyType: number, spi: Uint8Array, effects: EngineEffect[]): void {
    effects.push(this.event({ kind: 'notify-received', notifyType }));
    const pending = [...this.quickModes.values()].filter((q) => q.role === 'initiator' && !q.nr);
    const qm = pending.find((q) => spi.length === 4 && equalBytes(spi, q.spi)) ?? pending[0];
    if (!qm) return;
    this.quickModes.delete(qm.messageId);
    this.cancelTimer(effects, `qm:${qm.messageId}`);
    const why = refusal(notifyType, 2, qm.offered ?? describeEspProposals(qm.proposals));
    effects.push(this.event({ kind: 'state', phase: 2, state: 'failed', detail: `Quick Mode ${hex32(qm.messageId)}: ${describeRefusal(why)}`, refusal: why }));
  }

  private onDelete(protocolId: number, spis: Uint8Array[], effects: EngineEffect[]): void {
    effects.push(this.event({ kind: 'delete-received', protocolId, spis: spis.map(hex) }));
    if (protocolId === PROTOCOL_IDS.ISAKMP) {
      if (!spis.some((spi) => equalBytes(spi, this.cookies()))) return;
      this.dropChildren(effects);
      this.state = 'deleted';
      effects.push(this.event({ kind: 'state', phase: 1, state: 'deleted', detail: 'Delete received' }));
      return;
    }
    // The DUT names its inbound SPIs: our outbound ones.
    const gone = this.children.filter((c) => spis.some((spi) => equalBytes(spi, c.outboundSpi) || equalBytes(spi, c.inboundSpi)));
    for (const child of gone) {
      this.children.splice(this.children.indexOf(child), 1);
      effects.push(this.event({ kind: 'state', phase: 2, state: 'deleted', detail: `Delete received for ESP SPI ${hex(child.outboundSpi)}` }));
    }
  }

  /** R-U-THERE-ACK with `seq` in a fresh Informational (RFC 3706 §5.3). */
  answerDpd(ticket: DpdTicket, seq: number): EngineEffect[] {
    const effects: EngineEffect[] = [];
    const outer = this.answering;
    this.answering = [];
    this.sendInformational([this.cookieNotify(NOTIFY_TYPES.R_U_THERE_ACK, seqBytes(seq))], effects, true);
    // Kept with the request, so an identical retransmission of it gets this ACK again.
    this.informationals.get(ticket.messageId)?.responses.push(...this.answering);
    this.answering = outer;
    return effects;
  }

  /** R-U-THERE with the policy's next seq, or `seq` as given. */
  sendDpd(seq?: number): EngineEffect[] {
    this.phase2Keys();
    const effects: EngineEffect[] = [];
    this.sendInformational([this.cookieNotify(NOTIFY_TYPES.R_U_THERE, seqBytes(seq ?? this.dpd.take()))], effects, false);
    return effects;
  }

  deleteSa(what: 'ipsec' | 'isakmp'): EngineEffect[] {
    this.phase2Keys();
    const effects: EngineEffect[] = [];
    if (what === 'ipsec') {
      if (this.children.length === 0) return effects;
      this.sendInformational([{ kind: 'delete', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.IPSEC_ESP, spiSize: 4, spis: this.children.map((c) => c.inboundSpi) }], effects, false);
      this.dropChildren(effects);
      return effects;
    }
    this.sendInformational([{ kind: 'delete', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, spiSize: 16, spis: [this.cookies()] }], effects, false);
    this.dropChildren(effects);
    for (const timer of [...this.timerSa.keys()]) this.cancelTimer(effects, timer);
    this.state = 'deleted';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'deleted', detail: 'Delete sent' }));
    return effects;
  }

  sendInformational(payloads: Payload[], effects: EngineEffect[] = [], answer = false): EngineEffect[] {
    const keys = this.phase2Keys();
    const messageId = this.freshMessageId();
    const hash = informationalHash(keys.proposal.hash, keys.skeyidA, messageId, encodePayloads(payloads));
    const iv = phase2Iv(keys.proposal.hash, this.iv, messageId, cipherBlockSize(keys.proposal.cipher));
    this.sendSealed(effects, this.header(EXCHANGE_TYPES.INFORMATIONAL, messageId), [{ kind: 'hash', data: hash }, ...payloads], iv, undefined, answer);
    return effects;
  }

  /** A notify about this ISAKMP SA: protocol 1, SPI = CKY-I‖CKY-R in phase-1 role order (RFC 3706 §5.3). */
  private cookieNotify(notifyType: number, data: Uint8Array): Payload {
    return { kind: 'notify', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, notifyType, spi: this.cookies(), data };
  }

  // --------------------------------------------------------------- Quick Mode

  /** One Quick Mode per configured selector pair (one without IDs when there is none). */
  startQuickMode(): EngineEffect[] {
    const selectors = this.config.trafficSelectors ?? [];
    if (selectors.length === 0) return this.startOneQuickMode(undefined);
    return selectors.flatMap((ts) => this.startOneQuickMode(ts));
  }

  private startOneQuickMode(ts: QuickModeSelector | undefined): EngineEffect[] {
    const keys = this.phase2Keys();
    const messageId = this.freshMessageId();
    const proposals = this.config.espProposals;
    const pfsGroup = proposals[0]?.pfsGroup;
    if (!proposals.length) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no ESP proposals configured');
    const qm: QuickModeExchange = {
      role: 'initiator',
      messageId,
      iv: phase2Iv(keys.proposal.hash, this.iv, messageId, cipherBlockSize(keys.proposal.cipher)),
      spi: this.freshSpi(),
      ni: this.config.random.bytes(NONCE_LENGTH),
      ...(pfsGroup === undefined ? {} : { dh: createDhKeyPair(pfsGroup, this.config.random) }),
      proposals,
      lastSent: new Uint8Array(0),
      retransmits: 0,
    };
    const rest: Payload[] = [espOffer(proposals, qm.spi), { kind: 'nonce', data: qm.ni }];
    if (qm.dh) rest.push({ kind: 'ke', data: qm.dh.publicKey });
    if (ts) rest.push(idPayloadFor(ts.local, ts.protocol, ts.port), idPayloadFor(ts.remote, ts.protocol, ts.port));
    qm.offered = `${describeEspProposals(proposals)}${pfsGroup === undefined ? '' : ` with PFS group ${pfsGroup}`}, ${
      ts ? `traffic selectors ${describeIdentification(ts.local)} <-> ${describeIdentification(ts.remote)}${ts.protocol ? ` protocol ${ts.protocol}` : ''}${ts.port ? ` port ${ts.port}` : ''}` : 'no IDs (host-to-host)'
    }`;
    const hash = quickModeHash1(keys.proposal.hash, keys.skeyidA, messageId, encodePayloads(rest));
    const effects: EngineEffect[] = [];
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.QUICK_MODE, messageId), [{ kind: 'hash', data: hash }, ...rest], qm.iv, 1, false);
    qm.iv = sealed.lastBlock;
    qm.lastSent = sealed.bytes;
    this.quickModes.set(messageId, qm);
    this.setTimer(effects, `qm:${messageId}`, this.retransmitSchedule()[0]);
    return effects;
  }

  private quickMode(msg: IsakmpMessage): Outcome {
    if (!msg.flags.encryption) throw new IkeError('ERR_IKE_UNENCRYPTED', 'unencrypted Quick Mode message');
    const keys = this.phase2Keys();
    const qm = this.quickModes.get(msg.messageId);
    if (!qm) {
      if (this.usedMessageIds.has(msg.messageId)) throw new IkeRejection('ERR_IKE_REPLAY', `Quick Mode message ID ${hex32(msg.messageId)} already used`, headerOnlySummary(msg));
      return this.onQm1(msg, keys);
    }
    const opened = openMessage(keys.cipher, qm.iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
    if (opened.payloads[0]?.kind !== 'hash') throw new IkeError('ERR_IKE_BAD_HASH', 'Quick Mode message without HASH as its first payload');
    return qm.role === 'initiator' ? this.onQm2(msg, keys, qm, opened) : this.onQm3(msg, keys, qm, opened);
  }

  private onQm1(msg: IsakmpMessage, keys: Keys): Outcome {
    const messageId = msg.messageId;
    const iv = phase2Iv(keys.proposal.hash, this.iv, messageId, cipherBlockSize(keys.proposal.cipher));
    const opened = openMessage(keys.cipher, iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
    const summary = summarize(msg, opened.payloads, 1);
    const [first, ...rest] = opened.payloads;
    if (first?.kind !== 'hash') throw new IkeError('ERR_IKE_BAD_HASH', 'Quick Mode message 1 without HASH(1) first');
    const expected = quickModeHash1(keys.proposal.hash, keys.skeyidA, messageId, afterFirstPayload(opened.plaintext));
    if (!equalBytes(expected, first.data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Quick Mode HASH(1) does not verify', summary);
    const offer = rest.find((p): p is SaPayload => p.kind === 'sa');
    const nonce = rest.find((p): p is NoncePayload => p.kind === 'nonce');
    if (!offer || !nonce) throw new IkeError('ERR_IKE_MALFORMED', 'Quick Mode message 1 needs SA and Nonce payloads');
    const spi = this.freshSpi();
    const choice = chooseEsp(offer, this.config.espProposals, spi);
    if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no offered ESP transform matches a configured ESP proposal');
    const ke = rest.find((p) => p.kind === 'ke');
    if ((choice.chosen.pfsGroup !== undefined) !== (ke !== undefined)) throw new IkeError('ERR_IKE_MALFORMED', 'KE payload and PFS group disagree');
    const dh = choice.chosen.pfsGroup === undefined ? undefined : createDhKeyPair(choice.chosen.pfsGroup, this.config.random);
    if (dh && ke?.kind === 'ke') dhSharedSecret(dh, ke.data);
    const nr = this.config.random.bytes(NONCE_LENGTH);
    const ids = rest.filter((p): p is IdPayload => p.kind === 'id');
    const reply: Payload[] = [choice.reply, { kind: 'nonce', data: nr }];
    if (dh) reply.push({ kind: 'ke', data: dh.publicKey });
    reply.push(...ids.map(({ idType, protocolId, port, data }): IdPayload => ({ kind: 'id', idType, protocolId, port, data })));
    const hash = quickModeHash2(keys.proposal.hash, keys.skeyidA, messageId, nonce.data, encodePayloads(reply));
    const effects: EngineEffect[] = [];
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.QUICK_MODE, messageId), [{ kind: 'hash', data: hash }, ...reply], opened.lastBlock, 2, true);
    this.usedMessageIds.add(messageId);
    this.quickModes.set(messageId, {
      role: 'responder',
      messageId,
      iv: sealed.lastBlock,
      spi,
      ni: nonce.data,
      nr,
      proposals: [choice.chosen],
      lastSent: sealed.bytes,
      retransmits: 0,
      ...(dh ? { dh } : {}),
    });
    this.pendingChildren.set(messageId, { messageId, inboundSpi: spi, outboundSpi: choice.peerSpi, proposal: choice.chosen });
    return { summary, effects };
  }

  private onQm2(msg: IsakmpMessage, keys: Keys, qm: QuickModeExchange, opened: Opened): Outcome {
    const summary = summarize(msg, opened.payloads, 2);
    if (qm.nr) throw new IkeError('ERR_IKE_UNEXPECTED', 'Quick Mode message 2 for an exchange that already completed');
    const [first, ...rest] = opened.payloads;
    const expected = quickModeHash2(keys.proposal.hash, keys.skeyidA, qm.messageId, qm.ni, afterFirstPayload(opened.plaintext));
    if (!equalBytes(expected, first.kind === 'hash' ? first.data : new Uint8Array(0))) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Quick Mode HASH(2) does not verify', summary);
    const reply = rest.find((p): p is SaPayload => p.kind === 'sa');
    const nonce = rest.find((p): p is NoncePayload => p.kind === 'nonce');
    if (!reply || !nonce) throw new IkeError('ERR_IKE_MALFORMED', 'Quick Mode message 2 needs SA and Nonce payloads');
    const choice = acceptedEsp(reply, qm.proposals);
    if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'the responder chose an ESP transform that was not offered');
    const ke = rest.find((p) => p.kind === 'ke');
    if (qm.dh) {
      if (ke?.kind !== 'ke') throw new IkeError('ERR_IKE_MALFORMED', 'Quick Mode message 2 without KE although PFS was offered');
      dhSharedSecret(qm.dh, ke.data);
    }
    const hash3 = quickModeHash3(keys.proposal.hash, keys.skeyidA, qm.messageId, qm.ni, nonce.data);
    const effects: EngineEffect[] = [];
    this.cancelTimer(effects, `qm:${qm.messageId}`);
    const sealed = this.sendSealed(effects, this.header(EXCHANGE_TYPES.QUICK_MODE, qm.messageId), [{ kind: 'hash', data: hash3 }], opened.lastBlock, 3, true);
    qm.nr = nonce.data;
    qm.iv = sealed.lastBlock;
    this.addChild({ messageId: qm.messageId, inboundSpi: qm.spi, outboundSpi: choice.peerSpi, proposal: choice.chosen }, effects);
    this.usedMessageIds.add(qm.messageId);
    this.quickModes.delete(qm.messageId);
    return { summary, effects };
  }

  private onQm3(msg: IsakmpMessage, keys: Keys, qm: QuickModeExchange, opened: Opened): Outcome {
    const summary = summarize(msg, opened.payloads, 3);
    const first = opened.payloads[0];
    const expected = quickModeHash3(keys.proposal.hash, keys.skeyidA, qm.messageId, qm.ni, qm.nr as Uint8Array);
    if (first.kind !== 'hash' || !equalBytes(expected, first.data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Quick Mode HASH(3) does not verify', summary);
    const effects: EngineEffect[] = [];
    const child = this.pendingChildren.get(qm.messageId) as ChildSa;
    this.pendingChildren.delete(qm.messageId);
    this.quickModes.delete(qm.messageId);
    this.addChild(child, effects);
    return { summary, effects };
  }

  private addChild(child: ChildSa, effects: EngineEffect[]): void {
    this.children.push(child);
    effects.push(this.event({ kind: 'state', phase: 2, state: 'established', detail: `ESP SPIs in ${hex(child.inboundSpi)} out ${hex(child.outboundSpi)}` }));
  }

  private dropChildren(effects: EngineEffect[]): void {
    for (const child of this.children.splice(0)) {
      effects.push(this.event({ kind: 'state', phase: 2, state: 'deleted', detail: `ESP SPIs in ${hex(child.inboundSpi)} out ${hex(child.outboundSpi)}` }));
    }
  }

  // ----------------------------------------------------------- Retransmission

  private retransmitSchedule(): number[] {
    return this.config.retransmitMs ?? DEFAULT_RETRANSMIT_MS;
  }

  private armRetransmit(effects: EngineEffect[]): void {
    this.retransmits = 0;
    const first = this.retransmitSchedule()[0];
    if (first !== undefined) this.setTimer(effects, 'retransmit', first);
  }

  timer(id: string): EngineEffect[] {
    const effects: EngineEffect[] = [];
    this.timerSa.delete(id);
    const schedule = this.retransmitSchedule();
    if (id === 'retransmit') {
      if (!this.lastSent || this.finished || this.established) return effects;
      if (this.retransmits >= schedule.length) {
        this.fail(effects, `no answer after ${schedule.length} retransmission(s)`);
        return effects;
      }
      this.resend(effects, this.lastSent, false);
      this.retransmits += 1;
      const next = schedule[this.retransmits];
      // After the last retransmission, wait as long again before giving up.
      this.setTimer(effects, 'retransmit', next ?? schedule[schedule.length - 1]);
      return effects;
    }
    const qm = id.startsWith('qm:') ? this.quickModes.get(Number(id.slice(3))) : undefined;
    if (!qm || qm.role !== 'initiator' || this.finished) return effects;
    if (qm.retransmits >= schedule.length) {
      this.quickModes.delete(qm.messageId);
      effects.push(this.event({ kind: 'state', phase: 2, state: 'failed', detail: `Quick Mode ${hex32(qm.messageId)}: no answer` }));
      return effects;
    }
    this.resend(effects, qm.lastSent, false);
    qm.retransmits += 1;
    this.setTimer(effects, id, schedule[qm.retransmits] ?? schedule[schedule.length - 1]);
    return effects;
  }

  /** Phase 1 gives up: state failed, timers cancelled. */
  fail(effects: EngineEffect[], detail: string, why?: Refusal): void {
    for (const timer of [...this.timerSa.keys()]) this.cancelTimer(effects, timer);
    this.state = 'failed';
    effects.push(this.event({ kind: 'state', phase: 1, state: 'failed', detail, ...(why ? { refusal: why } : {}) }));
  }

  failedEvent(detail: string): EngineEffect[] {
    const effects: EngineEffect[] = [];
    this.fail(effects, detail);
    return effects;
  }

  // ------------------------------------------------------------------ Helpers

  private header(exchangeType: number, messageId: number): IsakmpHeader {
    return {
      initiatorCookie: this.ckyI,
      responderCookie: this.ckyR,
      exchangeType,
      flags: { encryption: false, commit: false, authOnly: false },
      messageId,
    };
  }

  private cookies(): Uint8Array {
    const spi = new Uint8Array(16);
    spi.set(this.ckyI, 0);
    spi.set(this.ckyR, 8);
    return spi;
  }

  private sendClear(effects: EngineEffect[], header: IsakmpHeader, payloads: Payload[], step: number, answer: boolean): { bytes: Uint8Array; payloads: Payload[] } {
    const summary = summarize(header, payloads, step);
    const message = this.hooks.mutate(this.id, summary, { header, payloads });
    const bytes = encodeMessage({ ...message.header, payloads: message.payloads });
    this.pushSend(effects, bytes, summary, answer);
    return { bytes, payloads: message.payloads };
  }

  private sendSealed(effects: EngineEffect[], header: IsakmpHeader, payloads: Payload[], iv: Uint8Array, step: number | undefined, answer: boolean): { bytes: Uint8Array; lastBlock: Uint8Array } {
    const keys = this.keys as Keys;
    const summary = summarize(header, payloads, step);
    const message = this.hooks.mutate(this.id, summary, { header, payloads });
    const sealed = sealMessage(keys.cipher, iv, message.header, message.payloads);
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
  private resend(effects: EngineEffect[], bytes: Uint8Array, answer: boolean): void {
    const h = { exchangeType: bytes[18], messageId: new DataView(bytes.buffer, bytes.byteOffset + 20, 4).getUint32(0) };
    effects.push({ type: 'send', datagram: { sa: this.id, from: this.local, to: this.remote, bytes, summary: headerOnlySummary(h), answer } });
  }

  private rememberInformational(messageId: number, answered: Answered): void {
    this.informationals.set(messageId, answered);
    if (this.informationals.size > MAX_REMEMBERED) this.informationals.delete(this.informationals.keys().next().value as number);
  }

  private freshMessageId(): number {
    for (;;) {
      const id = randomUint32(this.config.random.bytes(4));
      if (id !== 0 && !this.usedMessageIds.has(id) && !this.informationals.has(id)) {
        this.usedMessageIds.add(id);
        return id;
      }
    }
  }

  /** SPIs 1–255 are reserved by IANA (RFC 4303 §2.1). */
  private freshSpi(): Uint8Array {
    for (;;) {
      const spi = this.config.random.bytes(4);
      if (spi[0] | spi[1] | spi[2]) return spi;
    }
  }

  event(event: EngineEvent): EngineEffect {
    return { type: 'event', sa: this.id, remote: this.remote, event };
  }

  private setTimer(effects: EngineEffect[], id: string, ms: number): void {
    this.timerSa.set(id, this.id);
    effects.push({ type: 'set-timer', sa: this.id, id, ms });
  }

  private cancelTimer(effects: EngineEffect[], id: string, sa?: string): void {
    const setWith = this.timerSa.get(id) ?? sa;
    if (setWith === undefined) return;
    this.timerSa.delete(id);
    effects.push({ type: 'cancel-timer', sa: setWith, id });
  }
}

function nonZero(config: IkeEngineConfig, n: number): Uint8Array {
  for (;;) {
    const b = config.random.bytes(n);
    if (!isZero(b)) return b;
  }
}

/** A payload's body without its 4-byte generic header: the "_b" of RFC 2409 §5. */
function bodyOf(p: SaPayload | IdPayload | undefined): Uint8Array {
  if (!p) return new Uint8Array(0);
  const bytes = p.kind === 'sa' ? saPayload.encode(p) : idPayload.encode(p);
  return bytes.subarray(4);
}

function keAndNonce(payloads: Payload[], step: number): { ke: Uint8Array; nonce: Uint8Array } {
  const ke = payloads.find((p) => p.kind === 'ke');
  const nonce = payloads.find((p) => p.kind === 'nonce');
  if (ke?.kind !== 'ke' || nonce?.kind !== 'nonce') throw new IkeError('ERR_IKE_MALFORMED', `Main Mode message ${step} needs KE and Nonce payloads`);
  if (nonce.data.length < 8 || nonce.data.length > 256) throw new IkeError('ERR_IKE_MALFORMED', `nonce of ${nonce.data.length} bytes (RFC 2409 §5: 8 to 256)`);
  return { ke: ke.data, nonce: nonce.data };
}

function hasDpdVendorId(payloads: Payload[]): boolean {
  return payloads.some((p) => p.kind === 'vendor-id' && equalBytes(p.data, DPD_VENDOR_ID));
}

function seqBytes(seq: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, seq >>> 0);
  return out;
}

const hex32 = (n: number): string => n.toString(16).padStart(8, '0');

