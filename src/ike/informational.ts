/**
 * Informational exchanges (RFC 2409 §5.7) under an ISAKMP SA: DPD R-U-THERE and
 * R-U-THERE-ACK (RFC 3706), Delete, and error notifies. An error notify while the SA is
 * coming up is the DUT's refusal, turned into a typed Refusal: of phase 1 when it comes
 * in clear before keys exist or in answer to MM5, of the Quick Mode it names by SPI.
 */
import { cipherBlockSize } from '../crypto/cbc-cipher.js';
import { hashLength } from '../crypto/hash-algorithm.js';
import { informationalHash, informationalHashInto, phase2Iv } from '../crypto/ikev1-key-schedule.js';
import { IkeError } from '../errors.js';
import { DOI, EXCHANGE_TYPES, NOTIFY_TYPES, PROTOCOL_IDS } from '../wire/constants.js';
import { HEADER_LENGTH, payloadsLength } from '../wire/index.js';
import type { IsakmpMessage, Payload } from '../wire/types.js';
import { equalBytes, hex, hex32 } from './bytes.js';
import type { EngineEffect } from './engine-effects.js';
import { dpdSeqOf, headerOnlySummary, summarize } from './message-summary.js';
import { describeEspProposals, describeIdentification, describePhase1Proposals } from './offer-text.js';
import { hashCheckScratch, ivScratch, zeroHash } from './phase2-scratch.js';
import { afterFirstPayload, layOut, openMessage } from './protection.js';
import { describeRefusal, isErrorNotify, keyMismatch, refusal } from './refusal.js';
import { IkeRejection } from './rejection.js';
import { ANSWERS_KEPT, type Answered, type DpdTicket, type Keys, type Outcome, type SaContext } from './sa-context.js';

export function informational(sa: SaContext, msg: IsakmpMessage, bytes: Uint8Array): Outcome {
  if (!msg.flags.encryption) {
    if (sa.keys) throw new IkeError('ERR_IKE_UNENCRYPTED', 'unencrypted Informational after phase-1 keys exist');
    // Before keys exist a DUT can only tell us in clear why it gives up (NO-PROPOSAL-CHOSEN …).
    const effects: EngineEffect[] = [];
    for (const p of msg.payloads) if (p.kind === 'notify') effects.push(sa.event({ kind: 'notify-received', notifyType: p.notifyType }));
    const error = msg.payloads.find((p) => p.kind === 'notify' && isErrorNotify(p.notifyType));
    if (error?.kind === 'notify') {
      const why = refusal(error.notifyType, 1, `${describePhase1Proposals(sa.offered)}, identity ${describeIdentification(sa.localId())}`);
      sa.fail(effects, describeRefusal(why), why);
    }
    return { summary: summarize(msg, msg.payloads), effects };
  }
  if (!sa.established && sa.keys && sa.state === 'mm5-sent') return refusedMm5(sa, msg);
  const keys = sa.phase2Keys();
  if (msg.messageId === 0) throw new IkeError('ERR_IKE_MALFORMED', 'encrypted Informational with message ID 0');
  if (sa.informationalsSeen.has(msg.messageId)) {
    const seen = sa.informationals.get(msg.messageId);
    const effects: EngineEffect[] = [];
    if (seen && equalBytes(seen.request, bytes)) for (const response of seen.responses) sa.resend(effects, response, true);
    throw new IkeRejection('ERR_IKE_REPLAY', `Informational message ID ${hex32(msg.messageId)} seen before${effects.length ? '; the earlier answer was resent' : ''}`, headerOnlySummary(msg), effects);
  }
  const opened = openMessage(keys.cipher, informationalIv(sa, keys, msg.messageId), msg.nextPayload as number, msg.encrypted as Uint8Array);
  const summary = summarize(msg, opened.payloads);
  if (opened.payloads[0]?.kind !== 'hash') throw new IkeRejection('ERR_IKE_BAD_HASH', 'Informational without HASH(1) as its first payload', summary);
  if (!hashVerifies(keys, msg.messageId, opened.plaintext, opened.payloads[0].data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Informational HASH(1) does not verify', summary);
  rememberInformational(sa, msg.messageId, { request: bytes, responses: [] });
  const effects: EngineEffect[] = [];
  for (let i = 1; i < opened.payloads.length; i++) {
    const p = opened.payloads[i];
    if (p.kind === 'notify' && isErrorNotify(p.notifyType)) onErrorNotify(sa, p.notifyType, p.spi, effects);
    else if (p.kind === 'notify') onNotify(sa, p.notifyType, p.data, msg.messageId, effects);
    else if (p.kind === 'delete') onDelete(sa, p.protocolId, p.spis, effects);
  }
  return { summary, effects };
}

function onNotify(sa: SaContext, notifyType: number, data: Uint8Array, messageId: number, effects: EngineEffect[]): void {
  const seq = dpdSeqOf(data);
  if (notifyType === NOTIFY_TYPES.R_U_THERE && seq !== undefined) {
    const ticket: DpdTicket = { messageId };
    effects.push(sa.event({ kind: 'dpd-request', seq, messageId, ticket }));
    if (sa.config.autoAnswerDpd) effects.push(...answerDpd(sa, ticket, seq));
  } else if (notifyType === NOTIFY_TYPES.R_U_THERE_ACK && seq !== undefined) {
    sa.dpd.acknowledge(seq);
    effects.push(sa.event({ kind: 'dpd-ack', seq, messageId }));
  } else {
    effects.push(sa.event({ kind: 'notify-received', notifyType }));
  }
}

/**
 * An encrypted Informational in answer to MM5: a genuine error notify under our keys
 * names itself; one that does not open under them means the DUT has another PSK.
 */
function refusedMm5(sa: SaContext, msg: IsakmpMessage): Outcome {
  const keys = sa.keys as Keys;
  const offered = `PSK authentication as ${describeIdentification(sa.localId())}`;
  let why = keyMismatch(offered);
  let summary = headerOnlySummary(msg);
  try {
    const opened = openMessage(keys.cipher, informationalIv(sa, keys, msg.messageId), msg.nextPayload as number, msg.encrypted as Uint8Array);
    const hash = opened.payloads[0];
    const error = opened.payloads.find((p) => p.kind === 'notify' && isErrorNotify(p.notifyType));
    if (hash?.kind === 'hash' && hashVerifies(keys, msg.messageId, opened.plaintext, hash.data) && error?.kind === 'notify') {
      why = refusal(error.notifyType, 1, offered);
      summary = summarize(msg, opened.payloads);
    }
  } catch {
    // Garbage under our keys is the evidence itself.
  }
  const effects: EngineEffect[] = [];
  sa.fail(effects, describeRefusal(why), why);
  return { summary, effects };
}

/**
 * An error notify in a protected Informational refuses the Quick Mode it names by our
 * SPI, or else the oldest one we started and still wait for (RFC 2408 §3.14: the SPI
 * field may be empty); with none pending it is only recorded.
 */
function onErrorNotify(sa: SaContext, notifyType: number, spi: Uint8Array, effects: EngineEffect[]): void {
  effects.push(sa.event({ kind: 'notify-received', notifyType }));
  const pending = [...sa.quickModes.values()].filter((q) => q.role === 'initiator' && !q.nr);
  const qm = pending.find((q) => spi.length === 4 && equalBytes(spi, q.spi)) ?? pending[0];
  if (!qm) return;
  sa.quickModes.delete(qm.messageId);
  sa.cancelTimer(effects, `qm:${qm.messageId}`);
  const why = refusal(notifyType, 2, qm.offered ?? describeEspProposals(qm.proposals));
  effects.push(sa.event({ kind: 'state', phase: 2, state: 'failed', detail: `Quick Mode ${hex32(qm.messageId)}: ${describeRefusal(why)}`, refusal: why }));
}

function onDelete(sa: SaContext, protocolId: number, spis: Uint8Array[], effects: EngineEffect[]): void {
  effects.push(sa.event({ kind: 'delete-received', protocolId, spis: spis.map(hex) }));
  if (protocolId === PROTOCOL_IDS.ISAKMP) {
    if (!spis.some((spi) => equalBytes(spi, sa.cookies()))) return;
    dropChildren(sa, effects);
    sa.state = 'deleted';
    effects.push(sa.event({ kind: 'state', phase: 1, state: 'deleted', detail: 'Delete received' }));
    return;
  }
  // The DUT names its inbound SPIs: our outbound ones.
  const gone = sa.children.filter((c) => spis.some((spi) => equalBytes(spi, c.outboundSpi) || equalBytes(spi, c.inboundSpi)));
  for (const child of gone) {
    sa.children.splice(sa.children.indexOf(child), 1);
    effects.push(sa.event({ kind: 'state', phase: 2, state: 'deleted', detail: `Delete received for ESP SPI ${hex(child.outboundSpi)}` }));
  }
}

/** R-U-THERE-ACK with `seq` in a fresh Informational (RFC 3706 §5.3). */
export function answerDpd(sa: SaContext, ticket: DpdTicket, seq: number): EngineEffect[] {
  const effects: EngineEffect[] = [];
  const outer = sa.answering;
  sa.answering = [];
  sendInformational(sa, [sa.cookieNotify(NOTIFY_TYPES.R_U_THERE_ACK, seqBytes(seq))], effects, { answer: true });
  // Kept with the request, so an identical retransmission of it gets this ACK again.
  sa.informationals.get(ticket.messageId)?.responses.push(...sa.answering);
  sa.answering = outer;
  return effects;
}

/** R-U-THERE with the policy's next seq, or `seq` as given. */
export function sendDpd(sa: SaContext, seq?: number, options: InformationalOptions = {}): EngineEffect[] {
  sa.phase2Keys();
  const effects: EngineEffect[] = [];
  sendInformational(sa, [sa.cookieNotify(NOTIFY_TYPES.R_U_THERE, seqBytes(seq ?? sa.dpd.take()))], effects, { messageId: options.messageId });
  return effects;
}

export function deleteSa(sa: SaContext, what: 'ipsec' | 'isakmp'): EngineEffect[] {
  sa.phase2Keys();
  const effects: EngineEffect[] = [];
  if (what === 'ipsec') {
    if (sa.children.length === 0) return effects;
    sendInformational(sa, [{ kind: 'delete', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.IPSEC_ESP, spiSize: 4, spis: sa.children.map((c) => c.inboundSpi) }], effects);
    dropChildren(sa, effects);
    return effects;
  }
  sendInformational(sa, [{ kind: 'delete', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, spiSize: 16, spis: [sa.cookies()] }], effects);
  dropChildren(sa, effects);
  sa.cancelAllTimers(effects);
  sa.state = 'deleted';
  effects.push(sa.event({ kind: 'state', phase: 1, state: 'deleted', detail: 'Delete sent' }));
  return effects;
}

export interface InformationalOptions {
  /** The message ID to send under instead of a fresh one: robustness cases reuse one on purpose (a Quick Mode's, 0xffffffff). */
  messageId?: number;
}

export function sendInformational(sa: SaContext, payloads: Payload[], effects: EngineEffect[] = [], options: InformationalOptions & { answer?: boolean } = {}): EngineEffect[] {
  const keys = sa.phase2Keys();
  const answer = options.answer === true;
  const messageId = options.messageId === undefined ? sa.freshMessageId('informational') : options.messageId >>> 0;
  // The chain is written once, with HASH(1) zeroed, and HASH(1) computed over the bytes after it and filled in there.
  const hashPayload: { kind: 'hash'; data: Uint8Array } = { kind: 'hash', data: zeroHash(hashLength(keys.proposal.hash)) };
  const all: Payload[] = [hashPayload, ...payloads];
  const laidOut = layOut(keys.cipher, all);
  const afterHash = HEADER_LENGTH + payloadsLength([hashPayload]);
  const hashAt = afterHash - hashPayload.data.length;
  // Its own array, not a view of laidOut: a behaviour may keep the payloads it saw, and laidOut is encrypted in place.
  hashPayload.data = informationalHash(keys.proposal.hash, keys.skeyidA, messageId, laidOut.subarray(afterHash, HEADER_LENGTH + payloadsLength(all)));
  laidOut.set(hashPayload.data, hashAt);
  sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.INFORMATIONAL, messageId), all, informationalIv(sa, keys, messageId), undefined, answer, laidOut);
  return effects;
}

/** RFC 2409 App. B: the IV of the Informational with this M-ID, in the process's scratch (phase2-scratch.ts). */
function informationalIv(sa: SaContext, keys: Keys, messageId: number): Uint8Array {
  const bs = cipherBlockSize(keys.proposal.cipher);
  return phase2Iv(keys.proposal.hash, sa.iv, messageId, bs, ivScratch(bs));
}

/** RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D), recomputed over the bytes after the HASH payload. */
function hashVerifies(keys: Keys, messageId: number, plaintext: Uint8Array, received: Uint8Array): boolean {
  const expected = hashCheckScratch(hashLength(keys.proposal.hash));
  informationalHashInto(keys.proposal.hash, keys.skeyidA, messageId, afterFirstPayload(plaintext), expected, 0);
  return equalBytes(expected, received);
}

function dropChildren(sa: SaContext, effects: EngineEffect[]): void {
  for (const child of sa.children.splice(0)) {
    effects.push(sa.event({ kind: 'state', phase: 2, state: 'deleted', detail: `ESP SPIs in ${hex(child.inboundSpi)} out ${hex(child.outboundSpi)}` }));
  }
}

function rememberInformational(sa: SaContext, messageId: number, answered: Answered): void {
  sa.informationalsSeen.add(messageId);
  sa.informationals.set(messageId, answered);
  if (sa.informationals.size > ANSWERS_KEPT) sa.informationals.delete(sa.informationals.keys().next().value as number);
}

function seqBytes(seq: number): Uint8Array {
  return Uint8Array.of(seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff);
}
