/**
 * Main Mode with a pre-shared key, as initiator or responder (RFC 2409 §5, §5.4):
 * MM1/MM2 agree on a proposal, MM3/MM4 exchange KE and nonces, MM5/MM6 carry the
 * encrypted IDs and HASH_I/HASH_R. A HASH that does not verify, or an MM5/MM6 that
 * does not decrypt to payloads, fails phase 1 as an authentication failure.
 */
import { createDhKeyPair, type DhKeyPair } from '../crypto/dh-group.js';
import { hashI, hashR } from '../crypto/ikev1-key-schedule.js';
import { IkeError } from '../errors.js';
import type { Endpoint } from '../events.js';
import { HEADER_LENGTH } from '../wire/index.js';
import { EXCHANGE_TYPES, NOTIFY_TYPES } from '../wire/constants.js';
import type { IdPayload, IsakmpMessage, Payload, SaPayload } from '../wire/types.js';
import { DPD_VENDOR_ID } from '../wire/vendor-ids.js';
import { equalBytes, isZero, nonZeroBytes } from './bytes.js';
import type { IkeEngineConfig } from './engine-config.js';
import type { EngineEffect, EngineHooks } from './engine-effects.js';
import { summarize } from './message-summary.js';
import { detectNat, floatToNatTPort, natDPayloads, natTVendorIds, notePeerNatT } from './nat-traversal.js';
import { describeIdentification } from './offer-text.js';
import { acceptedPhase1, choosePhase1, phase1Offer } from './phase1-proposal.js';
import { authFailed, bodyOf, deriveKeys, hasDpdVendorId, installKeys, keAndNonce, openPhase1, receivedBody, sendFirstPhase1 } from './phase1-keys.js';
import { describeRefusal, silentKeyMismatch } from './refusal.js';
import { NONCE_LENGTH, SaContext, type Keys, type Outcome } from './sa-context.js';

export function initiateMainMode(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: SaContext; effects: EngineEffect[] } {
  const sa = new SaContext('initiator', config, hooks, local, remote, nonZeroBytes(config.random, 8));
  sa.offered = config.proposals;
  const effects = sendFirstPhase1(sa, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), [phase1Offer(config.proposals)]);
  return { sa, effects };
}

/** A responder SA for Main Mode message 1; throws IkeError when nothing in the offer is acceptable. */
export function respondMainMode(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: SaContext; outcome: Outcome } {
  const offer = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
  if (!offer) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 1 without an SA payload');
  const choice = choosePhase1(offer, config.proposals);
  if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no offered phase-1 transform matches a configured proposal');
  const sa = new SaContext('responder', config, hooks, local, remote, msg.initiatorCookie.slice());
  sa.ckyR = nonZeroBytes(config.random, 8);
  sa.saiB = receivedBody(bytes, HEADER_LENGTH, msg.payloads, offer);
  sa.offered = [choice.chosen];
  sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
  notePeerNatT(sa, msg.payloads);
  const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
  const payloads: Payload[] = [choice.reply];
  if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
  if (sa.nat.version) payloads.push(...natTVendorIds(sa));
  sa.sendClear(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), payloads, 2, true);
  sa.lastAnswered = { request: bytes, responses: sa.answering };
  return { sa, outcome: { summary: summarize(msg, msg.payloads, 1), effects } };
}

export function mainMode(sa: SaContext, msg: IsakmpMessage): Outcome {
  if (sa.state === 'established' || sa.state === 'am1-sent' || sa.state === 'am2-sent') {
    throw new IkeError('ERR_IKE_UNEXPECTED', `Main Mode message in state ${sa.state}`);
  }
  const step = { 'mm1-sent': 2, 'mm3-sent': 4, 'mm5-sent': 6, 'mm2-sent': 3, 'mm4-sent': 5 }[sa.state as 'mm1-sent'];
  const encrypted = step >= 5;
  if (encrypted !== msg.flags.encryption) {
    throw new IkeError(encrypted ? 'ERR_IKE_UNENCRYPTED' : 'ERR_IKE_UNEXPECTED', `Main Mode message ${step} ${encrypted ? 'must be' : 'must not be'} encrypted`);
  }
  const effects: EngineEffect[] = [];
  switch (step) {
    case 2:
      onMm2(sa, msg, effects);
      break;
    case 3:
      onMm3(sa, msg, effects);
      break;
    case 4:
      onMm4(sa, msg, effects);
      break;
    case 5:
      return onMm5(sa, msg);
    default:
      return onMm6(sa, msg);
  }
  return { summary: summarize(msg, msg.payloads, step), effects };
}

function onMm2(sa: SaContext, msg: IsakmpMessage, effects: EngineEffect[]): void {
  const reply = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
  if (!reply) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 2 without an SA payload');
  if (isZero(msg.responderCookie)) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 2 with a zero responder cookie');
  const chosen = acceptedPhase1(reply, sa.offered);
  if (!chosen) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'the responder chose a transform that was not offered');
  const oldId = sa.id;
  sa.ckyR = msg.responderCookie.slice();
  sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
  notePeerNatT(sa, msg.payloads);
  sa.keys = undefined;
  sa.offered = [chosen];
  sa.dh = createDhKeyPair(chosen.group, sa.config.random);
  sa.gxi = sa.dh.publicKey;
  sa.ni = sa.config.random.bytes(NONCE_LENGTH);
  sa.cancelTimer(effects, 'retransmit', oldId);
  const sent = sa.sendClear(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), [
    { kind: 'ke', data: sa.gxi },
    { kind: 'nonce', data: sa.ni },
    ...natDPayloads(sa),
  ], 3, true);
  sa.lastSent = sent.bytes;
  sa.state = 'mm3-sent';
  sa.armRetransmit(effects);
}

function onMm3(sa: SaContext, msg: IsakmpMessage, effects: EngineEffect[]): void {
  const { ke, nonce } = keAndNonce(msg.payloads, 3);
  detectNat(sa, msg.payloads, effects);
  const chosen = sa.offered[0];
  const dh = createDhKeyPair(chosen.group, sa.config.random);
  const nr = sa.config.random.bytes(NONCE_LENGTH);
  const keys = deriveKeys(sa, chosen, dh, ke, nonce, dh.publicKey, nr);
  sa.dh = dh;
  sa.gxi = ke;
  sa.gxr = dh.publicKey;
  sa.ni = nonce;
  sa.nr = nr;
  installKeys(sa, keys, effects);
  sa.sendClear(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), [
    { kind: 'ke', data: sa.gxr },
    { kind: 'nonce', data: sa.nr },
    ...natDPayloads(sa),
  ], 4, true);
  sa.state = 'mm4-sent';
}

function onMm4(sa: SaContext, msg: IsakmpMessage, effects: EngineEffect[]): void {
  const { ke, nonce } = keAndNonce(msg.payloads, 4);
  const dh = sa.dh as DhKeyPair;
  const keys = deriveKeys(sa, sa.offered[0], dh, dh.publicKey, sa.ni, ke, nonce);
  sa.gxr = ke;
  sa.nr = nonce;
  installKeys(sa, keys, effects);
  detectNat(sa, msg.payloads, effects);
  const id = sa.localIdPayload();
  const hash = hashI(keys.proposal.hash, keys.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, bodyOf(id));
  const payloads: Payload[] = [id, { kind: 'hash', data: hash }];
  if (sa.config.initialContact) payloads.push(sa.cookieNotify(NOTIFY_TYPES.INITIAL_CONTACT, new Uint8Array(0)));
  sa.cancelTimer(effects, 'retransmit');
  floatToNatTPort(sa, effects);
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), payloads, sa.iv, 5, true);
  sa.iv = sealed.lastBlock;
  sa.lastSent = sealed.bytes;
  sa.state = 'mm5-sent';
  sa.armRetransmit(effects);
}

function onMm5(sa: SaContext, msg: IsakmpMessage): Outcome {
  const keys = sa.keys as Keys;
  const opened = openPhase1(sa, keys, msg);
  const summary = summarize(msg, opened.payloads, 5);
  const id = opened.payloads.find((p): p is IdPayload => p.kind === 'id');
  const hash = opened.payloads.find((p) => p.kind === 'hash');
  if (!id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 5 needs ID and HASH payloads');
  const expected = hashI(keys.proposal.hash, keys.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, receivedBody(opened.plaintext, 0, opened.payloads, id));
  if (!equalBytes(expected, hash.data)) return authFailed(sa, 'HASH_I', summary);
  const effects: EngineEffect[] = [];
  for (const p of opened.payloads) if (p.kind === 'notify') effects.push(sa.event({ kind: 'notify-received', notifyType: p.notifyType }));
  const ownId = sa.localIdPayload();
  const hashRValue = hashR(keys.proposal.hash, keys.skeyid, sa.gxr, sa.gxi, sa.ckyR, sa.ckyI, sa.saiB, bodyOf(ownId));
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.MAIN_MODE, 0), [ownId, { kind: 'hash', data: hashRValue }], opened.lastBlock, 6, true);
  sa.iv = sealed.lastBlock;
  sa.establish(effects);
  return { summary, effects };
}

function onMm6(sa: SaContext, msg: IsakmpMessage): Outcome {
  const keys = sa.keys as Keys;
  const opened = openPhase1(sa, keys, msg);
  const summary = summarize(msg, opened.payloads, 6);
  const id = opened.payloads.find((p): p is IdPayload => p.kind === 'id');
  const hash = opened.payloads.find((p) => p.kind === 'hash');
  if (!id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Main Mode message 6 needs ID and HASH payloads');
  const expected = hashR(keys.proposal.hash, keys.skeyid, sa.gxr, sa.gxi, sa.ckyR, sa.ckyI, sa.saiB, receivedBody(opened.plaintext, 0, opened.payloads, id));
  if (!equalBytes(expected, hash.data)) return authFailed(sa, 'HASH_R', summary);
  const effects: EngineEffect[] = [];
  sa.cancelTimer(effects, 'retransmit');
  sa.iv = opened.lastBlock;
  sa.lastSent = undefined;
  sa.establish(effects);
  return { summary, effects };
}

/**
 * Times the DUT may send message 4 again after our message 5 before that is its refusal:
 * each repeat is answered with message 5 again, and a DUT with the same key answers one of
 * them with message 6 at once. Five: pluto (retransmitting 0.5, 1, 2, 4, 8 s apart) is judged
 * within 16 s of message 4, well before the 30 s phase-2 timeout; three were too few, as a
 * pluto bringing up a hundred SAs at once repeats message 4 three times before it opens our
 * message 5, and a lost message 5 is not mistaken for a refusal either.
 */
export const MM4_REPEATS_REFUSAL = 5;

/**
 * A retransmitted message 4 while we wait for message 6. Returns true when it is not to be
 * answered: this repeat made MM4_REPEATS_REFUSAL and failed phase 1 (silentKeyMismatch),
 * or phase 1 already failed so.
 */
export function repeatedMm4(sa: SaContext, effects: EngineEffect[]): boolean {
  if (sa.state === 'failed') return sa.mm4Repeats >= MM4_REPEATS_REFUSAL;
  if (sa.state !== 'mm5-sent') return false;
  sa.mm4Repeats += 1;
  if (sa.mm4Repeats < MM4_REPEATS_REFUSAL) return false;
  const why = silentKeyMismatch(`PSK authentication as ${describeIdentification(sa.localId())}`, sa.mm4Repeats);
  sa.fail(effects, describeRefusal(why), why);
  return true;
}
