/**
 * Whole messages: the header (RFC 2408 §3.1) with computed next-payload and
 * length, the E-flag path that leaves ciphertext to src/ike, trailing bytes,
 * and Scapy-style overrides that build malformed packets on purpose.
 */
import { expect } from 'chai';
import {
  decodeMessage,
  decodePayloads,
  encodeMessage,
  encodePayloads,
  header,
  DPD_VENDOR_ID,
  type IsakmpMessage,
} from '../../src/wire/index.js';
import { expectWireError, hex, toHex } from './helpers.js';

const icky = hex('0102030405060708');
const rcky = hex('a1a2a3a4a5a6a7a8');
const plain = { encryption: false, commit: false, authOnly: false };

const rUThere = (seq: string): IsakmpMessage => ({
  initiatorCookie: icky,
  responderCookie: rcky,
  exchangeType: 5,
  flags: plain,
  messageId: 0x11223344,
  payloads: [{ kind: 'notify', doi: 1, protocolId: 1, notifyType: 36136, spi: new Uint8Array([...icky, ...rcky]), data: hex(seq) }],
});

describe('wire message', () => {
  it('computes next-payload and length in the 28-byte header', () => {
    const bytes = encodeMessage(rUThere('00000001'));
    expect(bytes.length).to.equal(28 + 32);
    expect(toHex(bytes.subarray(16, 28))).to.equal('0b' + '10' + '05' + '00' + '11223344' + '0000003c');
    const decoded = decodeMessage(bytes);
    expect(decoded).to.deep.include({ nextPayload: 11, version: 0x10, exchangeType: 5, messageId: 0x11223344, length: 60 });
    expect(decoded.flags).to.deep.equal({ ...plain, other: 0 });
    expect(toHex(encodeMessage(decoded))).to.equal(toHex(bytes));
  });

  it('header codec alone round-trips every field, flag bits included', () => {
    const h = { initiatorCookie: icky, responderCookie: rcky, nextPayload: 8, version: 0x10, exchangeType: 32, flags: { encryption: true, commit: true, authOnly: true, other: 0 }, messageId: 7, length: 92 };
    const bytes = header.encode(h);
    expect(bytes[19]).to.equal(0x07);
    expect(header.decode(bytes)).to.deep.equal(h);
  });

  it('leaves the body of an E-flag message as ciphertext and round-trips it', () => {
    const msg: IsakmpMessage = { ...rUThere('00000001'), nextPayload: 8, flags: { ...plain, encryption: true }, payloads: [], encrypted: hex('00112233445566778899aabbccddeeff') };
    const bytes = encodeMessage(msg);
    const decoded = decodeMessage(bytes);
    expect(decoded.payloads).to.deep.equal([]);
    expect(toHex(decoded.encrypted as Uint8Array)).to.equal('00112233445566778899aabbccddeeff');
    expect(decoded.nextPayload).to.equal(8);
    expect(toHex(encodeMessage(decoded))).to.equal(toHex(bytes));
  });

  it('keeps bytes after the header length as `trailing`, outside the length', () => {
    const bytes = encodeMessage({ ...rUThere('00000002'), trailing: hex('cafe') });
    expect(bytes.length).to.equal(62);
    const decoded = decodeMessage(bytes);
    expect(decoded.length).to.equal(60);
    expect(toHex(decoded.trailing as Uint8Array)).to.equal('cafe');
  });

  describe('overrides build malformed packets on purpose', () => {
    it('writes a wrong payload length as given; the decoder then reports it', () => {
      const msg = rUThere('00000001');
      const bytes = encodeMessage({ ...msg, payloads: [{ ...msg.payloads[0], length: 40 } as never] });
      expect(bytes[30] * 256 + bytes[31]).to.equal(40);
      expectWireError(() => decodeMessage(bytes), 'ERR_WIRE_BAD_LENGTH', 30);
    });

    it('writes a lying SPI size, next-payload and header length as given', () => {
      const msg = rUThere('00000001');
      const bytes = encodeMessage({ ...msg, length: 1000, nextPayload: 99, payloads: [{ ...msg.payloads[0], spiSize: 4 } as never] });
      expect(bytes[16]).to.equal(99);
      expect(new DataView(bytes.buffer).getUint32(24)).to.equal(1000);
      expect(bytes[28 + 9]).to.equal(4);
    });

    it('lets payloads come in any order and with any next-payload chain', () => {
      const bytes = encodeMessage({
        ...rUThere('00000001'),
        exchangeType: 2,
        messageId: 0,
        payloads: [
          { kind: 'vendor-id', data: DPD_VENDOR_ID },
          { kind: 'nonce', data: new Uint8Array(16) },
        ],
      });
      const decoded = decodeMessage(bytes);
      expect(decoded.payloads.map((p) => p.kind)).to.deep.equal(['vendor-id', 'nonce']);
    });
  });

  it('decodePayloads reports offsets relative to the whole message via baseOffset', () => {
    const body = encodePayloads([{ kind: 'hash', data: new Uint8Array(20) }]);
    body[3] = 200; // HASH length now runs past the plaintext
    expectWireError(() => decodePayloads(8, body, 28), 'ERR_WIRE_BAD_LENGTH', 30);
  });
});
