// Every way the IKEv2 decoder gives up, each with its code and the byte offset it points at.
import { expect } from 'chai';
import {
  decodeIkev2Message,
  decodeIkev2Payloads,
  encodeIkev2Message,
  encodeIkev2Payloads,
  IKEV2_PAYLOAD_TYPES,
  ikev2SaPayload,
  tsiPayload,
  UnsupportedCriticalPayloadError,
  type Ikev2Message,
  type Ikev2Payload,
} from '../../../src/wire/ikev2/index.js';
import { expectWireError, hex } from '../helpers.js';
import { SA_INIT_REQUEST } from './sample-messages.js';

const P = IKEV2_PAYLOAD_TYPES;
const HEADER = 28;

/** A message whose only payload is `payload`; the payload starts at byte 28. */
function single(payload: Ikev2Payload, extra: Partial<Ikev2Message> = {}): Uint8Array {
  return encodeIkev2Message({ ...SA_INIT_REQUEST, payloads: [payload], ...extra });
}

describe('IKEv2 decode errors (code and offset)', () => {
  describe('header and message', () => {
    it('truncated header', () => expectWireError(() => decodeIkev2Message(hex('0102')), 'ERR_WIRE_TRUNCATED', 0));

    it('major version other than 2, at the version byte', () => {
      expectWireError(() => decodeIkev2Message(encodeIkev2Message({ ...SA_INIT_REQUEST, version: 0x10 })), 'ERR_WIRE_BAD_VERSION', 17);
    });

    it('length shorter than the header, or longer than the datagram, at the length field', () => {
      expectWireError(() => decodeIkev2Message(encodeIkev2Message({ ...SA_INIT_REQUEST, payloads: [], length: 27 })), 'ERR_WIRE_BAD_LENGTH', 24);
      expectWireError(() => decodeIkev2Message(encodeIkev2Message({ ...SA_INIT_REQUEST, payloads: [], length: 29 })), 'ERR_WIRE_BAD_LENGTH', 24);
    });

    it('bytes between the last payload and the length', () => {
      const bytes = single({ kind: 'nonce', data: hex('01'), nextPayload: 0 }, { length: HEADER + 5 + 3, trailing: hex('000000') });
      expectWireError(() => decodeIkev2Message(bytes), 'ERR_WIRE_TRAILING_BYTES', HEADER + 5);
    });

    it('a payload after SK (§3.14: SK is last)', () => {
      const bytes = encodeIkev2Message({ ...SA_INIT_REQUEST, payloads: [{ kind: 'sk', firstPayload: P.IDI, body: hex('00') }, { kind: 'nonce', data: hex('01') }] });
      expectWireError(() => decodeIkev2Message(bytes), 'ERR_WIRE_TRAILING_BYTES', HEADER + 5);
    });
  });

  describe('generic payload header (§3.2)', () => {
    it('announced payload missing: header truncated', () => {
      expectWireError(() => decodeIkev2Message(encodeIkev2Message({ ...SA_INIT_REQUEST, payloads: [], nextPayload: P.NONCE })), 'ERR_WIRE_TRUNCATED', HEADER);
    });

    it('payload length below 4 or past the message, at its length field', () => {
      expectWireError(() => decodeIkev2Message(single({ kind: 'nonce', data: hex('0102'), length: 3 })), 'ERR_WIRE_BAD_LENGTH', HEADER + 2);
      expectWireError(() => decodeIkev2Message(single({ kind: 'nonce', data: hex('0102'), length: 7 })), 'ERR_WIRE_BAD_LENGTH', HEADER + 2);
    });

    it('unknown type with the critical bit: typed error carrying the type, at the critical byte', () => {
      const bytes = single({ kind: 'raw', payloadType: 201, reserved: 0x80, body: hex('00') });
      expectWireError(() => decodeIkev2Message(bytes), 'ERR_WIRE_BAD_VALUE', HEADER + 1);
      expect(() => decodeIkev2Message(bytes)).to.throw(UnsupportedCriticalPayloadError).with.property('payloadType', 201);
    });

    it('the critical-bit offset counts the base of decrypted plaintext', () => {
      const inner = encodeIkev2Payloads([{ kind: 'raw', payloadType: 222, reserved: 0x80, body: hex('') }]);
      expectWireError(() => decodeIkev2Payloads(222, inner, 100), 'ERR_WIRE_BAD_VALUE', 101);
    });

    it('a known but unmodelled type (CERT) with the critical bit is kept raw', () => {
      const msg = decodeIkev2Message(single({ kind: 'raw', payloadType: P.CERT, reserved: 0x80, body: hex('04') }));
      expect(msg.payloads[0]).to.include({ kind: 'raw', payloadType: P.CERT, reserved: 0x80 });
    });

    it('plaintext with bytes after the last payload', () => {
      const inner = new Uint8Array([...encodeIkev2Payloads([{ kind: 'nonce', data: hex('01') }]), 0xff]);
      expectWireError(() => decodeIkev2Payloads(P.NONCE, inner, 40), 'ERR_WIRE_TRAILING_BYTES', 45);
    });
  });

  describe('payload bodies', () => {
    const sa = ikev2SaPayload.encode({ kind: 'sa', proposals: [{ proposalNumber: 1, protocolId: 3, spi: hex('01020304'), transforms: [{ transformType: 1, transformId: 12, attributes: [{ type: 14, value: 128 }] }] }] });

    it('proposal SPI size past the proposal', () => {
      const bytes = sa.slice();
      bytes[4 + 6] = 40; // SPI size
      expectWireError(() => ikev2SaPayload.decode(bytes), 'ERR_WIRE_TRUNCATED', 12);
    });

    it('proposal length past the SA, at the proposal length field', () => {
      const bytes = sa.slice();
      bytes[4 + 3] += 1;
      expectWireError(() => ikev2SaPayload.decode(bytes), 'ERR_WIRE_BAD_LENGTH', 6);
    });

    it('bytes after the last transform (last substruc 0 too early)', () => {
      const bytes = ikev2SaPayload.encode({ kind: 'sa', proposals: [{ proposalNumber: 1, protocolId: 1, spi: hex(''), transforms: [{ transformType: 1, transformId: 12, attributes: [], nextPayload: 0 }, { transformType: 4, transformId: 19, attributes: [] }] }] });
      expectWireError(() => ikev2SaPayload.decode(bytes), 'ERR_WIRE_TRAILING_BYTES', 4 + 8 + 8);
    });

    it('transform attribute TLV running past its transform', () => {
      const bytes = ikev2SaPayload.encode({ kind: 'sa', proposals: [{ proposalNumber: 1, protocolId: 1, spi: hex(''), transforms: [{ transformType: 1, transformId: 12, attributes: [{ type: 14, value: hex('0080'), form: 'tlv' }] }] }] });
      bytes[4 + 8 + 8 + 3] = 9; // attribute length
      expectWireError(() => ikev2SaPayload.decode(bytes), 'ERR_WIRE_BAD_LENGTH', 4 + 8 + 8 + 2);
    });

    it('KE without its 2 reserved bytes after the group', () => {
      expectWireError(() => decodeIkev2Message(single({ kind: 'raw', payloadType: P.KE, body: hex('0013') })), 'ERR_WIRE_TRUNCATED', HEADER + 6);
    });

    it('IDi and AUTH without their 4 fixed bytes', () => {
      expectWireError(() => decodeIkev2Message(single({ kind: 'raw', payloadType: P.IDI, body: hex('01') })), 'ERR_WIRE_TRUNCATED', HEADER + 5);
      expectWireError(() => decodeIkev2Message(single({ kind: 'raw', payloadType: P.AUTH, body: hex('020000') })), 'ERR_WIRE_TRUNCATED', HEADER + 5);
    });

    it('Notify SPI size past the payload', () => {
      expectWireError(() => decodeIkev2Message(single({ kind: 'notify', protocolId: 3, notifyType: 16393, spi: hex('01020304'), data: hex(''), spiSize: 5 })), 'ERR_WIRE_TRUNCATED', HEADER + 8);
    });

    it('Delete SPI count that does not fill the body, at the count', () => {
      expectWireError(() => decodeIkev2Message(single({ kind: 'delete', protocolId: 3, spiSize: 4, spis: [hex('00000001')], spiCount: 2 })), 'ERR_WIRE_BAD_LENGTH', HEADER + 6);
    });

    const ts = { tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: hex('c0000200'), endAddress: hex('c00002ff') };

    it('TS count larger than the selectors present', () => {
      expectWireError(() => tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [ts], tsCount: 2 })), 'ERR_WIRE_TRUNCATED', 24);
    });

    it('TS bytes after the announced selectors', () => {
      expectWireError(() => tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [ts, ts], tsCount: 1 })), 'ERR_WIRE_TRAILING_BYTES', 24);
    });

    it('TS selector length past the payload, or wrong for its type, at the selector length', () => {
      expectWireError(() => tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [{ ...ts, length: 17 }] })), 'ERR_WIRE_BAD_LENGTH', 10);
      expectWireError(() => tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [{ ...ts, length: 12 }, ts] })), 'ERR_WIRE_BAD_LENGTH', 10);
      expectWireError(() => tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [{ ...ts, tsType: 9, endAddress: hex('c00002') }] })), 'ERR_WIRE_BAD_LENGTH', 10);
    });

    it('an unknown TS type keeps its bytes split in two halves', () => {
      const decoded = tsiPayload.decode(tsiPayload.encode({ kind: 'tsi', selectors: [{ ...ts, tsType: 9 }] }));
      expect(decoded.selectors[0]).to.deep.include({ tsType: 9, startAddress: hex('c0000200'), endAddress: hex('c00002ff') });
    });
  });
});
