/**
 * CREATE_CHILD_SA answered as responder (RFC 7296 §1.3): rekeying the CHILD_SA
 * (§1.3.3, REKEY_SA names the old one) and rekeying the IKE SA (§1.3.2, new
 * SPIs in the SA payload, keys from the old SK_d §2.18). The peer that rekeys
 * deletes the old SA afterwards (§2.8), which informational.ts handles; a
 * new IKE SA takes over the CHILD_SAs and starts its message IDs at 0.
 */
import { createDhKeyPair, dhSharedSecret, type DhGroup } from '../../crypto/dh-group.js';
import { IKEV2_EXCHANGE_TYPES, IKEV2_NOTIFY_TYPES, IKEV2_PROTOCOL_IDS, TRANSFORM_TYPES } from '../../wire/ikev2/constants.js';
import type { Ikev2KePayload, Ikev2Payload, Ikev2Proposal } from '../../wire/ikev2/types.js';
import { equalBytes, hex, nonZeroBytes } from '../bytes.js';
import type { Ikev2Effect } from './ikev2-effects.js';
import { childKeys, ikeSaCrypto } from './ikev2-keys.js';
import { find, findNotify, notify } from './ikev2-payload-helpers.js';
import { chooseEsp, chooseIke, chosenSaPayload, espProposalTransforms, groupOf, ikeProposalTransforms } from './ikev2-proposals.js';
import { Ikev2SaContext } from './ikev2-sa-context.js';
import { NONCE_LENGTH } from './ikev2-sa-init.js';

const CREATE_CHILD_SA = IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA;

export interface CreateChildOutcome {
  effects: Ikev2Effect[];
  /** The IKE SA an IKE rekey created, for the engine's table. */
  spawned?: Ikev2SaContext;
}

const invalidKe = (group: DhGroup) => notify(IKEV2_NOTIFY_TYPES.INVALID_KE_PAYLOAD, Uint8Array.of(group >> 8, group & 0xff));

/** The group of a PFS KE the proposal allows, if we can do it (§1.3.3: optional for a CHILD_SA). */
function pfsGroup(proposal: Ikev2Proposal, ke: Ikev2KePayload | undefined): DhGroup | undefined {
  if (!ke) return undefined;
  const offered = proposal.transforms.some((t) => t.transformType === TRANSFORM_TYPES.DH && t.transformId === ke.dhGroup);
  return offered ? groupOf(ke.dhGroup) : undefined;
}

export function respondCreateChild(ctx: Ikev2SaContext, messageId: number, inner: Ikev2Payload[]): CreateChildOutcome {
  const sa = find(inner, 'sa');
  const nonce = find(inner, 'nonce');
  const ke = find(inner, 'ke');
  const answer = (payloads: Ikev2Payload[]) => ctx.respond(CREATE_CHILD_SA, messageId, payloads).effects;
  if (!sa || !nonce) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.INVALID_SYNTAX)]) };
  if (sa.proposals[0]?.protocolId === IKEV2_PROTOCOL_IDS.IKE) return rekeyIke(ctx, messageId, inner);
  const rekey = findNotify(inner, IKEV2_NOTIFY_TYPES.REKEY_SA);
  // One CHILD_SA per IKE SA: a second one is refused (§1.3.1).
  const old = rekey && ctx.children.find((c) => c.state === 'established' && equalBytes(c.spiOut, rekey.spi));
  if (!rekey) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.NO_ADDITIONAL_SAS)]) };
  if (!old) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.CHILD_SA_NOT_FOUND, new Uint8Array(0), IKEV2_PROTOCOL_IDS.ESP, rekey.spi)]) };
  const chosen = chooseEsp(sa, ctx.config.childProposals);
  if (!chosen) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN)]) };
  const group = pfsGroup(chosen.proposal, ke);
  if (ke && group === undefined) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN)]) };
  const dh = group === undefined ? undefined : createDhKeyPair(group, ctx.config.random);
  const nr = ctx.config.random.bytes(NONCE_LENGTH);
  const spiIn = nonZeroBytes(ctx.config.random, 4);
  const gir = dh && ke ? dhSharedSecret(dh, ke.data) : undefined;
  const transforms = [...espProposalTransforms(chosen.accepted), ...(group === undefined ? [] : [{ transformType: TRANSFORM_TYPES.DH, transformId: group, attributes: [] }])];
  const tsi = find(inner, 'tsi');
  const tsr = find(inner, 'tsr');
  const child = { spiIn, spiOut: chosen.proposal.spi, proposal: chosen.accepted, keys: childKeys(ctx.crypto!, chosen.accepted, nonce.data, nr, gir), state: 'established' as const };
  ctx.children.push(child);
  const effects = answer([
    chosenSaPayload(chosen.proposal, transforms, spiIn),
    { kind: 'nonce', data: nr },
    ...(dh ? [{ kind: 'ke' as const, dhGroup: dh.group, data: dh.publicKey }] : []),
    ...(tsi ? [tsi] : []),
    ...(tsr ? [tsr] : []),
  ]);
  return {
    effects: [...effects, ctx.childEvent(child, 'established'), ctx.event({ kind: 'rekeyed', sa: 'child', old: hex(old.spiIn), new: hex(spiIn) })],
  };
}

function rekeyIke(ctx: Ikev2SaContext, messageId: number, inner: Ikev2Payload[]): CreateChildOutcome {
  const sa = find(inner, 'sa')!;
  const nonce = find(inner, 'nonce')!;
  const ke = find(inner, 'ke');
  const answer = (payloads: Ikev2Payload[]) => ctx.respond(CREATE_CHILD_SA, messageId, payloads).effects;
  const chosen = chooseIke(sa, ctx.config.proposals);
  if (!chosen || chosen.proposal.spi.length !== 8) return { effects: answer([notify(IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN)]) };
  if (!ke || ke.dhGroup !== chosen.accepted.group) return { effects: answer([invalidKe(chosen.accepted.group)]) };
  const dh = createDhKeyPair(chosen.accepted.group, ctx.config.random);
  const nr = ctx.config.random.bytes(NONCE_LENGTH);
  // §2.18: whoever rekeys is the new SA's original initiator, its SPI the new SPIi.
  const next = new Ikev2SaContext(ctx.config, ctx.local, ctx.remote, false, chosen.proposal.spi, nonZeroBytes(ctx.config.random, 8), 'established');
  next.crypto = ikeSaCrypto(chosen.accepted, { ni: nonce.data, nr, spiI: next.spiI, spiR: next.spiR, gir: dhSharedSecret(dh, ke.data) }, ctx.crypto);
  next.children = ctx.children;
  ctx.children = [];
  const effects = answer([chosenSaPayload(chosen.proposal, ikeProposalTransforms(chosen.accepted), next.spiR), { kind: 'nonce', data: nr }, { kind: 'ke', dhGroup: dh.group, data: dh.publicKey }]);
  return {
    effects: [...effects, next.keysEvent(), next.ikeState('established', `rekey of ${ctx.id}`), ctx.event({ kind: 'rekeyed', sa: 'ike', old: ctx.id, new: next.id })],
    spawned: next,
  };
}
