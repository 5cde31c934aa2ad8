/**
 * Round trips for every wire element. Values are hand-built from the layouts
 * in RFC 2408 §3 (generic header, SA, proposal, transform, KE, HASH, Nonce,
 * Notify, Delete, VID), RFC 2407 §4.6.2 (ID) and RFC 3947 §3.2 (NAT-D).
 */
import { expect } from 'chai';
import {
  attribute,
  decodePayloads,
  deletePayload,
  encodePayloads,
  hashPayload,
  idPayload,
  kePayload,
  noncePayload,
  notifyPayload,
  proposal,
  saPayload,
  transform,
  vendorIdPayload,
  DPD_VENDOR_ID,
  type Codec,
  type Payload,
  type ProposalPayload,
  type TransformPayload,
} from '../../src/wire/index.js';
import { assertRoundTrip, hex, toHex } from './helpers.js';

const cookies = hex('0102030405060708 a1a2a3a4a5a6a7a8');

describe('wire payload codecs', () => {
  describe('attribute (RFC 2408 §3.3)', () => {
    it('writes small numbers as TV with the AF bit set', () => {
      const bytes = assertRoundTrip(attribute, { type: 1, value: 7 }, { type: 1, value: 7, form: 'tv' });
      expect(toHex(bytes)).to.equal('80010007');
    });

    it('writes a life duration above 0xffff as a 4-byte TLV', () => {
      const bytes = assertRoundTrip(attribute, { type: 12, value: 86400 }, { type: 12, value: 86400, form: 'tlv' });
      expect(toHex(bytes)).to.equal('000c000400015180');
    });

    it('writes numbers above 32 bits as an 8-byte TLV', () => {
      const bytes = assertRoundTrip(attribute, { type: 2, value: 2 ** 40 }, { type: 2, value: 2 ** 40, form: 'tlv' });
      expect(toHex(bytes)).to.equal('000200080000010000000000');
    });

    it('keeps odd-sized TLV values as bytes and honours a forced form', () => {
      assertRoundTrip(attribute, { type: 16, value: hex('aabbcc') }, { type: 16, value: hex('aabbcc'), form: 'tlv' });
      const forced = assertRoundTrip(attribute, { type: 11, value: 1, form: 'tlv' }, { type: 11, value: 1, form: 'tlv' });
      expect(toHex(forced)).to.equal('000b000400000001');
    });
  });

  const aesTransform = (n: number, extra: Partial<TransformPayload> = {}): TransformPayload => ({
    transformNumber: n,
    transformId: 1,
    attributes: [
      { type: 1, value: 7 },
      { type: 14, value: 128 },
    ],
    ...extra,
  });
  const filledAttributes = [
    { type: 1, value: 7, form: 'tv' as const },
    { type: 14, value: 128, form: 'tv' as const },
  ];

  it('transform (RFC 2408 §3.6): computed length, zero reserved fields', () => {
    const bytes = assertRoundTrip(transform, aesTransform(1), {
      transformNumber: 1,
      transformId: 1,
      reserved2: 0,
      attributes: filledAttributes,
      nextPayload: 0,
      reserved: 0,
      length: 16,
    });
    expect(toHex(bytes)).to.equal('00000010' + '01010000' + '80010007' + '800e0080');
  });

  it('proposal (RFC 2408 §3.5): SPI size and transform count computed, transforms chained with next = 3', () => {
    const value: ProposalPayload = { proposalNumber: 1, protocolId: 3, spi: hex('c0ffee01'), transforms: [aesTransform(1), aesTransform(2)] };
    const bytes = assertRoundTrip(proposal, value, {
      proposalNumber: 1,
      protocolId: 3,
      spiSize: 4,
      transformCount: 2,
      spi: hex('c0ffee01'),
      transforms: [
        { transformNumber: 1, transformId: 1, reserved2: 0, attributes: filledAttributes, nextPayload: 3, reserved: 0, length: 16 },
        { transformNumber: 2, transformId: 1, reserved2: 0, attributes: filledAttributes, nextPayload: 0, reserved: 0, length: 16 },
      ],
      nextPayload: 0,
      reserved: 0,
      length: 44,
    });
    expect(toHex(bytes.subarray(0, 12))).to.equal('0000002c' + '01030402' + 'c0ffee01');
  });

  it('SA (RFC 2408 §3.4): DOI, situation, proposals chained with next = 2', () => {
    const p = { proposalNumber: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [aesTransform(1)] };
    const decoded = saPayload.decode(saPayload.encode({ kind: 'sa', doi: 1, situation: 1, proposals: [p, { ...p, proposalNumber: 2 }] }));
    expect(decoded.length).to.equal(4 + 8 + 2 * (8 + 16));
    expect(decoded.proposals.map((x) => [x.proposalNumber, x.nextPayload])).to.deep.equal([
      [1, 2],
      [2, 0],
    ]);
    assertRoundTrip(saPayload, decoded, decoded);
  });

  for (const [name, codec, kind] of [
    ['KE', kePayload, 'ke'],
    ['HASH', hashPayload, 'hash'],
    ['Nonce', noncePayload, 'nonce'],
    ['Vendor ID', vendorIdPayload, 'vendor-id'],
  ] as const) {
    it(`${name}: generic header + opaque data`, () => {
      const data = Uint8Array.from({ length: 20 }, (_, i) => i);
      const bytes = assertRoundTrip(codec as Codec<Payload>, { kind, data } as Payload, { kind, data, nextPayload: 0, reserved: 0, length: 24 } as Payload);
      expect(toHex(bytes.subarray(0, 4))).to.equal('00000018');
    });
  }

  it('ID (RFC 2407 §4.6.2): ID_IPV4_ADDR 192.0.2.1, protocol 17, port 500', () => {
    const bytes = assertRoundTrip(
      idPayload,
      { kind: 'id', idType: 1, protocolId: 17, port: 500, data: hex('c0000201') },
      { kind: 'id', idType: 1, protocolId: 17, port: 500, data: hex('c0000201'), nextPayload: 0, reserved: 0, length: 12 },
    );
    expect(toHex(bytes)).to.equal('0000000c' + '011101f4' + 'c0000201');
  });

  it('Notify: an R-U-THERE is byte-for-byte the RFC 3706 §5.3 layout', () => {
    const bytes = assertRoundTrip(
      notifyPayload,
      { kind: 'notify', doi: 1, protocolId: 1, notifyType: 36136, spi: cookies, data: hex('0000abcd') },
      { kind: 'notify', doi: 1, protocolId: 1, spiSize: 16, notifyType: 36136, spi: cookies, data: hex('0000abcd'), nextPayload: 0, reserved: 0, length: 32 },
    );
    expect(toHex(bytes)).to.equal('00000020' + '00000001' + '01108d28' + toHex(cookies) + '0000abcd');
  });

  it('Delete (RFC 2408 §3.15): ISAKMP SA by cookies, and several ESP SPIs', () => {
    assertRoundTrip(
      deletePayload,
      { kind: 'delete', doi: 1, protocolId: 1, spiSize: 16, spis: [cookies] },
      { kind: 'delete', doi: 1, protocolId: 1, spiSize: 16, spiCount: 1, spis: [cookies], nextPayload: 0, reserved: 0, length: 28 },
    );
    const esp = assertRoundTrip(
      deletePayload,
      { kind: 'delete', doi: 1, protocolId: 3, spiSize: 4, spis: [hex('11111111'), hex('22222222')] },
      { kind: 'delete', doi: 1, protocolId: 3, spiSize: 4, spiCount: 2, spis: [hex('11111111'), hex('22222222')], nextPayload: 0, reserved: 0, length: 20 },
    );
    expect(toHex(esp)).to.equal('00000014' + '00000001' + '03040002' + '1111111122222222');
  });

  describe('payload chains', () => {
    const chain: Payload[] = [
      { kind: 'hash', data: new Uint8Array(32).fill(0x11) },
      { kind: 'nat-d', data: new Uint8Array(20).fill(0x22) },
      { kind: 'nat-d', payloadType: 130, data: new Uint8Array(20).fill(0x33) },
      { kind: 'raw', payloadType: 200, body: hex('deadbeef') },
      { kind: 'vendor-id', data: DPD_VENDOR_ID },
    ];

    it('computes each next-payload from the following payload and round-trips NAT-D (20, 130) and unknown types', () => {
      const bytes = encodePayloads(chain);
      const { payloads, padding } = decodePayloads(8, bytes);
      expect(padding.length).to.equal(0);
      expect(payloads.map((p) => p.nextPayload)).to.deep.equal([20, 130, 200, 13, 0]);
      expect(payloads[1]).to.deep.include({ kind: 'nat-d', payloadType: 20 });
      expect(payloads[2]).to.deep.include({ kind: 'nat-d', payloadType: 130 });
      expect(payloads[3]).to.deep.include({ kind: 'raw', payloadType: 200, body: hex('deadbeef') });
      expect(toHex(encodePayloads(payloads))).to.equal(toHex(bytes));
    });

    it('returns the zero padding a decrypted body carries after the last payload', () => {
      const bytes = new Uint8Array([...encodePayloads(chain), 0, 0, 0, 0, 0, 0, 0]);
      const { payloads, padding } = decodePayloads(8, bytes);
      expect(payloads).to.have.length(5);
      expect(toHex(padding)).to.equal('00000000000000');
    });

    it('decodes byte fields as copies, or as views into a buffer the caller owns (decrypted plaintext)', () => {
      const bytes = encodePayloads(chain);
      const copied = decodePayloads(8, bytes).payloads[0];
      const viewed = decodePayloads(8, bytes, 28, true).payloads[0];
      bytes[4] ^= 0xff;
      expect(copied.kind === 'hash' && copied.data[0]).to.equal(0x11);
      expect(viewed.kind === 'hash' && viewed.data[0]).to.equal(0x11 ^ 0xff);
    });

    it('keeps a next-payload override while computing the others', () => {
      const bytes = encodePayloads([{ ...chain[0], nextPayload: 99 }, chain[4]]);
      expect([bytes[0], bytes[36]]).to.deep.equal([99, 0]);
    });

    it('treats first type 0 as an empty chain whose bytes are all padding', () => {
      const { payloads, end, padding } = decodePayloads(0, hex('0000'));
      expect({ payloads, end, padding }).to.deep.equal({ payloads: [], end: 0, padding: hex('0000') });
    });
  });
});
