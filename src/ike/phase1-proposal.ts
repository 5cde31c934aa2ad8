/**
 * The phase-1 SA payload (RFC 2409 §5, attributes App. A): the initiator's
 * offer, the responder's choice, and reading the choice back. One proposal
 * holding one transform per algorithm set, as strongSwan offers
 * (protocol-digest.md §1.3).
 */
import type { CipherAlgorithm } from '../crypto/cbc-cipher.js';
import type { DhGroup } from '../crypto/dh-group.js';
import type { HashAlgorithm } from '../crypto/hash-algorithm.js';
import {
  DOI,
  IKE_ATTRIBUTE_TYPES as A,
  IKE_AUTHENTICATION_METHODS,
  IKE_ENCRYPTION_ALGORITHMS,
  IKE_HASH_ALGORITHMS,
  ISAKMP_TRANSFORM_IDS,
  LIFE_TYPES,
  PROTOCOL_IDS,
  SITUATIONS,
} from '../wire/constants.js';
import type { Attribute, SaPayload, TransformPayload } from '../wire/types.js';
import type { Phase1Proposal } from './engine-config.js';
import { acceptedTransform, chooseTransform, type SaKind } from './sa-negotiation.js';
import { attributeReader, cipherKeyLength, lifetimeSeconds, nameOf } from './transform-attributes.js';

const CIPHER_IDS: Record<CipherAlgorithm, number> = {
  'aes-cbc': IKE_ENCRYPTION_ALGORITHMS.AES_CBC,
  '3des-cbc': IKE_ENCRYPTION_ALGORITHMS['3DES_CBC'],
};

const HASH_IDS: Record<HashAlgorithm, number> = {
  md5: IKE_HASH_ALGORITHMS.MD5,
  sha1: IKE_HASH_ALGORITHMS.SHA1,
  sha256: IKE_HASH_ALGORITHMS.SHA2_256,
  sha384: IKE_HASH_ALGORITHMS.SHA2_384,
  sha512: IKE_HASH_ALGORITHMS.SHA2_512,
};

const SUPPORTED_GROUPS: readonly DhGroup[] = [2, 5, 14, 15, 16, 19, 20];

export function phase1Transform(p: Phase1Proposal, transformNumber: number): TransformPayload {
  const attributes: Attribute[] = [{ type: A.ENCRYPTION_ALGORITHM, value: CIPHER_IDS[p.cipher] }];
  // Key length in bits, only for variable-length ciphers (RFC 2409 App. A class 14).
  if (p.cipher === 'aes-cbc') attributes.push({ type: A.KEY_LENGTH, value: p.keyLength * 8 });
  attributes.push(
    { type: A.HASH_ALGORITHM, value: HASH_IDS[p.hash] },
    { type: A.AUTHENTICATION_METHOD, value: IKE_AUTHENTICATION_METHODS.PRE_SHARED_KEY },
    { type: A.GROUP_DESCRIPTION, value: p.group },
    { type: A.LIFE_TYPE, value: LIFE_TYPES.SECONDS },
    { type: A.LIFE_DURATION, value: p.lifetimeSeconds },
  );
  return { transformNumber, transformId: ISAKMP_TRANSFORM_IDS.KEY_IKE, attributes };
}

export function phase1Offer(proposals: readonly Phase1Proposal[]): SaPayload {
  return {
    kind: 'sa',
    doi: DOI.IPSEC,
    situation: SITUATIONS.IDENTITY_ONLY,
    proposals: [
      {
        proposalNumber: 1,
        protocolId: PROTOCOL_IDS.ISAKMP,
        spi: new Uint8Array(0),
        transforms: proposals.map((p, i) => phase1Transform(p, i + 1)),
      },
    ],
  };
}

const PHASE1: SaKind<Phase1Proposal> = {
  fits: (proposal) => proposal.protocolId === PROTOCOL_IDS.ISAKMP,
  read(t) {
    const get = attributeReader(t);
    const cipher = nameOf(CIPHER_IDS, get(A.ENCRYPTION_ALGORITHM));
    const hash = nameOf(HASH_IDS, get(A.HASH_ALGORITHM));
    const group = get(A.GROUP_DESCRIPTION) as DhGroup | undefined;
    if (!cipher || !hash || group === undefined || !SUPPORTED_GROUPS.includes(group)) return undefined;
    if (get(A.AUTHENTICATION_METHOD) !== IKE_AUTHENTICATION_METHODS.PRE_SHARED_KEY) return undefined;
    const keyLength = cipherKeyLength(cipher, get(A.KEY_LENGTH));
    if (cipher === 'aes-cbc' && ![16, 24, 32].includes(keyLength)) return undefined;
    return { cipher, keyLength, hash, group, lifetimeSeconds: lifetimeSeconds(get(A.LIFE_TYPE), get(A.LIFE_DURATION)) };
  },
  sameAlgorithms: (a, b) => a.cipher === b.cipher && a.keyLength === b.keyLength && a.hash === b.hash && a.group === b.group,
};

/** Responder: the first offered transform that matches an acceptable proposal, as the one-transform SA payload to answer with. */
export function choosePhase1(offer: SaPayload, acceptable: readonly Phase1Proposal[]): { chosen: Phase1Proposal; reply: SaPayload } | undefined {
  return chooseTransform(PHASE1, offer, acceptable);
}

/** Initiator: the responder's choice, provided it is one of the transforms offered. */
export function acceptedPhase1(reply: SaPayload, offered: readonly Phase1Proposal[]): Phase1Proposal | undefined {
  return acceptedTransform(PHASE1, reply, offered)?.chosen;
}
