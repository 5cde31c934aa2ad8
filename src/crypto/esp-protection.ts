/**
 * ESP packet protection (RFC 4303 §3.3, §3.4) with AES-CBC (RFC 3602) and
 * HMAC-SHA1-96 (RFC 2404) or HMAC-SHA-256-128 (RFC 4868), or AES-GCM with a
 * 16-byte ICV (RFC 4106). 32-bit sequence numbers only: no ESN.
 */
import { CryptoError } from '../errors.js';
import { espPacket, type EspPacket } from '../wire/esp.js';
import { espPlaintext, type EspPlaintext } from '../wire/esp-trailer.js';
import { putU32 } from '../wire/wire-writer.js';
import { encryptionSpec, icvLength, openBlocks, sealBlocks, type CipherSuite, type SuiteKeys } from './cipher-suite.js';

/** One direction of an ESP SA. */
export interface EspSa {
  spi: number;
  suite: CipherSuite;
  keys: SuiteKeys;
}

/** The per-SA packet codec: IV and ICV lengths follow from the suite. */
export function espPacketCodec(suite: CipherSuite): ReturnType<typeof espPacket> {
  return espPacket({ ivLength: encryptionSpec(suite).ivLength, icvLength: icvLength(suite) });
}

/** RFC 4303 §3.3.2.1 (ICV over SPI ‖ sequence ‖ IV ‖ ciphertext) and RFC 4106 §5 (AAD = SPI ‖ 32-bit sequence). */
function espHeader(spi: number, sequence: number): Uint8Array {
  const header = new Uint8Array(8);
  putU32(header, 0, spi, 'ESP SPI');
  putU32(header, 4, sequence, 'ESP sequence number');
  return header;
}

/**
 * The ESP packet carrying `plaintext`. `iv` is the caller's (CBC: unpredictable,
 * RFC 3602 §3; GCM: never repeated under the key, RFC 4106 §3.1).
 */
export function sealEsp(sa: EspSa, sequence: number, iv: Uint8Array, plaintext: EspPlaintext): Uint8Array {
  const spec = encryptionSpec(sa.suite);
  const header = espHeader(sa.spi, sequence);
  const body = sealBlocks(sa.suite, sa.keys, iv, header, espPlaintext(spec.blockSize).encode(plaintext));
  const packet = new Uint8Array(header.length + body.length);
  packet.set(header);
  packet.set(body, header.length);
  return packet;
}

export interface OpenedEsp {
  packet: EspPacket;
  plaintext: EspPlaintext;
}

/**
 * Verifies and decrypts an ESP packet for `sa` (RFC 4303 §3.4.4: the ICV is
 * checked before decryption). A packet for another SPI is ERR_CRYPTO_BAD_INPUT,
 * a wrong ICV an IntegrityCheckError, a malformed trailer a WireError.
 */
export function openEsp(sa: EspSa, bytes: Uint8Array): OpenedEsp {
  const packet = espPacketCodec(sa.suite).decode(bytes);
  if (packet.spi !== sa.spi) throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `ESP SPI 0x${packet.spi.toString(16)} is not this SA's 0x${sa.spi.toString(16)}`);
  const padded = openBlocks(sa.suite, sa.keys, bytes.subarray(0, 8), bytes.subarray(8), 'ESP packet');
  return { packet, plaintext: espPlaintext(encryptionSpec(sa.suite).blockSize).decode(padded) };
}
