/**
 * Quick Mode (RFC 2409 §5.5), as initiator or responder, under an established ISAKMP
 * SA: HASH(1), SA, Ni [, KE] [, IDci, IDcr]; HASH(2), SA, Nr [, KE] [, IDs]; HASH(3).
 * The initiator runs one exchange per configured traffic selector pair, each with its
 * own message ID and retransmission timer `qm:<M-ID>`.
 */
import { cipherBlockSize } from '../crypto/cbc-cipher.js';
import { createDhKeyPair, dhSharedSecret } from '../crypto/dh-group.js';
import { phase2Iv, quickModeHash1, quickModeHash2, quickModeHash3 } from '../crypto/ikev1-key-schedule.js';
import { IkeError } from '../errors.js';
import { EXCHANGE_TYPES } from '../wire/constants.js';
import { idPayloadFor } from '../wire/identification.js';
import { encodePayloads } from '../wire/index.js';
import type { IdPayload, IsakmpMessage, NoncePayload, Payload, SaPayload } from '../wire/types.js';
import { equalBytes, hex, hex32 } from './bytes.js';
import type { QuickModeSelector } from './engine-config.js';
import type { EngineEffect } from './engine-effects.js';
import { acceptedEsp, childEspSas, chooseEsp, espOffer } from './esp-proposal.js';
import { espEncapsulation } from './nat-traversal.js';
import { headerOnlySummary, summarize } from './message-summary.js';
import { describeEspProposals, describeIdentification } from './offer-text.js';
import { afterFirstPayload, openMessage, type Opened } from './protection.js';
import { IkeRejection } from './rejection.js';
import { NONCE_LENGTH, type ChildSa, type Keys, type Outcome, type QuickModeExchange, type SaContext } from './sa-context.js';

/** One Quick Mode per configured selector pair (one without IDs when there is none). */
export function startQuickMode(sa: SaContext): EngineEffect[] {
  const selectors = sa.config.trafficSelectors ?? [];
  if (selectors.length === 0) return startOneQuickMode(sa, undefined);
  return selectors.flatMap((ts) => startOneQuickMode(sa, ts));
}

function startOneQuickMode(sa: SaContext, ts: QuickModeSelector | undefined): EngineEffect[] {
  const keys = sa.phase2Keys();
  const messageId = sa.freshMessageId();
  const proposals = sa.config.espProposals;
  const pfsGroup = proposals[0]?.pfsGroup;
  if (!proposals.length) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no ESP proposals configured');
  const qm: QuickModeExchange = {
    role: 'initiator',
    messageId,
    iv: phase2Iv(keys.proposal.hash, sa.iv, messageId, cipherBlockSize(keys.proposal.cipher)),
    spi: freshSpi(sa),
    ni: sa.config.random.bytes(NONCE_LENGTH),
    ...(pfsGroup === undefined ? {} : { dh: createDhKeyPair(pfsGroup, sa.config.random) }),
    proposals,
    lastSent: new Uint8Array(0),
    retransmits: 0,
  };
  const rest: Payload[] = [espOffer(proposals, qm.spi, espEncapsulation(sa)), { kind: 'nonce', data: qm.ni }];
  if (qm.dh) rest.push({ kind: 'ke', data: qm.dh.publicKey });
  if (ts) rest.push(idPayloadFor(ts.local, ts.protocol, ts.port), idPayloadFor(ts.remote, ts.protocol, ts.port));
  qm.offered = `${describeEspProposals(proposals)}${pfsGroup === undefined ? '' : ` with PFS group ${pfsGroup}`}, ${
    ts ? `traffic selectors ${describeIdentification(ts.local)} <-> ${describeIdentification(ts.remote)}${ts.protocol ? ` protocol ${ts.protocol}` : ''}${ts.port ? ` port ${ts.port}` : ''}` : 'no IDs (host-to-host)'
  }`;
  const hash = quickModeHash1(keys.proposal.hash, keys.skeyidA, messageId, encodePayloads(rest));
  const effects: EngineEffect[] = [];
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.QUICK_MODE, messageId), [{ kind: 'hash', data: hash }, ...rest], qm.iv, 1, false);
  qm.iv = sealed.lastBlock;
  qm.lastSent = sealed.bytes;
  sa.quickModes.set(messageId, qm);
  sa.setTimer(effects, `qm:${messageId}`, sa.retransmitSchedule()[0]);
  return effects;
}

export function quickMode(sa: SaContext, msg: IsakmpMessage): Outcome {
  if (!msg.flags.encryption) throw new IkeError('ERR_IKE_UNENCRYPTED', 'unencrypted Quick Mode message');
  const keys = sa.phase2Keys();
  const qm = sa.quickModes.get(msg.messageId);
  if (!qm) {
    if (sa.messageIdUsed(msg.messageId)) throw new IkeRejection('ERR_IKE_REPLAY', `Quick Mode message ID ${hex32(msg.messageId)} already used`, headerOnlySummary(msg));
    return onQm1(sa, msg, keys);
  }
  const opened = openMessage(keys.cipher, qm.iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
  if (opened.payloads[0]?.kind !== 'hash') throw new IkeError('ERR_IKE_BAD_HASH', 'Quick Mode message without HASH as its first payload');
  return qm.role === 'initiator' ? onQm2(sa, msg, keys, qm, opened) : onQm3(sa, msg, keys, qm, opened);
}

function onQm1(sa: SaContext, msg: IsakmpMessage, keys: Keys): Outcome {
  const messageId = msg.messageId;
  const iv = phase2Iv(keys.proposal.hash, sa.iv, messageId, cipherBlockSize(keys.proposal.cipher));
  const opened = openMessage(keys.cipher, iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
  const summary = summarize(msg, opened.payloads, 1);
  const [first, ...rest] = opened.payloads;
  if (first?.kind !== 'hash') throw new IkeError('ERR_IKE_BAD_HASH', 'Quick Mode message 1 without HASH(1) first');
  const expected = quickModeHash1(keys.proposal.hash, keys.skeyidA, messageId, afterFirstPayload(opened.plaintext));
  if (!equalBytes(expected, first.data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Quick Mode HASH(1) does not verify', summary);
  const offer = rest.find((p): p is SaPayload => p.kind === 'sa');
  const nonce = rest.find((p): p is NoncePayload => p.kind === 'nonce');
  if (!offer || !nonce) throw new IkeError('ERR_IKE_MALFORMED', 'Quick Mode message 1 needs SA and Nonce payloads');
  const spi = freshSpi(sa);
  const choice = chooseEsp(offer, sa.config.espProposals, spi);
  if (!choice) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no offered ESP transform matches a configured ESP proposal');
  const ke = rest.find((p) => p.kind === 'ke');
  if ((choice.chosen.pfsGroup !== undefined) !== (ke !== undefined)) throw new IkeError('ERR_IKE_MALFORMED', 'KE payload and PFS group disagree');
  const dh = choice.chosen.pfsGroup === undefined ? undefined : createDhKeyPair(choice.chosen.pfsGroup, sa.config.random);
  const gqm = dh && ke?.kind === 'ke' ? dhSharedSecret(dh, ke.data) : undefined;
  const nr = sa.config.random.bytes(NONCE_LENGTH);
  const ids = rest.filter((p): p is IdPayload => p.kind === 'id');
  const reply: Payload[] = [choice.reply, { kind: 'nonce', data: nr }];
  if (dh) reply.push({ kind: 'ke', data: dh.publicKey });
  reply.push(...ids.map(({ idType, protocolId, port, data }): IdPayload => ({ kind: 'id', idType, protocolId, port, data })));
  const hash = quickModeHash2(keys.proposal.hash, keys.skeyidA, messageId, nonce.data, encodePayloads(reply));
  const effects: EngineEffect[] = [];
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.QUICK_MODE, messageId), [{ kind: 'hash', data: hash }, ...reply], opened.lastBlock, 2, true);
  sa.useMessageId(messageId);
  sa.quickModes.set(messageId, {
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
  const esp = childEspSas(keys, choice.chosen, { inboundSpi: spi, outboundSpi: choice.peerSpi, niB: nonce.data, nrB: nr, ...(gqm ? { gqm } : {}) });
  sa.pendingChildren.set(messageId, { messageId, inboundSpi: spi, outboundSpi: choice.peerSpi, proposal: choice.chosen, ...(esp ? { esp } : {}) });
  return { summary, effects };
}

function onQm2(sa: SaContext, msg: IsakmpMessage, keys: Keys, qm: QuickModeExchange, opened: Opened): Outcome {
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
  if (qm.dh && ke?.kind !== 'ke') throw new IkeError('ERR_IKE_MALFORMED', 'Quick Mode message 2 without KE although PFS was offered');
  const gqm = qm.dh && ke?.kind === 'ke' ? dhSharedSecret(qm.dh, ke.data) : undefined;
  const hash3 = quickModeHash3(keys.proposal.hash, keys.skeyidA, qm.messageId, qm.ni, nonce.data);
  const effects: EngineEffect[] = [];
  sa.cancelTimer(effects, `qm:${qm.messageId}`);
  const sealed = sa.sendSealed(effects, sa.header(EXCHANGE_TYPES.QUICK_MODE, qm.messageId), [{ kind: 'hash', data: hash3 }], opened.lastBlock, 3, true);
  qm.nr = nonce.data;
  qm.iv = sealed.lastBlock;
  const esp = childEspSas(keys, choice.chosen, { inboundSpi: qm.spi, outboundSpi: choice.peerSpi, niB: qm.ni, nrB: nonce.data, ...(gqm ? { gqm } : {}) });
  addChild(sa, { messageId: qm.messageId, inboundSpi: qm.spi, outboundSpi: choice.peerSpi, proposal: choice.chosen, ...(esp ? { esp } : {}) }, effects);
  sa.useMessageId(qm.messageId);
  sa.quickModes.delete(qm.messageId);
  return { summary, effects };
}

function onQm3(sa: SaContext, msg: IsakmpMessage, keys: Keys, qm: QuickModeExchange, opened: Opened): Outcome {
  const summary = summarize(msg, opened.payloads, 3);
  const first = opened.payloads[0];
  const expected = quickModeHash3(keys.proposal.hash, keys.skeyidA, qm.messageId, qm.ni, qm.nr as Uint8Array);
  if (first.kind !== 'hash' || !equalBytes(expected, first.data)) throw new IkeRejection('ERR_IKE_BAD_HASH', 'Quick Mode HASH(3) does not verify', summary);
  const effects: EngineEffect[] = [];
  const child = sa.pendingChildren.get(qm.messageId) as ChildSa;
  sa.pendingChildren.delete(qm.messageId);
  sa.quickModes.delete(qm.messageId);
  addChild(sa, child, effects);
  return { summary, effects };
}

function addChild(sa: SaContext, child: ChildSa, effects: EngineEffect[]): void {
  sa.children.push(child);
  effects.push(sa.event({ kind: 'state', phase: 2, state: 'established', detail: `ESP SPIs in ${hex(child.inboundSpi)} out ${hex(child.outboundSpi)}` }));
  if (child.esp) effects.push(sa.event({ kind: 'esp-sa', esp: child.esp }));
}

/** Timer `qm:<M-ID>` fired: resend that initiator exchange, or fail it once the schedule is spent. */
export function retransmitQuickMode(sa: SaContext, id: string): EngineEffect[] {
  const effects: EngineEffect[] = [];
  const schedule = sa.retransmitSchedule();
  const qm = id.startsWith('qm:') ? sa.quickModes.get(Number(id.slice(3))) : undefined;
  if (!qm || qm.role !== 'initiator' || sa.finished) return effects;
  if (qm.retransmits >= schedule.length) {
    sa.quickModes.delete(qm.messageId);
    effects.push(sa.event({ kind: 'state', phase: 2, state: 'failed', detail: `Quick Mode ${hex32(qm.messageId)}: no answer` }));
    return effects;
  }
  sa.resend(effects, qm.lastSent, false);
  qm.retransmits += 1;
  sa.setTimer(effects, id, schedule[qm.retransmits] ?? schedule[schedule.length - 1]);
  return effects;
}

/** SPIs 1–255 are reserved by IANA (RFC 4303 §2.1). */
function freshSpi(sa: SaContext): Uint8Array {
  for (;;) {
    const spi = sa.config.random.bytes(4);
    if (spi[0] | spi[1] | spi[2]) return spi;
  }
}
