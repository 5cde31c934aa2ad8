/**
 * The IKEv2 key schedule (RFC 7296 §2.14, §2.17, §2.18) and the pre-shared-key
 * AUTH value (§2.15). Nonces are the Nonce payload bodies, SPIs the 8-byte header
 * fields, g^ir the DH shared secret as dhSharedSecret() returns it.
 */
import { CryptoError } from '../errors.js';
import { concatBytes } from './bytes.js';
import { ikev2Prf, ikev2PrfLength, prfPlus, type Ikev2Prf } from './ikev2-prf.js';

const SPI_LENGTH = 8;

/** RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir). */
export function skeyseed(prf: Ikev2Prf, ni: Uint8Array, nr: Uint8Array, gir: Uint8Array): Uint8Array {
  return ikev2Prf(prf, concatBytes(ni, nr), gir);
}

/** RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the new exchange's nonces. */
export function rekeySkeyseed(prf: Ikev2Prf, oldSkD: Uint8Array, girNew: Uint8Array | undefined, ni: Uint8Array, nr: Uint8Array): Uint8Array {
  return ikev2Prf(prf, oldSkD, ...(girNew === undefined ? [] : [girNew]), ni, nr);
}

export interface IkeSaKeyLengths {
  /** SK_ai / SK_ar: the integrity key length, 0 with an AEAD cipher. */
  integrity: number;
  /** SK_ei / SK_er: the cipher key length, plus the 4-byte salt for AES-GCM (RFC 5282 §7.1). */
  encryption: number;
}

export interface IkeSaKeys {
  skD: Uint8Array;
  skAi: Uint8Array;
  skAr: Uint8Array;
  skEi: Uint8Array;
  skEr: Uint8Array;
  skPi: Uint8Array;
  skPr: Uint8Array;
}

function requireSpi(name: string, spi: Uint8Array): void {
  if (spi.length !== SPI_LENGTH) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `${name} of ${spi.length} bytes (must be ${SPI_LENGTH})`);
}

/**
 * RFC 7296 §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr),
 * SK_d, SK_pi and SK_pr being the PRF's key length.
 */
export function deriveIkeSaKeys(
  prf: Ikev2Prf,
  seed: Uint8Array,
  nonces: { ni: Uint8Array; nr: Uint8Array },
  spis: { spiI: Uint8Array; spiR: Uint8Array },
  lengths: IkeSaKeyLengths,
): IkeSaKeys {
  requireSpi('SPIi', spis.spiI);
  requireSpi('SPIr', spis.spiR);
  const p = ikev2PrfLength(prf);
  const sizes = [p, lengths.integrity, lengths.integrity, lengths.encryption, lengths.encryption, p, p];
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 0) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `key length ${size} is not a non-negative integer`);
  }
  const keymat = prfPlus(prf, seed, concatBytes(nonces.ni, nonces.nr, spis.spiI, spis.spiR), sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  const [skD, skAi, skAr, skEi, skEr, skPi, skPr] = sizes.map((size) => keymat.slice(at, (at += size)));
  return { skD: skD!, skAi: skAi!, skAr: skAr!, skEi: skEi!, skEr: skEr!, skPi: skPi!, skPr: skPr! };
}

/**
 * RFC 7296 §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken in the order
 * encryption key i→r, integrity key i→r, encryption key r→i, integrity key r→i.
 */
export function childSaKeymat(prf: Ikev2Prf, skD: Uint8Array, girNew: Uint8Array | undefined, ni: Uint8Array, nr: Uint8Array, length: number): Uint8Array {
  return prfPlus(prf, skD, concatBytes(...(girNew === undefined ? [] : [girNew]), ni, nr), length);
}

/** RFC 7296 §2.15: the pad string keyed into the shared secret for SHARED_KEY_MIC. */
const KEY_PAD = new TextEncoder().encode('Key Pad for IKEv2');

/** RFC 7296 §2.15: MACedIDForI = prf(SK_pi, RestOfInitIDPayload) (SK_pr and IDr's body for the responder). */
export function macedId(prf: Ikev2Prf, skP: Uint8Array, idBody: Uint8Array): Uint8Array {
  return ikev2Prf(prf, skP, idBody);
}

/**
 * RFC 7296 §2.15: InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 * (the responder's: RealMessage2 | NonceIData | MACedIDForR), as encoded on the wire.
 */
export function signedOctets(realMessage: Uint8Array, peerNonce: Uint8Array, macedIdValue: Uint8Array): Uint8Array {
  return concatBytes(realMessage, peerNonce, macedIdValue);
}

/** RFC 7296 §2.15: AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>). */
export function pskAuth(prf: Ikev2Prf, sharedSecret: Uint8Array, octets: Uint8Array): Uint8Array {
  return ikev2Prf(prf, ikev2Prf(prf, sharedSecret, KEY_PAD), octets);
}
