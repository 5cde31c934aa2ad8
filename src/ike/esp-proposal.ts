/**
 * The Quick Mode SA payload for tunnel-mode ESP (RFC 2409 §5.5, attributes
 * RFC 2407 §4.5). The proposal's SPI is the sender's inbound SPI
 * (protocol-digest.md §1.3).
 */
import type { CipherAlgorithm } from '../crypto/cbc-cipher.js';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import type { DhGroup } from '../crypto/dh-group.js';
import { quickModeEspSas, type EspSaPair, type QuickModeSaInput } from '../crypto/esp-keys.js';
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
import type { Keys } from './sa-context.js';
import { acceptedTransform, chooseTransform, type SaChoice, type SaKind } from './sa-negotiation.js';
import { attributeReader, cipherKeyLength, lifetimeSeconds, nameOf } from './transform-attributes.js';

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

function espTransform(p: EspProposal, transformNumber: number, encapsulation: number): TransformPayload {
  const attributes: Attribute[] = [
    { type: A.SA_LIFE_TYPE, value: LIFE_TYPES.SECONDS },
    { type: A.SA_LIFE_DURATION, value: p.lifetimeSeconds },
  ];
  if (p.pfsGroup !== undefined) attributes.push({ type: A.GROUP_DESCRIPTION, value: p.pfsGroup });
  attributes.push(
    { type: A.ENCAPSULATION_MODE, value: encapsulation },
    { type: A.AUTHENTICATION_ALGORITHM, value: INTEGRITY_IDS[p.integrity] },
  );
  if (p.cipher === 'aes-cbc') attributes.push({ type: A.KEY_LENGTH, value: p.keyLength * 8 });
  return { transformNumber, transformId: CIPHER_IDS[p.cipher], attributes };
}

/** One ESP proposal per configured set, each with our inbound SPI; UDP-Tunnel through a NAT (RFC 3947 §5.1). */
export function espOffer(proposals: readonly EspProposal[], spi: Uint8Array, encapsulation: number = ENCAPSULATION_MODES.TUNNEL): SaPayload {
  return {
    kind: 'sa',
    doi: DOI.IPSEC,
    situation: SITUATIONS.IDENTITY_ONLY,
    proposals: proposals.map((p, i) => ({
      proposalNumber: i + 1,
      protocolId: PROTOCOL_IDS.IPSEC_ESP,
      spi,
      transforms: [espTransform(p, 1, encapsulation)],
    })),
  };
}

/** Tunnel mode, plain or in UDP (RFC 3947 §5.1, and the draft-02 value). */
const TUNNEL_MODES = new Set<number>([ENCAPSULATION_MODES.TUNNEL, ENCAPSULATION_MODES.UDP_TUNNEL, ENCAPSULATION_MODES.UDP_TUNNEL_DRAFT]);

const ESP: SaKind<EspProposal> = {
  fits: (proposal) => proposal.protocolId === PROTOCOL_IDS.IPSEC_ESP && proposal.spi.length === 4,
  read(t) {
    const get = attributeReader(t);
    const cipher = nameOf(CIPHER_IDS, t.transformId);
    const integrity = nameOf(INTEGRITY_IDS, get(A.AUTHENTICATION_ALGORITHM));
    if (!cipher || !integrity) return undefined;
    if (!TUNNEL_MODES.has(get(A.ENCAPSULATION_MODE) ?? ENCAPSULATION_MODES.TUNNEL)) return undefined;
    const group = get(A.GROUP_DESCRIPTION);
    return {
      cipher,
      keyLength: cipherKeyLength(cipher, get(A.KEY_LENGTH)),
      integrity,
      lifetimeSeconds: lifetimeSeconds(get(A.SA_LIFE_TYPE), get(A.SA_LIFE_DURATION)),
      ...(group === undefined ? {} : { pfsGroup: group as DhGroup }),
    };
  },
  sameAlgorithms: (a, b) => a.cipher === b.cipher && a.keyLength === b.keyLength && a.integrity === b.integrity && a.pfsGroup === b.pfsGroup,
};

/** `peerSpi`: the other side's inbound SPI (our outbound). */
export type EspChoice = SaChoice<EspProposal>;

/** Responder: the first offered ESP transform we accept, and the reply SA carrying our SPI. */
export function chooseEsp(offer: SaPayload, acceptable: readonly EspProposal[], spi: Uint8Array): (EspChoice & { reply: SaPayload }) | undefined {
  return chooseTransform(ESP, offer, acceptable, spi);
}

/** Initiator: the responder's choice, provided it is one we offered. */
export function acceptedEsp(reply: SaPayload, offered: readonly EspProposal[]): EspChoice | undefined {
  return acceptedTransform(ESP, reply, offered);
}

/** The ESP suite of a negotiated proposal; undefined for the transforms ESP protection does not implement (3DES, MD5, SHA-384/512). */
export function espSuiteOf(p: EspProposal): CipherSuite | undefined {
  if (p.cipher !== 'aes-cbc' || (p.keyLength !== 16 && p.keyLength !== 32)) return undefined;
  const encryption = p.keyLength === 16 ? 'aes-cbc-128' : 'aes-cbc-256';
  // RFC 2404 (HMAC-SHA1-96) and RFC 4868 §2.3 (HMAC-SHA-256-128) are what IPsec's auth algorithms 2 and 5 mean for ESP.
  if (p.integrity === 'sha1') return { encryption, integrity: 'hmac-sha1-96' };
  if (p.integrity === 'sha256') return { encryption, integrity: 'hmac-sha256-128' };
  return undefined;
}

/** Both directions' ESP SAs of a completed Quick Mode, keyed from SKEYID_d (RFC 2409 §5.5). */
export function childEspSas(keys: Keys, chosen: EspProposal, material: Omit<QuickModeSaInput, 'prf' | 'skeyidD' | 'suite'>): EspSaPair | undefined {
  const suite = espSuiteOf(chosen);
  return suite && quickModeEspSas({ prf: keys.proposal.hash, skeyidD: keys.skeyidD, suite, ...material });
}
