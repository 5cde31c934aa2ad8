/**
 * IKE_AUTH with pre-shared keys (RFC 7296 §1.2, §2.15) and the one CHILD_SA it
 * creates (§1.2 SA, TSi, TSr; keys §2.17). A refused CHILD_SA leaves the IKE SA
 * up (§1.2, §2.21.2); a refused AUTH fails it. Refusals carry their notify.
 */
import { macedId, pskAuth, signedOctets } from '../../crypto/ikev2-key-schedule.js';
import { IkeError } from '../../errors.js';
import { AUTH_METHODS, IKEV2_EXCHANGE_TYPES, IKEV2_NOTIFY_TYPES } from '../../wire/ikev2/constants.js';
import type { Ikev2IdPayload, Ikev2Payload } from '../../wire/ikev2/types.js';
import { equalBytes, nonZeroBytes } from '../bytes.js';
import type { Ikev2Identity } from './ikev2-config.js';
import type { Ikev2Effect } from './ikev2-effects.js';
import { childKeys } from './ikev2-keys.js';
import { find, idBody, identityOf, notifies, notify } from './ikev2-payload-helpers.js';
import { acceptedEsp, chooseEsp, chosenSaPayload, espProposalTransforms, espSaPayload } from './ikev2-proposals.js';
import { ikev2Refusal, isIkev2ErrorNotify } from './ikev2-refusal.js';
import type { Ikev2SaContext } from './ikev2-sa-context.js';
import { answerWithin, offeredCovers, trafficSelectorOf } from './ikev2-selectors.js';

const identityOfPayload = (p: Ikev2IdPayload): Ikev2Identity => ({ idType: p.idType, data: p.data });

/** RFC 7296 §2.15: the AUTH one side computes over its own message, the other's nonce and its own ID. */
function authValue(ctx: Ikev2SaContext, psk: Uint8Array, ofInitiator: boolean, id: Ikev2Identity): Uint8Array {
  const hs = ctx.handshake!;
  const crypto = ctx.crypto!;
  const message = ofInitiator ? hs.message1! : hs.message2!;
  const peerNonce = ofInitiator ? hs.nr! : hs.ni;
  const skP = ofInitiator ? crypto.keys.skPi : crypto.keys.skPr;
  return pskAuth(crypto.prf, psk, signedOctets(message, peerNonce, macedId(crypto.prf, skP, idBody(id))));
}

function requirePsk(ctx: Ikev2SaContext, peerId?: Ikev2Identity): Uint8Array {
  const psk = ctx.config.psk(ctx.remote, peerId);
  if (!psk) throw new IkeError('ERR_IKE_AUTH_FAILED', `no pre-shared key for ${ctx.remote.address}`);
  return psk;
}

export function sendAuthRequest(ctx: Ikev2SaContext): Ikev2Effect[] {
  const hs = ctx.handshake!;
  const id = identityOf(ctx.config.localId, ctx.local);
  hs.childSpi = nonZeroBytes(ctx.config.random, 4);
  const ts = ctx.config.trafficSelectors;
  const payloads: Ikev2Payload[] = [
    { kind: 'idi', ...id },
    { kind: 'auth', authMethod: AUTH_METHODS.SHARED_KEY_MIC, data: authValue(ctx, requirePsk(ctx), true, id) },
    espSaPayload(ctx.config.childProposals, hs.childSpi),
    { kind: 'tsi', selectors: [trafficSelectorOf(ts.local)] },
    { kind: 'tsr', selectors: [trafficSelectorOf(ts.remote)] },
  ];
  ctx.state = 'auth-sent';
  return ctx.request(IKEV2_EXCHANGE_TYPES.IKE_AUTH, payloads).effects;
}

/** The initiator reads the IKE_AUTH response. */
export function onAuthResponse(ctx: Ikev2SaContext, inner: Ikev2Payload[]): Ikev2Effect[] {
  const hs = ctx.handshake!;
  const effects = ctx.closeRequest();
  const idr = find(inner, 'idr');
  const auth = find(inner, 'auth');
  const error = notifies(inner).find((n) => isIkev2ErrorNotify(n.notifyType));
  if (!idr || !auth) {
    ctx.state = 'failed';
    const notifyType = error?.notifyType ?? IKEV2_NOTIFY_TYPES.AUTHENTICATION_FAILED;
    return [...effects, ctx.ikeState('failed', 'IKE_AUTH refused', { refusal: ikev2Refusal(notifyType, 'IKE_AUTH') })];
  }
  const peerId = identityOfPayload(idr);
  if (auth.authMethod !== AUTH_METHODS.SHARED_KEY_MIC || !equalBytes(auth.data, authValue(ctx, requirePsk(ctx, peerId), false, peerId))) {
    ctx.state = 'failed';
    return [...effects, ctx.ikeState('failed', "the responder's AUTH does not verify under our pre-shared key (RFC 7296 §2.15)")];
  }
  ctx.state = 'established';
  effects.push(ctx.ikeState('established', 'IKE_AUTH'));
  if (error) return [...effects, ctx.event({ kind: 'state', sa: 'child', state: 'failed', detail: 'CHILD_SA refused', refusal: ikev2Refusal(error.notifyType, 'IKE_AUTH CHILD_SA') })];
  const sa = find(inner, 'sa');
  const tsi = find(inner, 'tsi');
  const tsr = find(inner, 'tsr');
  const esp = sa && acceptedEsp(sa, ctx.config.childProposals);
  const ts = ctx.config.trafficSelectors;
  if (!esp || !tsi || !tsr || !answerWithin(tsi.selectors, [trafficSelectorOf(ts.local)]) || !answerWithin(tsr.selectors, [trafficSelectorOf(ts.remote)])) {
    return [...effects, ctx.event({ kind: 'state', sa: 'child', state: 'failed', detail: 'IKE_AUTH response carries no acceptable ESP proposal or selectors within ours' })];
  }
  const child = { spiIn: hs.childSpi!, spiOut: sa.proposals[0]!.spi, proposal: esp, keys: childKeys(ctx.crypto!, esp, hs.ni, hs.nr!), state: 'established' as const };
  ctx.children.push(child);
  return [...effects, ctx.childEvent(child, 'established')];
}

/** The responder checks AUTH, then answers with its own and the CHILD_SA, or the notify that refuses either. */
export function respondAuth(ctx: Ikev2SaContext, messageId: number, inner: Ikev2Payload[]): Ikev2Effect[] {
  const hs = ctx.handshake!;
  const idi = find(inner, 'idi');
  const auth = find(inner, 'auth');
  if (!idi || !auth) throw new IkeError('ERR_IKE_MALFORMED', 'IKE_AUTH request without IDi and AUTH');
  const peerId = identityOfPayload(idi);
  const psk = ctx.config.psk(ctx.remote, peerId);
  if (!psk || auth.authMethod !== AUTH_METHODS.SHARED_KEY_MIC || !equalBytes(auth.data, authValue(ctx, psk, true, peerId))) {
    ctx.state = 'failed';
    const answer = ctx.respond(IKEV2_EXCHANGE_TYPES.IKE_AUTH, messageId, [notify(IKEV2_NOTIFY_TYPES.AUTHENTICATION_FAILED)]);
    return [...answer.effects, ctx.ikeState('failed', "the initiator's AUTH does not verify under our pre-shared key (RFC 7296 §2.15)")];
  }
  const id = identityOf(ctx.config.localId, ctx.local);
  const own: Ikev2Payload[] = [{ kind: 'idr', ...id }, { kind: 'auth', authMethod: AUTH_METHODS.SHARED_KEY_MIC, data: authValue(ctx, psk, false, id) }];
  ctx.state = 'established';
  const sa = find(inner, 'sa');
  const tsi = find(inner, 'tsi');
  const tsr = find(inner, 'tsr');
  const chosen = sa && chooseEsp(sa, ctx.config.childProposals);
  const ts = ctx.config.trafficSelectors;
  // Our selectors from the initiator's side: its TSi is our remote, its TSr our local.
  const ourTsi = trafficSelectorOf(ts.remote);
  const ourTsr = trafficSelectorOf(ts.local);
  let refusal: number | undefined;
  if (!chosen) refusal = IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN;
  else if (!tsi || !tsr || !offeredCovers(tsi.selectors, ourTsi) || !offeredCovers(tsr.selectors, ourTsr)) refusal = IKEV2_NOTIFY_TYPES.TS_UNACCEPTABLE;
  if (refusal !== undefined || !chosen) {
    const answer = ctx.respond(IKEV2_EXCHANGE_TYPES.IKE_AUTH, messageId, [...own, notify(refusal as number)]);
    return [...answer.effects, ctx.ikeState('established', 'IKE_AUTH answered'), ctx.event({ kind: 'state', sa: 'child', state: 'failed', detail: 'CHILD_SA refused', refusal: ikev2Refusal(refusal as number, 'IKE_AUTH CHILD_SA') })];
  }
  const spiIn = nonZeroBytes(ctx.config.random, 4);
  const child = { spiIn, spiOut: chosen.proposal.spi, proposal: chosen.accepted, keys: childKeys(ctx.crypto!, chosen.accepted, hs.ni, hs.nr!), state: 'established' as const };
  ctx.children.push(child);
  const answer = ctx.respond(IKEV2_EXCHANGE_TYPES.IKE_AUTH, messageId, [
    ...own,
    chosenSaPayload(chosen.proposal, espProposalTransforms(chosen.accepted), spiIn),
    { kind: 'tsi', selectors: [ourTsi] },
    { kind: 'tsr', selectors: [ourTsr] },
  ]);
  return [...answer.effects, ctx.ikeState('established', 'IKE_AUTH answered'), ctx.childEvent(child, 'established')];
}
