/**
 * The keys of one IKE SA (RFC 7296 §2.14, rekeyed §2.18) and of one CHILD_SA
 * (§2.17), from the chosen proposals, nonces, SPIs and DH secret.
 */
import { childSaKeymat, deriveIkeSaKeys, rekeySkeyseed, skeyseed, type IkeSaKeys } from '../../crypto/ikev2-key-schedule.js';
import type { Ikev2Prf } from '../../crypto/ikev2-prf.js';
import { skKeyLengths, type SkSuite } from '../../crypto/ikev2-sk-protection.js';
import { hex } from '../bytes.js';
import type { Ikev2EspProposal, Ikev2IkeProposal } from './ikev2-config.js';
import type { Ikev2SaKeys } from './ikev2-effects.js';

export interface IkeKeyInput {
  ni: Uint8Array;
  nr: Uint8Array;
  spiI: Uint8Array;
  spiR: Uint8Array;
  gir: Uint8Array;
}

export interface IkeSaCrypto {
  suite: SkSuite;
  prf: Ikev2Prf;
  keys: IkeSaKeys;
}

export function suiteOf(p: { encryption: Ikev2IkeProposal['encryption']; integrity?: Ikev2IkeProposal['integrity'] }): SkSuite {
  return (p.integrity === undefined ? { encryption: p.encryption } : { encryption: p.encryption, integrity: p.integrity }) as SkSuite;
}

/** RFC 7296 §2.14, or §2.18 when `oldSa` (the rekeyed SA: its SK_d under its own PRF) is given. */
export function ikeSaCrypto(proposal: Ikev2IkeProposal, input: IkeKeyInput, oldSa?: IkeSaCrypto): IkeSaCrypto {
  const suite = suiteOf(proposal);
  // §2.18: the rekeying exchange belongs to the old SA, so its PRF makes SKEYSEED.
  const seed = oldSa ? rekeySkeyseed(oldSa.prf, oldSa.keys.skD, input.gir, input.ni, input.nr) : skeyseed(proposal.prf, input.ni, input.nr, input.gir);
  const keys = deriveIkeSaKeys(proposal.prf, seed, { ni: input.ni, nr: input.nr }, { spiI: input.spiI, spiR: input.spiR }, skKeyLengths(suite));
  return { suite, prf: proposal.prf, keys };
}

/** Wireshark's names for the ikev2_decryption_table enumerations (epan/dissectors/packet-isakmp.c). */
const WIRESHARK_ENCRYPTION: Record<SkSuite['encryption'], string> = {
  'aes-cbc-128': 'AES-CBC-128 [RFC3602]',
  'aes-cbc-256': 'AES-CBC-256 [RFC3602]',
  'aes-gcm-16-128': 'AES-GCM-128 with 16 octet ICV [RFC5282]',
  'aes-gcm-16-256': 'AES-GCM-256 with 16 octet ICV [RFC5282]',
};
const WIRESHARK_INTEGRITY: Record<string, string> = {
  'hmac-sha1-96': 'HMAC_SHA1_96 [RFC2404]',
  'hmac-sha256-128': 'HMAC_SHA2_256_128 [RFC4868]',
  none: 'NONE [RFC4306]',
};

export function saKeysRecord(crypto: IkeSaCrypto, spiI: Uint8Array, spiR: Uint8Array): Ikev2SaKeys {
  const k = crypto.keys;
  return {
    spiI: hex(spiI),
    spiR: hex(spiR),
    skEi: hex(k.skEi),
    skEr: hex(k.skEr),
    skAi: hex(k.skAi),
    skAr: hex(k.skAr),
    encryption: WIRESHARK_ENCRYPTION[crypto.suite.encryption],
    integrity: WIRESHARK_INTEGRITY[crypto.suite.integrity ?? 'none'] as string,
  };
}

export interface ChildKeys {
  /** Initiator→responder and responder→initiator, encryption then integrity (§2.17). */
  encryptionIr: Uint8Array;
  integrityIr: Uint8Array;
  encryptionRi: Uint8Array;
  integrityRi: Uint8Array;
}

/** RFC 7296 §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), ESP keys as RFC 4303 and RFC 4106 lay them out. */
export function childKeys(ike: IkeSaCrypto, esp: Ikev2EspProposal, ni: Uint8Array, nr: Uint8Array, girNew?: Uint8Array): ChildKeys {
  const lengths = skKeyLengths(suiteOf(esp));
  const keymat = childSaKeymat(ike.prf, ike.keys.skD, girNew, ni, nr, 2 * (lengths.encryption + lengths.integrity));
  let at = 0;
  const take = (n: number): Uint8Array => keymat.slice(at, (at += n));
  return { encryptionIr: take(lengths.encryption), integrityIr: take(lengths.integrity), encryptionRi: take(lengths.encryption), integrityRi: take(lengths.integrity) };
}
