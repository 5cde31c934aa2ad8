/** The `ike.ikev2_proposals` and `ike.ikev2_esp_proposals` of an IKEv2 profile, checked beyond what the schema can say. */
import type { Ikev2EspProposalSpec, Ikev2Proposal } from './device-profile.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema check has vouched for the shape of the list */
type Fail = (path: (string | number)[], message: string) => never;

export const DEFAULT_IKEV2_PROPOSAL: Ikev2Proposal = { encryption: ['aes-cbc-128'], integrity: ['hmac-sha2-256-128'], prf: ['hmac-sha2-256'], group: ['modp2048'] };

/** RFC 7296 §3.3: a proposal with a combined-mode cipher has no integrity transform; one without needs one. */
function checkCipherKinds(p: any, at: (string | number)[], bad: Fail): void {
  const aead = p.encryption.map((e: string) => e.startsWith('aes-gcm'));
  if (new Set(aead).size > 1) bad([...at, 'encryption'], 'AES-GCM and AES-CBC need separate proposals (GCM takes no integrity transform, CBC needs one)');
  if (aead[0] && p.integrity !== undefined) bad([...at, 'integrity'], 'AES-GCM carries its own integrity: leave integrity out (RFC 5282)');
  if (!aead[0] && p.integrity === undefined) bad(at, 'AES-CBC needs integrity (hmac-sha1-96 or hmac-sha2-256-128)');
}

export function loadIkev2Proposals(list: any[] | undefined, bad: Fail): Ikev2Proposal[] {
  return (list ?? [DEFAULT_IKEV2_PROPOSAL]).map((p: any, i: number) => {
    checkCipherKinds(p, ['ike', 'ikev2_proposals', i], bad);
    return { encryption: [...p.encryption], integrity: [...(p.integrity ?? [])], prf: [...p.prf], group: [...p.group] };
  });
}

/**
 * The CHILD_SA (ESP) proposals. Absent: the ciphers and integrity of ikev2_proposals, for a DUT
 * that proposes the same algorithms for IKE and ESP; a router whose esp_proposals differ says so here.
 */
export function loadIkev2EspProposals(list: any[] | undefined, ikeProposals: Ikev2Proposal[], bad: Fail): Ikev2EspProposalSpec[] {
  if (list === undefined) return ikeProposals.map((p) => ({ encryption: [...p.encryption], integrity: [...p.integrity] }));
  return list.map((p: any, i: number) => {
    checkCipherKinds(p, ['ike', 'ikev2_esp_proposals', i], bad);
    return { encryption: [...p.encryption], integrity: [...(p.integrity ?? [])] };
  });
}
