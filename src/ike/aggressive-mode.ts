/**
 * Aggressive Mode with a pre-shared key (RFC 2409 §5.4): AM1 HDR, SA, KE, Ni, IDii;
 * AM2 HDR, SA, KE, Nr, IDir, HASH_R; AM3 HDR*, HASH_I. AM3 goes out encrypted under
 * the phase-1 IV as Libreswan sends it (ikev1_aggr.c), and its last cipher block seeds
 * the phase-2 IVs; a clear AM3 is accepted too, leaving hash(g^xi | g^xr) as the seed.
 */
import { createDhKeyPair, dhPublicLength, type DhKeyPair } from '../crypto/dh-group.js';
import { hashI, hashR } from '../crypto/ikev1-key-schedule.js';
import { IkeError } from '../errors.js';
import type { Endpoint } from '../events.js';
import { HEADER_LENGTH } from '../wire/index.js';
import { EXCHANGE_TYPES } from '../wire/constants.js';
import type { IdPayload, IsakmpMessage, Payload, SaPayload } from '../wire/types.js';
import { DPD_VENDOR_ID } from '../wire/vendor-ids.js';
import { equalBytes, isZero, nonZeroBytes } from './bytes.js';
import type { IkeEngineConfig } from './engine-config.js';
import type { EngineEffect, EngineHooks } from './engine-effects.js';
import { summarize } from './message-summary.js';
import { acceptedPhase1, choosePhase1, phase1Offer } from './phase1-proposal.js';
import { authFailed, bodyOf, deriveKeys, hasDpdVendorId, installKeys, keAndNonce, openPhase1, receivedBody, sendFirstPhase1 } from './phase1-keys.js';
import { IkeRejection } from './rejection.js';
import { detectNat, floatToNatTPort, natDPayloads, natTVendorIds, notePeerNatT } from './nat-traversal.js';
import { NONCE_LENGTH, SaContext, type Keys, type Outcome } from './sa-context.js';

export function initiateAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint): { sa: SaContext; effects: EngineEffect[] } {
  const first = config.proposals[0];
  if (!first) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no phase-1 proposals configured');
  const sa = new SaContext('initiator', config, hooks, local, remote, nonZeroBytes(config.random, 8));
  // AM1 carries one KE, so every transform offered must use its group.
  sa.offered = config.proposals.filter((p) => p.group === first.group);
  sa.dh = createDhKeyPair(first.group, config.random);
  sa.gxi = sa.dh.publicKey;
  sa.ni = config.random.bytes(NONCE_LENGTH);
  sa.state = 'am1-sent';
  const payloads: Payload[] = [phase1Offer(sa.offered), { kind: 'ke', data: sa.gxi }, { kind: 'nonce', data: sa.ni }, sa.localIdPayload()];
  const effects = sendFirstPhase1(sa, sa.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), payloads);
  return { sa, effects };
}

/** A responder SA for Aggressive Mode message 1; throws IkeError when it cannot be answered. */
export function respondAggressive(config: IkeEngineConfig, hooks: EngineHooks, local: Endpoint, remote: Endpoint, msg: IsakmpMessage, bytes: Uint8Array): { sa: SaContext; outcome: Outcome } {
  const offer = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
  const id = msg.payloads.find((p): p is IdPayload => p.kind === 'id');
  if (!offer || !id) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 1 needs SA, KE, Nonce and ID payloads');
  const { ke, nonce } = keAndNonce(msg.payloads, 1);
  // The KE fixes the group: strongSwan offers transforms of several groups and sends the first one's KE.
  const usable = config.proposals.filter((p) => dhPublicLength(p.group) === ke.length);
  const choice = choosePhase1(offer, usable);
  if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', `no offered phase-1 transform in the KE's group (${ke.length}-byte KE) matches a configured proposal`);
  const sa = new SaContext('responder', config, hooks, local, remote, msg.initiatorCookie.slice());
  sa.ckyR = nonZeroBytes(config.random, 8);
  sa.saiB = receivedBody(bytes, HEADER_LENGTH, msg.payloads, offer);
  sa.offered = [choice.chosen];
  sa.peerIdB = receivedBody(bytes, HEADER_LENGTH, msg.payloads, id);
  sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
  notePeerNatT(sa, msg.payloads);
  const dh = createDhKeyPair(choice.chosen.group, config.random);
  const nr = config.random.bytes(NONCE_LENGTH);
  const keys = deriveKeys(sa, choice.chosen, dh, ke, nonce, dh.publicKey, nr);
  sa.dh = dh;
  sa.gxi = ke;
  sa.gxr = dh.publicKey;
  sa.ni = nonce;
  sa.nr = nr;
  const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
  installKeys(sa, keys, effects);
  const ownId = sa.localIdPayload();
  const hash = hashR(keys.proposal.hash, keys.skeyid, sa.gxr, sa.gxi, sa.ckyR, sa.ckyI, sa.saiB, bodyOf(ownId));
  const payloads: Payload[] = [choice.reply, { kind: 'ke', data: sa.gxr }, { kind: 'nonce', data: nr }, ownId, { kind: 'hash', data: hash }];
  if (hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
  if (sa.nat.version) payloads.push(...natTVendorIds(sa), ...natDPayloads(sa));
  sa.sendClear(effects, sa.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), payloads, 2, true);
  sa.lastAnswered = { request: bytes, responses: sa.answering };
  sa.state = 'am2-sent';
  return { sa, outcome: { summary: summarize(msg, msg.payloads, 1), effects } };
}

export function aggressiveMode(sa: SaContext, msg: IsakmpMessage, bytes: Uint8Array): Outcome {
  if (sa.state === 'am1-sent') {
    if (msg.flags.encryption) throw new IkeError('ERR_IKE_UNEXPECTED', 'Aggressive Mode message 2 must not be encrypted');
    return onAm2(sa, msg, bytes);
  }
  if (sa.state === 'am2-sent') return onAm3(sa, msg);
  throw new IkeError('ERR_IKE_UNEXPECTED', `Aggressive Mode message in state ${sa.state}`);
}

function onAm2(sa: SaContext, msg: IsakmpMessage, bytes: Uint8Array): Outcome {
  const reply = msg.payloads.find((p): p is SaPayload => p.kind === 'sa');
  const id = msg.payloads.find((p): p is IdPayload => p.kind === 'id');
  const hash = msg.payloads.find((p) => p.kind === 'hash');
  if (!reply || !id || !hash) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 2 needs SA, KE, Nonce, ID and HASH payloads');
  if (isZero(msg.responderCookie)) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 2 with a zero responder cookie');
  const { ke, nonce } = keAndNonce(msg.payloads, 2);
  const chosen = acceptedPhase1(reply, sa.offered);
  if (!chosen) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'the responder chose a transform that was not offered');
  const summary = summarize(msg, msg.payloads, 2);
  const oldId = sa.id;
  sa.ckyR = msg.responderCookie.slice();
  const dh = sa.dh as DhKeyPair;
  const keys = deriveKeys(sa, chosen, dh, sa.gxi, sa.ni, ke, nonce);
  const expected = hashR(chosen.hash, keys.skeyid, ke, sa.gxi, sa.ckyR, sa.ckyI, sa.saiB, receivedBody(bytes, HEADER_LENGTH, msg.payloads, id));
  const effects: EngineEffect[] = [];
  sa.cancelTimer(effects, 'retransmit', oldId);
  if (!equalBytes(expected, hash.data)) {
    sa.fail(effects, 'HASH_R does not verify');
    throw new IkeRejection('ERR_IKE_AUTH_FAILED', 'HASH_R does not verify (pre-shared keys differ?)', summary, effects);
  }
  sa.gxr = ke;
  sa.nr = nonce;
  sa.offered = [chosen];
  sa.peerAdvertisedDpd = hasDpdVendorId(msg.payloads);
  notePeerNatT(sa, msg.payloads);
  installKeys(sa, keys, effects);
  detectNat(sa, msg.payloads, effects);
  const hashIValue = hashI(chosen.hash, keys.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, bodyOf(sa.localIdPayload()));
  // RFC 3947 §3.2/§4: AM3 carries our NAT-D (of the addresses before the float) and, with a NAT on the path, leaves from the NAT-T port.
  const am3: Payload[] = [{ kind: 'hash', data: hashIValue }, ...natDPayloads(sa)];
  floatToNatTPort(sa, effects);
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.AGGRESSIVE_MODE, 0), am3, sa.iv, 3, true);
  sa.iv = sealed.lastBlock;
  sa.lastSent = undefined;
  sa.establish(effects);
  return { summary, effects };
}

function onAm3(sa: SaContext, msg: IsakmpMessage): Outcome {
  const keys = sa.keys as Keys;
  let payloads = msg.payloads;
  if (msg.flags.encryption) {
    const opened = openPhase1(sa, keys, msg);
    payloads = opened.payloads;
    sa.iv = opened.lastBlock;
  }
  const summary = summarize(msg, payloads, 3);
  const hash = payloads.find((p) => p.kind === 'hash');
  if (!hash) throw new IkeError('ERR_IKE_MALFORMED', 'Aggressive Mode message 3 needs a HASH payload');
  const expected = hashI(keys.proposal.hash, keys.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, sa.peerIdB);
  if (!equalBytes(expected, hash.data)) return authFailed(sa, 'HASH_I', summary);
  const effects: EngineEffect[] = [];
  for (const p of payloads) if (p.kind === 'notify') effects.push(sa.event({ kind: 'notify-received', notifyType: p.notifyType }));
  detectNat(sa, payloads, effects);
  sa.establish(effects);
  return { summary, effects };
}
