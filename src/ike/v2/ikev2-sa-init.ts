/**
 * IKE_SA_INIT (RFC 7296 §1.2) from both sides: the initiator's request, its
 * retries for COOKIE (§2.6) and INVALID_KE_PAYLOAD (§1.3), and the responder's
 * stateless answers (cookie demand, INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN) or
 * its SA, KE, Nonce, after which both hold the IKE SA's keys (§2.14).
 */
import { createDhKeyPair, dhSharedSecret, type DhGroup } from '../../crypto/dh-group.js';
import { hash } from '../../crypto/hash-algorithm.js';
import type { Endpoint } from '../../events.js';
import { IkeError } from '../../errors.js';
import { IKEV2_EXCHANGE_TYPES, IKEV2_NOTIFY_TYPES } from '../../wire/ikev2/constants.js';
import { encodeIkev2Message } from '../../wire/ikev2/message.js';
import type { Ikev2Message, Ikev2Payload } from '../../wire/ikev2/types.js';
import { hex, nonZeroBytes } from '../bytes.js';
import type { Ikev2EngineConfig } from './ikev2-config.js';
import type { Ikev2Effect } from './ikev2-effects.js';
import { ikeSaCrypto } from './ikev2-keys.js';
import { find, findNotify, notifies, notify } from './ikev2-payload-helpers.js';
import { acceptedIke, chooseIke, chosenSaPayload, groupOf, ikeProposalTransforms, ikeSaPayload } from './ikev2-proposals.js';
import { ikev2Refusal, isIkev2ErrorNotify } from './ikev2-refusal.js';
import { Ikev2SaContext } from './ikev2-sa-context.js';
import { summarizeIkev2 } from './ikev2-summary.js';

/** RFC 7296 §2.10: at least 16 octets and half the PRF's key size; 32 covers SHA2-256. */
export const NONCE_LENGTH = 32;

/** The initiator's first request, with the cookie and group of any retry. */
export function sendSaInit(ctx: Ikev2SaContext): Ikev2Effect[] {
  const hs = ctx.handshake!;
  const payloads: Ikev2Payload[] = [
    // §2.6: the COOKIE notify comes first.
    ...(hs.cookie ? [notify(IKEV2_NOTIFY_TYPES.COOKIE, hs.cookie)] : []),
    ikeSaPayload(ctx.config.proposals),
    { kind: 'ke', dhGroup: hs.dh.group, data: hs.dh.publicKey },
    { kind: 'nonce', data: hs.ni },
  ];
  // A retry starts the exchange over under message ID 0 (§2.6, §1.3).
  ctx.window.nextOwnId = 0;
  const { bytes, effects } = ctx.request(IKEV2_EXCHANGE_TYPES.IKE_SA_INIT, payloads);
  hs.message1 = bytes;
  return effects;
}

export function startInitiator(config: Ikev2EngineConfig, local: Endpoint, remote: Endpoint): { ctx: Ikev2SaContext; effects: Ikev2Effect[] } {
  const ctx = new Ikev2SaContext(config, local, remote, true, nonZeroBytes(config.random, 8), new Uint8Array(8), 'init-sent');
  const first = config.proposals[0];
  if (!first) throw new IkeError('ERR_IKE_NO_PROPOSAL', 'no IKE proposal configured');
  ctx.handshake = { dh: createDhKeyPair(first.group, config.random), ni: config.random.bytes(NONCE_LENGTH) };
  return { ctx, effects: [ctx.ikeState('negotiating', 'IKE_SA_INIT'), ...sendSaInit(ctx)] };
}

/**
 * The responder's answer to our IKE_SA_INIT. Returns the effects and whether
 * the IKE SA now has keys (the caller then starts IKE_AUTH).
 */
export function onSaInitResponse(ctx: Ikev2SaContext, msg: Ikev2Message, bytes: Uint8Array): { effects: Ikev2Effect[]; keyed: boolean } {
  const hs = ctx.handshake!;
  const effects = ctx.closeRequest();
  const cookie = findNotify(msg.payloads, IKEV2_NOTIFY_TYPES.COOKIE);
  if (cookie) {
    hs.cookie = cookie.data;
    return { effects: [...effects, ctx.event({ kind: 'retry', reason: 'cookie' }), ...sendSaInit(ctx)], keyed: false };
  }
  const invalidKe = findNotify(msg.payloads, IKEV2_NOTIFY_TYPES.INVALID_KE_PAYLOAD);
  if (invalidKe) {
    const named = invalidKe.data.length === 2 ? groupOf((invalidKe.data[0]! << 8) | invalidKe.data[1]!) : undefined;
    // §1.3: retry only with a group we offered, and only once per group.
    if (named !== undefined && named !== hs.dh.group && ctx.config.proposals.some((p) => p.group === named)) {
      hs.dh = createDhKeyPair(named, ctx.config.random);
      return { effects: [...effects, ctx.event({ kind: 'retry', reason: 'invalid-ke', group: named }), ...sendSaInit(ctx)], keyed: false };
    }
  }
  const error = notifies(msg.payloads).find((n) => isIkev2ErrorNotify(n.notifyType));
  if (error) return { effects: [...effects, ...fail(ctx, error.notifyType)], keyed: false };
  const sa = find(msg.payloads, 'sa');
  const ke = find(msg.payloads, 'ke');
  const nonce = find(msg.payloads, 'nonce');
  const proposal = sa && acceptedIke(sa, ctx.config.proposals);
  if (!proposal || !ke || !nonce || ke.dhGroup !== hs.dh.group || proposal.group !== hs.dh.group) {
    throw new IkeError('ERR_IKE_UNEXPECTED', 'IKE_SA_INIT response without one offered proposal, a KE of our group and a nonce');
  }
  ctx.spiR = msg.responderSpi;
  hs.proposal = proposal;
  hs.nr = nonce.data;
  hs.message2 = bytes;
  const gir = dhSharedSecret(hs.dh, ke.data);
  ctx.crypto = ikeSaCrypto(proposal, { ni: hs.ni, nr: nonce.data, spiI: ctx.spiI, spiR: ctx.spiR, gir });
  return { effects: [...effects, ctx.keysEvent()], keyed: true };
}

function fail(ctx: Ikev2SaContext, notifyType: number): Ikev2Effect[] {
  ctx.state = 'failed';
  return [ctx.ikeState('failed', 'IKE_SA_INIT refused', { refusal: ikev2Refusal(notifyType, 'IKE_SA_INIT') })];
}

/** §2.6: Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>). */
export function cookieFor(secret: Uint8Array, ni: Uint8Array, remote: Endpoint, spiI: Uint8Array): Uint8Array {
  const ip = new TextEncoder().encode(remote.address);
  const digest = hash('sha256', ni, ip, spiI, secret);
  const out = new Uint8Array(1 + digest.length);
  out.set(digest, 1);
  return out;
}

/** A response sent without keeping state: to the request's SPIs and message ID. */
function statelessAnswer(msg: Ikev2Message, local: Endpoint, remote: Endpoint, payloads: Ikev2Payload[]): Ikev2Effect {
  const header = { initiatorSpi: msg.initiatorSpi, responderSpi: new Uint8Array(8), exchangeType: msg.exchangeType, flags: { initiator: false, response: true }, messageId: msg.messageId };
  const bytes = encodeIkev2Message({ ...header, payloads });
  return { type: 'send', datagram: { sa: hex(msg.initiatorSpi) + hex(header.responderSpi), from: local, to: remote, bytes, summary: summarizeIkev2(header, payloads), answer: true } };
}

/** The responder's side: an SA context when the request is acceptable, otherwise only the stateless answer. */
export function respondSaInit(
  config: Ikev2EngineConfig,
  cookieSecret: Uint8Array,
  local: Endpoint,
  remote: Endpoint,
  msg: Ikev2Message,
  bytes: Uint8Array,
): { ctx?: Ikev2SaContext; effects: Ikev2Effect[] } {
  const sa = find(msg.payloads, 'sa');
  const ke = find(msg.payloads, 'ke');
  const nonce = find(msg.payloads, 'nonce');
  if (!sa || !ke || !nonce) throw new IkeError('ERR_IKE_MALFORMED', 'IKE_SA_INIT request without SA, KE and Nonce');
  if (config.requireCookie) {
    const expected = cookieFor(cookieSecret, nonce.data, remote, msg.initiatorSpi);
    const offered = findNotify(msg.payloads, IKEV2_NOTIFY_TYPES.COOKIE)?.data;
    if (!offered || hex(offered) !== hex(expected)) return { effects: [statelessAnswer(msg, local, remote, [notify(IKEV2_NOTIFY_TYPES.COOKIE, expected)])] };
  }
  const chosen = chooseIke(sa, config.proposals);
  if (!chosen) return { effects: [statelessAnswer(msg, local, remote, [notify(IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN)])] };
  const group: DhGroup = chosen.accepted.group;
  if (ke.dhGroup !== group) {
    return { effects: [statelessAnswer(msg, local, remote, [notify(IKEV2_NOTIFY_TYPES.INVALID_KE_PAYLOAD, Uint8Array.of(group >> 8, group & 0xff))])] };
  }
  const ctx = new Ikev2SaContext(config, local, remote, false, msg.initiatorSpi, nonZeroBytes(config.random, 8), 'auth-wait');
  const dh = createDhKeyPair(group, config.random);
  const nr = config.random.bytes(NONCE_LENGTH);
  ctx.handshake = { proposal: chosen.accepted, dh, ni: nonce.data, nr, message1: bytes };
  const gir = dhSharedSecret(dh, ke.data);
  ctx.crypto = ikeSaCrypto(chosen.accepted, { ni: nonce.data, nr, spiI: ctx.spiI, spiR: ctx.spiR, gir });
  const answer = ctx.respond(IKEV2_EXCHANGE_TYPES.IKE_SA_INIT, msg.messageId, [
    chosenSaPayload(chosen.proposal, ikeProposalTransforms(chosen.accepted), new Uint8Array(0)),
    { kind: 'ke', dhGroup: group, data: dh.publicKey },
    { kind: 'nonce', data: nr },
  ]);
  ctx.handshake.message2 = answer.bytes;
  return { ctx, effects: [ctx.ikeState('negotiating', 'IKE_SA_INIT answered'), ...answer.effects, ctx.keysEvent()] };
}
