/**
 * IKE and ESP proposals as SA payloads (RFC 7296 §3.3) and the responder's
 * choice among them (§2.7: one proposal, one transform of each type).
 */
import type { DhGroup } from '../../crypto/dh-group.js';
import type { Ikev2Prf } from '../../crypto/ikev2-prf.js';
import type { SkEncryption, SkIntegrity } from '../../crypto/ikev2-sk-protection.js';
import { DH_IDS, ENCR_IDS, ESN_IDS, IKEV2_ATTRIBUTE_TYPES, IKEV2_PROTOCOL_IDS, INTEG_IDS, PRF_IDS, TRANSFORM_TYPES } from '../../wire/ikev2/constants.js';
import type { Ikev2Proposal, Ikev2SaPayload, Ikev2Transform } from '../../wire/ikev2/types.js';
import type { Ikev2EspProposal, Ikev2IkeProposal } from './ikev2-config.js';

const ENCRYPTION: Record<SkEncryption, { id: number; bits: number }> = {
  'aes-cbc-128': { id: ENCR_IDS.AES_CBC, bits: 128 },
  'aes-cbc-256': { id: ENCR_IDS.AES_CBC, bits: 256 },
  'aes-gcm-16-128': { id: ENCR_IDS.AES_GCM_16, bits: 128 },
  'aes-gcm-16-256': { id: ENCR_IDS.AES_GCM_16, bits: 256 },
};
const INTEGRITY: Record<SkIntegrity, number> = { 'hmac-sha1-96': INTEG_IDS.HMAC_SHA1_96, 'hmac-sha256-128': INTEG_IDS.HMAC_SHA2_256_128 };
const PRF: Record<Ikev2Prf, number> = { 'hmac-sha1': PRF_IDS.HMAC_SHA1, 'hmac-sha256': PRF_IDS.HMAC_SHA2_256 };
const GROUPS: Record<number, DhGroup> = { [DH_IDS.MODP_2048]: 14, [DH_IDS.ECP_256]: 19, [DH_IDS.ECP_384]: 20 };

const transform = (transformType: number, transformId: number, keyBits?: number): Ikev2Transform => ({
  transformType,
  transformId,
  attributes: keyBits === undefined ? [] : [{ type: IKEV2_ATTRIBUTE_TYPES.KEY_LENGTH, value: keyBits }],
});

function encryptionTransforms(encryption: SkEncryption, integrity: SkIntegrity | undefined): Ikev2Transform[] {
  const e = ENCRYPTION[encryption];
  return [transform(TRANSFORM_TYPES.ENCR, e.id, e.bits), ...(integrity ? [transform(TRANSFORM_TYPES.INTEG, INTEGRITY[integrity])] : [])];
}

export function ikeProposalTransforms(p: Ikev2IkeProposal): Ikev2Transform[] {
  return [...encryptionTransforms(p.encryption, p.integrity), transform(TRANSFORM_TYPES.PRF, PRF[p.prf]), transform(TRANSFORM_TYPES.DH, p.group)];
}

export function espProposalTransforms(p: Ikev2EspProposal): Ikev2Transform[] {
  return [...encryptionTransforms(p.encryption, p.integrity), transform(TRANSFORM_TYPES.ESN, ESN_IDS.NO_ESN)];
}

/** The SA payload offering `proposals`; `spi` empty in IKE_SA_INIT, 8 bytes for an IKE rekey (§3.3.1), 4 for ESP. */
export function ikeSaPayload(proposals: readonly Ikev2IkeProposal[], spi = new Uint8Array(0)): Ikev2SaPayload {
  return {
    kind: 'sa',
    proposals: proposals.map((p, i) => ({ proposalNumber: i + 1, protocolId: IKEV2_PROTOCOL_IDS.IKE, spi, transforms: ikeProposalTransforms(p) })),
  };
}

export function espSaPayload(proposals: readonly Ikev2EspProposal[], spi: Uint8Array): Ikev2SaPayload {
  return {
    kind: 'sa',
    proposals: proposals.map((p, i) => ({ proposalNumber: i + 1, protocolId: IKEV2_PROTOCOL_IDS.ESP, spi, transforms: espProposalTransforms(p) })),
  };
}

/** The answer's SA payload: the one chosen proposal under its number (§3.3.6). */
export function chosenSaPayload(proposal: Ikev2Proposal, transforms: Ikev2Transform[], spi: Uint8Array): Ikev2SaPayload {
  return { kind: 'sa', proposals: [{ proposalNumber: proposal.proposalNumber, protocolId: proposal.protocolId, spi, transforms }] };
}

const keyBitsOf = (t: Ikev2Transform): number | undefined => {
  const v = t.attributes.find((a) => a.type === IKEV2_ATTRIBUTE_TYPES.KEY_LENGTH)?.value;
  return typeof v === 'number' ? v : undefined;
};

function has(p: Ikev2Proposal, type: number, id: number, keyBits?: number): boolean {
  return p.transforms.some((t) => t.transformType === type && t.transformId === id && (keyBits === undefined || keyBitsOf(t) === keyBits));
}

function offersEncryption(p: Ikev2Proposal, encryption: SkEncryption, integrity: SkIntegrity | undefined): boolean {
  const e = ENCRYPTION[encryption];
  if (!has(p, TRANSFORM_TYPES.ENCR, e.id, e.bits)) return false;
  if (integrity) return has(p, TRANSFORM_TYPES.INTEG, INTEGRITY[integrity]);
  return !p.transforms.some((t) => t.transformType === TRANSFORM_TYPES.INTEG && t.transformId !== INTEG_IDS.NONE);
}

export interface Chosen<T> {
  proposal: Ikev2Proposal;
  accepted: T;
}

/**
 * The first of the peer's IKE proposals that carries one of ours (ours in our order of
 * preference within it); the DH group is judged separately (INVALID_KE_PAYLOAD, §1.2).
 */
export function chooseIke(sa: Ikev2SaPayload, ours: readonly Ikev2IkeProposal[]): Chosen<Ikev2IkeProposal> | undefined {
  for (const proposal of sa.proposals) {
    if (proposal.protocolId !== IKEV2_PROTOCOL_IDS.IKE) continue;
    const accepted = ours.find((o) => offersEncryption(proposal, o.encryption, o.integrity) && has(proposal, TRANSFORM_TYPES.PRF, PRF[o.prf]) && has(proposal, TRANSFORM_TYPES.DH, o.group));
    if (accepted) return { proposal, accepted };
  }
  return undefined;
}

export function chooseEsp(sa: Ikev2SaPayload, ours: readonly Ikev2EspProposal[]): Chosen<Ikev2EspProposal> | undefined {
  for (const proposal of sa.proposals) {
    if (proposal.protocolId !== IKEV2_PROTOCOL_IDS.ESP || proposal.spi.length !== 4) continue;
    const accepted = ours.find((o) => offersEncryption(proposal, o.encryption, o.integrity) && has(proposal, TRANSFORM_TYPES.ESN, ESN_IDS.NO_ESN));
    if (accepted) return { proposal, accepted };
  }
  return undefined;
}

/** Which of our proposals a responder's one-proposal answer names; undefined if it is not one we offered. */
export function acceptedIke(sa: Ikev2SaPayload, ours: readonly Ikev2IkeProposal[]): Ikev2IkeProposal | undefined {
  const [p] = sa.proposals;
  if (!p || sa.proposals.length !== 1) return undefined;
  return ours.find((o) => offersEncryption(p, o.encryption, o.integrity) && has(p, TRANSFORM_TYPES.PRF, PRF[o.prf]) && has(p, TRANSFORM_TYPES.DH, o.group));
}

export function acceptedEsp(sa: Ikev2SaPayload, ours: readonly Ikev2EspProposal[]): Ikev2EspProposal | undefined {
  const [p] = sa.proposals;
  if (!p || sa.proposals.length !== 1 || p.spi.length !== 4) return undefined;
  return ours.find((o) => offersEncryption(p, o.encryption, o.integrity));
}

/** The DH groups the peer's chosen proposal allows, for INVALID_KE_PAYLOAD's suggestion (§1.3). */
export function groupOf(id: number): DhGroup | undefined {
  return GROUPS[id];
}
