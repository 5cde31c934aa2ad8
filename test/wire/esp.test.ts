/**
 * ESP packet, ESP plaintext trailer (RFC 4303 §2) and the UDP-encapsulation
 * framing of port 4500 (RFC 3948 §2): round trips, computed padding and every
 * decode error with its offset.
 */
import { expect } from 'chai';
import { espPacket, espPlaintext, espSpiOf, udpEncapsulated, type EspPlaintext } from '../../src/wire/index.js';
import { assertRoundTrip, expectWireError, hex, toHex } from './helpers.js';

const cbcSha1 = espPacket({ ivLength: 16, icvLength: 12 });

describe('ESP packet codec (RFC 4303 §2)', () => {
  const packet = { spi: 0x12345678, sequence: 7, iv: new Uint8Array(16).fill(0xaa), ciphertext: new Uint8Array(32).fill(0xbb), icv: new Uint8Array(12).fill(0xcc) };

  it('round-trips SPI, sequence number, IV, ciphertext and ICV in that order', () => {
    const bytes = assertRoundTrip(cbcSha1, packet, packet);
    expect(toHex(bytes.subarray(0, 8))).to.equal('1234567800000007');
    expect(bytes.length).to.equal(8 + 16 + 32 + 12);
    expect(bytes[24]).to.equal(0xbb);
    expect(bytes[56]).to.equal(0xcc);
    expect(espSpiOf(bytes)).to.equal(0x12345678);
  });

  it('ERR_WIRE_TRUNCATED at the field that is cut: SPI at 0, sequence at 4, IV at 8', () => {
    expectWireError(() => cbcSha1.decode(new Uint8Array(3)), 'ERR_WIRE_TRUNCATED', 0);
    expectWireError(() => cbcSha1.decode(new Uint8Array(6)), 'ERR_WIRE_TRUNCATED', 4);
    expectWireError(() => cbcSha1.decode(new Uint8Array(20)), 'ERR_WIRE_TRUNCATED', 8);
  });

  it('ERR_WIRE_TRUNCATED at the ciphertext when IV and ICV leave fewer than 2 bytes between them', () => {
    expectWireError(() => cbcSha1.decode(new Uint8Array(8 + 16 + 13)), 'ERR_WIRE_TRUNCATED', 24);
  });

  it('ERR_WIRE_BAD_VALUE when a sequence number does not fit in 32 bits', () => {
    expectWireError(() => cbcSha1.encode({ ...packet, sequence: 2 ** 32 }), 'ERR_WIRE_BAD_VALUE', 4);
  });
});

describe('ESP plaintext trailer (RFC 4303 §2.4-2.6)', () => {
  it('pads with 1, 2, 3, ... to the block size and writes pad length and next header', () => {
    const codec = espPlaintext(16);
    const value: EspPlaintext = { nextHeader: 4, data: hex('4500') };
    const bytes = assertRoundTrip(codec, value, { ...value, padding: hex('0102030405060708090a0b0c'), padLength: 12 });
    expect(toHex(bytes)).to.equal('45000102030405060708090a0b0c0c04');
  });

  it('aligns to 4 bytes when the block is smaller (a stream cipher: block size 1)', () => {
    const bytes = espPlaintext(1).encode({ nextHeader: 17, data: hex('00') });
    expect(toHex(bytes)).to.equal('00010111');
  });

  it('adds no padding when data and the two trailer bytes fill the block', () => {
    expect(espPlaintext(16).encode({ nextHeader: 4, data: new Uint8Array(14) }).length).to.equal(16);
  });

  it('writes an overridden pad length as given (for testing a receiver)', () => {
    expect(toHex(espPlaintext(4).encode({ nextHeader: 4, data: hex('aabb'), padding: new Uint8Array(0), padLength: 9 }))).to.equal('aabb0904');
  });

  it('ERR_WIRE_TRUNCATED at 0 when there is no room for pad length and next header', () => {
    expectWireError(() => espPlaintext(16).decode(hex('04')), 'ERR_WIRE_TRUNCATED', 0);
  });

  it('ERR_WIRE_BAD_LENGTH at the pad length byte when it exceeds what precedes it', () => {
    expectWireError(() => espPlaintext(4).decode(hex('aabb0904')), 'ERR_WIRE_BAD_LENGTH', 2);
  });

  it('ERR_WIRE_BAD_VALUE at the first padding byte that is not the default sequence', () => {
    expectWireError(() => espPlaintext(8).decode(hex('aa01020404050504')), 'ERR_WIRE_BAD_VALUE', 3);
  });
});

describe('UDP encapsulation on port 4500 (RFC 3948 §2)', () => {
  it('a single 0xFF byte is a NAT-keepalive (§2.3)', () => {
    const bytes = assertRoundTrip(udpEncapsulated, { kind: 'keepalive' }, { kind: 'keepalive' });
    expect(toHex(bytes)).to.equal('ff');
  });

  it('four zero bytes (the non-ESP marker) precede an IKE message (§2.2)', () => {
    const message = hex('0102030405060708');
    const bytes = assertRoundTrip(udpEncapsulated, { kind: 'ike', message }, { kind: 'ike', message });
    expect(toHex(bytes)).to.equal('000000000102030405060708');
  });

  it('anything with a non-zero first word is ESP, passed on whole (§2.1)', () => {
    const packet = hex('c0ffee0000000001aabbccdd');
    assertRoundTrip(udpEncapsulated, { kind: 'esp', packet }, { kind: 'esp', packet });
  });

  it('ERR_WIRE_BAD_VALUE for a one-byte datagram other than 0xFF', () => {
    expectWireError(() => udpEncapsulated.decode(hex('fe')), 'ERR_WIRE_BAD_VALUE', 0);
  });

  it('ERR_WIRE_TRUNCATED for an empty datagram, 2-3 bytes, or ESP shorter than SPI and sequence number', () => {
    expectWireError(() => udpEncapsulated.decode(new Uint8Array(0)), 'ERR_WIRE_TRUNCATED', 0);
    expectWireError(() => udpEncapsulated.decode(hex('ffff')), 'ERR_WIRE_TRUNCATED', 0);
    expectWireError(() => udpEncapsulated.decode(hex('c0ffee0000')), 'ERR_WIRE_TRUNCATED', 0);
  });
});
