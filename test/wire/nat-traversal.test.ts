/**
 * NAT traversal on the wire: NAT-OA (RFC 3947 §5.2, payload 21 / draft 131), the NAT-T vendor
 * IDs (RFC 3947 §3.1 and the draft-02/03 ones strongSwan and Libreswan send), and the framing of
 * port 4500 (RFC 3948 §2.1-2.3: ESP, non-ESP marker, NAT-keepalive).
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  classifyUdpEncapsulated,
  decodePayloads,
  encodePayloads,
  frameUdpEncapsulated,
  natOaPayload,
  natTVersionOf,
  NAT_KEEPALIVE,
  NAT_T_VENDOR_ID,
  DPD_VENDOR_ID,
  type NatOaPayload,
} from '../../src/wire/index.js';
import { assertRoundTrip, expectWireError, hex, toHex } from './helpers.js';

const md5 = (s: string): Uint8Array => Uint8Array.from(createHash('md5').update(s).digest());

describe('wire: NAT traversal', () => {
  describe('NAT-OA payload (RFC 3947 §5.2)', () => {
    it('lays out ID type, three reserved bytes and the IPv4 address', () => {
      const p: NatOaPayload = { kind: 'nat-oa', idType: 1, address: hex('c0000201') };
      const bytes = assertRoundTrip(natOaPayload, p, { ...p, nextPayload: 0, reserved: 0, length: 12, reserved3: 0 });
      expect(toHex(bytes)).to.equal('0000000c' + '01000000' + 'c0000201');
    });

    it('keeps a non-zero reserved field as it came (a test can forge one)', () => {
      const bytes = natOaPayload.encode({ kind: 'nat-oa', idType: 5, reserved3: 0xabcdef, address: new Uint8Array(16).fill(0x20) });
      expect(toHex(bytes.subarray(4, 8))).to.equal('05abcdef');
      expect(natOaPayload.decode(bytes).reserved3).to.equal(0xabcdef);
    });

    it('is announced as 21, or 131 for a draft peer, and round-trips in a chain', () => {
      const chain = encodePayloads([
        { kind: 'nat-oa', idType: 1, address: hex('c6336401') },
        { kind: 'nat-oa', payloadType: 131, idType: 1, address: hex('cb007101') },
        { kind: 'vendor-id', data: DPD_VENDOR_ID },
      ]);
      const { payloads } = decodePayloads(21, chain);
      expect(payloads.map((p) => p.nextPayload)).to.deep.equal([131, 13, 0]);
      expect(payloads[0]).to.deep.include({ kind: 'nat-oa', payloadType: 21 });
      expect(payloads[1]).to.deep.include({ kind: 'nat-oa', payloadType: 131 });
      expect(toHex(encodePayloads(payloads))).to.equal(toHex(chain));
    });

    it('refuses a body shorter than its ID type and reserved bytes, at the offset of the missing byte', () => {
      expectWireError(() => natOaPayload.decode(hex('00000006 0100')), 'ERR_WIRE_TRUNCATED', 6);
    });
  });

  describe('NAT-T vendor IDs', () => {
    it('sends MD5("RFC 3947") (RFC 3947 §3.1)', () => {
      expect(toHex(NAT_T_VENDOR_ID)).to.equal(toHex(md5('RFC 3947')));
      expect(natTVersionOf(NAT_T_VENDOR_ID)).to.equal('rfc');
    });

    it('recognises the draft-02, draft-02\\n and draft-03 IDs on receipt, and nothing else', () => {
      for (const s of ['draft-ietf-ipsec-nat-t-ike-02', 'draft-ietf-ipsec-nat-t-ike-02\n', 'draft-ietf-ipsec-nat-t-ike-03']) expect(natTVersionOf(md5(s)), s).to.equal('draft');
      expect(natTVersionOf(md5('draft-ietf-ipsec-nat-t-ike-08'))).to.equal(undefined);
      expect(natTVersionOf(DPD_VENDOR_ID)).to.equal(undefined);
    });
  });

  describe('port 4500 framing (RFC 3948 §2)', () => {
    it('puts the 4-byte non-ESP marker before an IKE message and takes it off again', () => {
      const ike = hex('0102030405060708');
      const framed = frameUdpEncapsulated(ike);
      expect(toHex(framed)).to.equal('00000000' + '0102030405060708');
      const back = classifyUdpEncapsulated(framed);
      expect(back.kind).to.equal('ike');
      expect(toHex((back as { message: Uint8Array }).message)).to.equal(toHex(ike));
    });

    it('tells a NAT-keepalive (one 0xFF byte) and ESP (non-zero SPI) apart from IKE', () => {
      expect(classifyUdpEncapsulated(Uint8Array.of(NAT_KEEPALIVE))).to.deep.equal({ kind: 'keepalive' });
      expect(classifyUdpEncapsulated(hex('c0ffee01 00000001')).kind).to.equal('esp');
    });

    it('refuses a datagram too short to be any of them, or a one-byte one that is not 0xFF, with a typed error', () => {
      expectWireError(() => classifyUdpEncapsulated(hex('0000')), 'ERR_WIRE_TRUNCATED', 0);
      expectWireError(() => classifyUdpEncapsulated(hex('fe')), 'ERR_WIRE_BAD_VALUE', 0);
    });
  });
});
