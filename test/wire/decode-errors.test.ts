/**
 * Bad input gives a WireError with a stable code and the byte offset where
 * decoding stopped (RFC 2408 §3 layouts; offsets count from the start of the
 * ISAKMP header). Encoding a value that cannot fit its field is also typed.
 */
import {
  attribute,
  decodeMessage,
  deletePayload,
  encodeMessage,
  encodePayloads,
  notifyPayload,
  saPayload,
  type IsakmpMessage,
} from '../../src/wire/index.js';
import { expectWireError, hex } from './helpers.js';

const base: IsakmpMessage = {
  initiatorCookie: hex('0102030405060708'),
  responderCookie: new Uint8Array(8),
  exchangeType: 2,
  flags: { encryption: false, commit: false, authOnly: false },
  messageId: 0,
  payloads: [{ kind: 'vendor-id', data: hex('afcad71368a1f1c96b8696fc77570100') }],
};
const good = (): Uint8Array => encodeMessage(base);
const setU32 = (b: Uint8Array, at: number, v: number): Uint8Array => (new DataView(b.buffer).setUint32(at, v), b);

describe('wire decode errors', () => {
  it('ERR_WIRE_TRUNCATED at 0 for an empty or short datagram', () => {
    expectWireError(() => decodeMessage(new Uint8Array(0)), 'ERR_WIRE_TRUNCATED', 0);
    expectWireError(() => decodeMessage(good().subarray(0, 27)), 'ERR_WIRE_TRUNCATED', 0);
  });

  it('ERR_WIRE_BAD_VERSION at 17 for an IKEv2 (0x20) header', () => {
    const b = good();
    b[17] = 0x20;
    expectWireError(() => decodeMessage(b), 'ERR_WIRE_BAD_VERSION', 17);
  });

  it('ERR_WIRE_BAD_LENGTH at 24 when the header length is below 28 or beyond the datagram', () => {
    expectWireError(() => decodeMessage(setU32(good(), 24, 27)), 'ERR_WIRE_BAD_LENGTH', 24);
    expectWireError(() => decodeMessage(setU32(good(), 24, 49)), 'ERR_WIRE_BAD_LENGTH', 24);
  });

  it('ERR_WIRE_BAD_LENGTH at the payload length field when it is below 4 or past the message', () => {
    const short = good();
    short[31] = 3;
    expectWireError(() => decodeMessage(short), 'ERR_WIRE_BAD_LENGTH', 30);
    const long = good();
    long[31] = 21;
    expectWireError(() => decodeMessage(long), 'ERR_WIRE_BAD_LENGTH', 30);
  });

  it('ERR_WIRE_TRUNCATED where a payload announced by next-payload should start', () => {
    const b = good();
    b[28] = 13; // the VID claims another VID follows, but the message ends
    expectWireError(() => decodeMessage(b), 'ERR_WIRE_TRUNCATED', 48);
  });

  it('ERR_WIRE_TRAILING_BYTES after the last payload of a plaintext message', () => {
    const b = encodeMessage({ ...base, length: 52, trailing: hex('00000000') });
    expectWireError(() => decodeMessage(b), 'ERR_WIRE_TRAILING_BYTES', 48);
  });

  it('ERR_WIRE_TRUNCATED at the SPI when a Notify SPI size exceeds the payload', () => {
    const n = notifyPayload.encode({ kind: 'notify', doi: 1, protocolId: 1, notifyType: 36136, spi: new Uint8Array(16), data: new Uint8Array(4) });
    n[9] = 40;
    expectWireError(() => notifyPayload.decode(n), 'ERR_WIRE_TRUNCATED', 12);
  });

  it('ERR_WIRE_BAD_LENGTH at the count when Delete SPIs do not fill the payload', () => {
    const d = deletePayload.encode({ kind: 'delete', doi: 1, protocolId: 3, spiSize: 4, spiCount: 3, spis: [hex('11111111'), hex('22222222')] });
    expectWireError(() => deletePayload.decode(d), 'ERR_WIRE_BAD_LENGTH', 10);
  });

  it('ERR_WIRE_BAD_LENGTH at an attribute whose TLV length runs past its transform', () => {
    const sa = saPayload.encode({
      kind: 'sa',
      doi: 1,
      situation: 1,
      proposals: [{ proposalNumber: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [{ transformNumber: 1, transformId: 1, attributes: [{ type: 12, value: 86400 }] }] }],
    });
    // SA header 4 + DOI/situation 8 + proposal 8 + transform 8 = 28: the attribute; its length field is at 30.
    sa[31] = 9;
    expectWireError(() => saPayload.decode(sa), 'ERR_WIRE_BAD_LENGTH', 30);
  });

  it('ERR_WIRE_TRAILING_BYTES after the last proposal of an SA', () => {
    const sa = saPayload.encode({ kind: 'sa', doi: 1, situation: 1, proposals: [{ proposalNumber: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [] }], length: 24 });
    const padded = new Uint8Array([...sa, 0, 0, 0, 0]);
    expectWireError(() => saPayload.decode(padded), 'ERR_WIRE_TRAILING_BYTES', 20);
  });

  describe('encoding values that do not fit', () => {
    it('ERR_WIRE_BAD_VALUE for a cookie that is not 8 bytes', () => {
      expectWireError(() => encodeMessage({ ...base, initiatorCookie: new Uint8Array(7) }), 'ERR_WIRE_BAD_VALUE', 0);
    });

    it('ERR_WIRE_BAD_VALUE for an attribute type over 15 bits or a TV value over 16 bits', () => {
      expectWireError(() => attribute.encode({ type: 0x8000, value: 1 }), 'ERR_WIRE_BAD_VALUE', 0);
      expectWireError(() => attribute.encode({ type: 12, value: 86400, form: 'tv' }), 'ERR_WIRE_BAD_VALUE', 2);
    });

    it('ERR_WIRE_BAD_VALUE for a length override that does not fit 16 bits', () => {
      expectWireError(() => encodePayloads([{ kind: 'nonce', data: new Uint8Array(8), length: 70000 }]), 'ERR_WIRE_BAD_VALUE', 2);
    });
  });
});
