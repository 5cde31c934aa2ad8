/**
 * The Quick Mode SA payload for tunnel-mode ESP (RFC 2409 §5.5, attributes
 * RFC 2407 §4.5). The proposal's SPI is the sender's inbound SPI
 * (protocol-digest.md §1.3).
 */
import type { CipherAlgorithm } from '../crypto/cbc-cipher.js';
import type { DhGroup } from '../crypto/dh-group.js';
import {
  DOI,
  ENCAPSULATION_MODES,
  ESP_TRANSFORM_IDS,
  IPSEC_ATTRIBUTE_TYPES as A,
  IPSEC_AUTHENTICATION_ALGORITHMS,
  LIFE_TYPES,
  PROTOCOL_IDS,
  SITUATIONS,
} from '../wire/constants.js';
import type { Attribute, SaPayload, TransformPayload } from '../wire/types.js';
import type { EspIntegrity, EspProposal } from './engine-config.js';

const CIPHER_IDS: Record<CipherAlgorithm, number> = {
  'aes-cbc': ESP_TRANSFORM_IDS.AES_CBC,
  '3des-cbc': ESP_TRANSFORM_IDS['3DES'],
};

const INTEGRITY_IDS: Record<EspIntegrity, number> = {
  md5: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_MD5,
  sha1: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_SHA1,
  sha256: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_SHA2_256,
  sha384: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_SHA2_384,
  sha512: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_SHA2_512,
};

function keyFor<K extends string>(table: Record<K, number>, value: number): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === value);
}

function espTransform(p: EspProposal, transformNumber: number): TransformPayload {
  const attributes: Attribute[] = [
    { type: A.SA_LIFE_TYPE, value: LIFE_TYPES.SECONDS },
    { type: A.SA_LIFE_DURATION, value: p.lifetimeSeconds },
  ];
  if (p.pfsGroup !== undefined) attributes.push({ type: A.GROUP_DESCRIPTION, value: p.pfsGroup });
  attributes.push(
    { type: A.ENCAPSULATION_MODE, value: ENCAPSULATION_MODES.TUNNEL },
    { type: A.AUTHENTICATION_ALGORITHM, value: INTEGRITY_IDS[p.integrity] },
  );
  if (p.cipher === 'aes-cbc') attributes.push({ type: A.KEY_LENGTH, value: p.keyLength * 8 });
  return { transformNumber, transformId: CIPHER_IDS[p.cipher], attributes };
}

/** One ESP proposal per configured set, each with our inbound SPI. */
export function espOffer(proposals: readonly EspProposal[], spi: Uint8Array): SaPayload {
  return {
    kind: 'sa',
    doi: DOI.IPSEC,
    situation: SITUATIONS.IDENTITY_ONLY,
    proposals: proposals.map((p, i) => ({
      proposalNumber: i + 1,
      protocolId: PROTOCOL_IDS.IPSEC_ESP,
      spi,
      transforms: [espTransform(p, 1)],
    })),
  };
}

function numeric(attr: Attribute | undefined): number | undefined {
  if (!attr) return undefined;
  if (typeof attr.value === 'number') return attr.value;
  if (attr.value.length > 6) return undefined;
  return attr.value.reduce((n, b) => n * 256 + b, 0);
}

function readEspTransform(t: TransformPayload): EspProposal | undefined {
  const get = (type: number): number | undefined => numeric(t.attributes.find((a) => a.type === type));
  const cipher = keyFor(CIPHER_IDS, t.transformId);
  const integrity = keyFor(INTEGRITY_IDS, get(A.AUTHENTICATION_ALGORITHM) ?? -1);
  if (!cipher || !integrity) return undefined;
  if ((get(A.ENCAPSULATION_MODE) ?? ENCAPSULATION_MODES.TUNNEL) !== ENCAPSULATION_MODES.TUNNEL) return undefined;
  const bits = get(A.KEY_LENGTH);
  const keyLength = cipher === '3des-cbc' ? 24 : bits === undefined ? 16 : bits / 8;
  const group = get(A.GROUP_DESCRIPTION);
  // RFC 2407 §4.5: 28800 s when no lifetime is given.
  const lifetimeSeconds = get(A.SA_LIFE_TYPE) === LIFE_TYPES.SECONDS ? (get(A.SA_LIFE_DURATION) ?? 28800) : 28800;
  return { cipher, keyLength, integrity, lifetimeSeconds, ...(group === undefined ? {} : { pfsGroup: group as DhGroup }) };
}

const sameAlgorithms = (a: EspProposal, b: EspProposal): boolean =>
  a.cipher === b.cipher && a.keyLength === b.keyLength && a.integrity === b.integrity && a.pfsGroup === b.pfsGroup;

export interface EspChoice {
  chosen: EspProposal;
  /** The other side's inbound SPI (our outbound). */
  peerSpi: Uint8Array;
}

/** Responder: the first offered ESP transform we accept, and the reply SA carrying our SPI. */
export function chooseEsp(offer: SaPayload, acceptable: readonly EspProposal[], spi: Uint8Array): (EspChoice & { reply: SaPayload }) | undefined {
  for (const proposal of offer.proposals) {
    if (proposal.protocolId !== PROTOCOL_IDS.IPSEC_ESP || proposal.spi.length !== 4) continue;
    for (const t of proposal.transforms) {
      const chosen = readEspTransform(t);
      if (!chosen || !acceptable.some((a) => sameAlgorithms(a, chosen))) continue;
      const transform: TransformPayload = { transformNumber: t.transformNumber, transformId: t.transformId, attributes: t.attributes };
      return {
        chosen,
        peerSpi: proposal.spi,
        reply: {
          kind: 'sa',
          doi: offer.doi,
          situation: offer.situation,
          proposals: [{ proposalNumber: proposal.proposalNumber, protocolId: proposal.protocolId, spi, transforms: [transform] }],
        },
      };
    }
  }
  return undefined;
}

/** Initiator: the responder's choice, provided it is one we offered. */
export function acceptedEsp(reply: SaPayload, offered: readonly EspProposal[]): EspChoice | undefined {
  const proposal = reply.proposals.length === 1 ? reply.proposals[0] : undefined;
  if (!proposal || proposal.protocolId !== PROTOCOL_IDS.IPSEC_ESP || proposal.spi.length !== 4 || proposal.transforms.length !== 1) return undefined;
  const chosen = readEspTransform(proposal.transforms[0]);
  return chosen && offered.some((o) => sameAlgorithms(o, chosen)) ? { chosen, peerSpi: proposal.spi } : undefined;
}
