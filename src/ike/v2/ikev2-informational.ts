/**
 * INFORMATIONAL exchanges (RFC 7296 §1.4): the empty liveness check (§2.4) in
 * both directions, Delete of the IKE SA or of CHILD_SAs (§1.4.1), and
 * notifies. Requests the peer sends are answered here, at once or, for
 * liveness with `liveness: 'owner'`, when the owner says so.
 */
import { IkeError } from '../../errors.js';
import { IKEV2_EXCHANGE_TYPES, IKEV2_PROTOCOL_IDS } from '../../wire/ikev2/constants.js';
import type { Ikev2DeletePayload, Ikev2Payload } from '../../wire/ikev2/types.js';
import { equalBytes, hex } from '../bytes.js';
import type { Ikev2Effect } from './ikev2-effects.js';
import { notifies } from './ikev2-payload-helpers.js';
import type { ChildSa, Ikev2SaContext, Ikev2SendOptions } from './ikev2-sa-context.js';

const INFORMATIONAL = IKEV2_EXCHANGE_TYPES.INFORMATIONAL;

function requireEstablished(ctx: Ikev2SaContext): void {
  if (!ctx.crypto || ctx.finished) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${ctx.id} is ${ctx.state}: no INFORMATIONAL exchange`);
  if (ctx.window.outstanding) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${ctx.id} already has request ${ctx.window.outstanding.messageId} outstanding (window size 1, RFC 7296 §2.3)`);
}

/** An empty INFORMATIONAL request: the liveness check (§2.4). */
export function sendLiveness(ctx: Ikev2SaContext, options: Ikev2SendOptions = {}): Ikev2Effect[] {
  requireEstablished(ctx);
  if (!options.oneShot) ctx.pending = 'liveness';
  return ctx.request(INFORMATIONAL, [], options).effects;
}

export function sendDeleteIke(ctx: Ikev2SaContext, options: Ikev2SendOptions = {}): Ikev2Effect[] {
  requireEstablished(ctx);
  ctx.pending = 'delete-ike';
  ctx.state = 'deleting';
  // §3.11: the IKE SA is named by the header; SPI size 0.
  return ctx.request(INFORMATIONAL, [{ kind: 'delete', protocolId: IKEV2_PROTOCOL_IDS.IKE, spiSize: 0, spis: [] }], options).effects;
}

/** Deletes our CHILD_SAs (all established ones when `spiIn` is absent) by their inbound SPIs (§1.4.1). */
export function sendDeleteChild(ctx: Ikev2SaContext, options: Ikev2SendOptions = {}, spiIn?: Uint8Array): Ikev2Effect[] {
  requireEstablished(ctx);
  const children = ctx.children.filter((c) => c.state === 'established' && (!spiIn || equalBytes(c.spiIn, spiIn)));
  if (children.length === 0) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${ctx.id} has no such CHILD_SA to delete`);
  ctx.pending = 'delete-child';
  ctx.deletingSpis = children.map((c) => c.spiIn);
  return ctx.request(INFORMATIONAL, [{ kind: 'delete', protocolId: IKEV2_PROTOCOL_IDS.ESP, spiSize: 4, spis: children.map((c) => c.spiIn) }], options).effects;
}

export function sendNotify(ctx: Ikev2SaContext, payloads: Ikev2Payload[], options: Ikev2SendOptions = {}): Ikev2Effect[] {
  requireEstablished(ctx);
  ctx.pending = 'notify';
  return ctx.request(INFORMATIONAL, payloads, options).effects;
}

function deleteChildren(ctx: Ikev2SaContext, matches: (c: ChildSa) => boolean): { gone: ChildSa[]; effects: Ikev2Effect[] } {
  const gone = ctx.children.filter((c) => c.state === 'established' && matches(c));
  ctx.children = ctx.children.filter((c) => !gone.includes(c));
  return { gone, effects: gone.map((c) => ctx.childEvent(c, 'deleted')) };
}

function ikeGone(ctx: Ikev2SaContext, detail: string): Ikev2Effect[] {
  ctx.state = 'deleted';
  const { effects } = deleteChildren(ctx, () => true);
  return [...effects, ctx.ikeState('deleted', detail)];
}

/** The response to our INFORMATIONAL request. */
export function onInformationalResponse(ctx: Ikev2SaContext, messageId: number, inner: Ikev2Payload[]): Ikev2Effect[] {
  const effects = ctx.closeRequest();
  const pending = ctx.pending;
  ctx.pending = undefined;
  effects.push(...notifies(inner).map((n) => ctx.event({ kind: 'notify-received', notifyType: n.notifyType, response: true })));
  if (pending === 'liveness') return [...effects, ctx.event({ kind: 'liveness-response', messageId })];
  if (pending === 'delete-ike') return [...effects, ...ikeGone(ctx, 'Delete acknowledged')];
  if (pending === 'delete-child') {
    // §1.4.1: the answer names the peer's inbound SPIs of the same pairs, our outbound ones.
    // An empty answer means the peer deleted them first (simultaneous Deletes): ours are gone either way.
    const asked = ctx.deletingSpis;
    ctx.deletingSpis = [];
    return [...effects, ...deleteChildren(ctx, (c) => asked.some((s) => equalBytes(s, c.spiIn))).effects];
  }
  return effects;
}

/** The peer's INFORMATIONAL request. */
export function respondInformational(ctx: Ikev2SaContext, messageId: number, inner: Ikev2Payload[]): Ikev2Effect[] {
  if (inner.length === 0) {
    if (ctx.config.liveness === 'owner') {
      ctx.held.add(messageId);
      return [ctx.event({ kind: 'liveness-request', messageId, ticket: messageId })];
    }
    return [ctx.event({ kind: 'liveness-request', messageId, ticket: messageId }), ...ctx.respond(INFORMATIONAL, messageId, []).effects];
  }
  const effects: Ikev2Effect[] = notifies(inner).map((n) => ctx.event({ kind: 'notify-received', notifyType: n.notifyType, response: false }));
  const deletes = inner.filter((p): p is Ikev2DeletePayload => p.kind === 'delete');
  effects.push(...deletes.map((d) => ctx.event({ kind: 'delete-received', protocolId: d.protocolId, spis: d.spis.map(hex) })));
  if (deletes.some((d) => d.protocolId === IKEV2_PROTOCOL_IDS.IKE)) {
    // §1.4.1: an IKE SA Delete is answered with an empty INFORMATIONAL, then the SA and its children are gone.
    return [...effects, ...ctx.respond(INFORMATIONAL, messageId, []).effects, ...ikeGone(ctx, 'Delete received')];
  }
  const spis = deletes.filter((d) => d.protocolId === IKEV2_PROTOCOL_IDS.ESP).flatMap((d) => d.spis);
  const { gone, effects: childEffects } = deleteChildren(ctx, (c) => spis.some((s) => equalBytes(s, c.spiOut)));
  const answer: Ikev2Payload[] = gone.length > 0 ? [{ kind: 'delete', protocolId: IKEV2_PROTOCOL_IDS.ESP, spiSize: 4, spis: gone.map((c) => c.spiIn) }] : [];
  return [...effects, ...ctx.respond(INFORMATIONAL, messageId, answer).effects, ...childEffects];
}

/** The owner answers a held liveness request now (late, or under a wrong message ID as a fault). */
export function answerLiveness(ctx: Ikev2SaContext, ticket: number, options: Ikev2SendOptions = {}): Ikev2Effect[] {
  if (!ctx.held.delete(ticket)) throw new IkeError('ERR_IKE_UNEXPECTED', `IKE SA ${ctx.id} holds no liveness request ${ticket}`);
  return ctx.respond(INFORMATIONAL, ticket, [], options).effects;
}
