/**
 * ESP keys per direction from an IKEv1 Quick Mode (RFC 2409 §5.5). Each
 * direction is its own SA, keyed with the SPI its receiver chose: our inbound
 * SA with our SPI, our outbound SA with the peer's. Both ends compute the
 * same two KEYMATs (the nonces are always Ni_b then Nr_b); the encryption key
 * comes first, then the integrity key, as strongSwan, Libreswan and the Linux
 * kernel split it.
 */
import { CryptoError } from '../errors.js';
import { PROTOCOL_IDS } from '../wire/constants.js';
import { suiteKeyLengths, type CipherSuite, type SuiteKeys } from './cipher-suite.js';
import type { EspSa } from './esp-protection.js';
import type { HashAlgorithm } from './hash-algorithm.js';
import { quickModeKeymat } from './ikev1-key-schedule.js';

export interface QuickModeSaInput {
  /** The phase-1 PRF's hash and SKEYID_d. */
  prf: HashAlgorithm;
  skeyidD: Uint8Array;
  /** g(qm)^xy with PFS. */
  gqm?: Uint8Array;
  /** Nonce bodies of the Quick Mode's initiator and responder. */
  niB: Uint8Array;
  nrB: Uint8Array;
  /** The SPI we chose (the peer sends to it) and the one the peer chose. */
  inboundSpi: Uint8Array;
  outboundSpi: Uint8Array;
  suite: CipherSuite;
}

export interface EspSaPair {
  inbound: EspSa;
  outbound: EspSa;
}

function spiNumber(spi: Uint8Array): number {
  // RFC 2407 §4.6.2.1: ESP SPIs are 4 bytes in the Quick Mode proposal.
  if (spi.length !== 4) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `ESP SPI of ${spi.length} bytes (must be 4)`);
  return new DataView(spi.buffer, spi.byteOffset, 4).getUint32(0);
}

function keysFor(input: QuickModeSaInput, spi: Uint8Array): SuiteKeys {
  const lengths = suiteKeyLengths(input.suite);
  const keymat = quickModeKeymat(input.prf, input.skeyidD, {
    ...(input.gqm === undefined ? {} : { gqm: input.gqm }),
    protocol: PROTOCOL_IDS.IPSEC_ESP,
    spi,
    niB: input.niB,
    nrB: input.nrB,
    length: lengths.encryption + lengths.integrity,
  });
  return { encryption: keymat.slice(0, lengths.encryption), integrity: keymat.slice(lengths.encryption) };
}

export function quickModeEspSas(input: QuickModeSaInput): EspSaPair {
  return {
    inbound: { spi: spiNumber(input.inboundSpi), suite: input.suite, keys: keysFor(input, input.inboundSpi) },
    outbound: { spi: spiNumber(input.outboundSpi), suite: input.suite, keys: keysFor(input, input.outboundSpi) },
  };
}
