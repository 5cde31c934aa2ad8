import { expect } from 'chai';
import { nameOf } from '../../../src/wire/constants.js';
import {
  authPayload,
  decodeIkev2Message,
  decodeIkev2Payloads,
  encodeIkev2Message,
  encodeIkev2Payloads,
  idiPayload,
  IKEV2_EXCHANGE_TYPES,
  IKEV2_ID_TYPES,
  IKEV2_NOTIFY_TYPES,
  IKEV2_PAYLOAD_TYPES,
  IKEV2_PROTOCOL_IDS,
  ikev2DeletePayload,
  ikev2Header,
  ikev2KePayload,
  ikev2MessageEncodingLength,
  ikev2NotifyPayload,
  ikev2SaPayload,
  skPayload,
  trafficSelector,
  TS_TYPES,
  tsiPayload,
  type Ikev2Message,
} from '../../../src/wire/ikev2/index.js';
import { assertRoundTrip, hex, toHex } from '../helpers.js';
import { AUTH_REQUEST, SA_INIT_REQUEST, SA_INIT_SA, SPI_I, SPI_R } from './sample-messages.js';

const P = IKEV2_PAYLOAD_TYPES;

describe('IKEv2 wire codec (RFC 7296 §3)', () => {
  it('encodes the header field by field (§3.1)', () => {
    const bytes = ikev2Header.encode({ initiatorSpi: SPI_I, responderSpi: SPI_R, nextPayload: P.SK, exchangeType: IKEV2_EXCHANGE_TYPES.INFORMATIONAL, flags: { initiator: true, response: true, higherVersion: true }, messageId: 7, length: 80 });
    expect(toHex(bytes)).to.equal('0102030405060708a1a2a3a4a5a6a7a8' + '2e' + '20' + '25' + '38' + '00000007' + '00000050');
    expect(ikev2Header.decode(bytes).flags).to.deep.equal({ initiator: true, higherVersion: true, response: true, other: 0 });
  });

  it('round-trips an SA with two proposals, key length attributes included (§3.3)', () => {
    const bytes = ikev2SaPayload.encode(SA_INIT_SA);
    // proposal 1 after the generic header: last-substruc 2, its transforms chained by 3; Key Length TV 0x800e 0x0100.
    expect(toHex(bytes.subarray(4, 8))).to.equal('0200002c');
    expect(toHex(bytes.subarray(12, 24))).to.equal('0300000c' + '0100000c' + '800e0100');
    const decoded = ikev2SaPayload.decode(bytes);
    expect(decoded.proposals.map((p) => p.transforms.map((t) => [t.transformType, t.transformId]))).to.deep.equal([
      [[1, 12], [3, 12], [2, 5], [4, 19]],
      [[1, 20], [2, 2], [4, 14]],
    ]);
    expect(decoded.proposals[1]!.transforms[0]!.attributes).to.deep.equal([{ type: 14, value: 128, form: 'tv' }]);
    expect(toHex(ikev2SaPayload.encode(decoded))).to.equal(toHex(bytes));
  });

  it('round-trips KE, IDi, AUTH, Notify, Delete and TSi with computed lengths and counts', () => {
    assertRoundTrip(ikev2KePayload, { kind: 'ke', dhGroup: 14, data: hex('aabb') }, { kind: 'ke', dhGroup: 14, reserved2: 0, data: hex('aabb'), nextPayload: 0, critical: false, reserved: 0, length: 10 });
    assertRoundTrip(idiPayload, { kind: 'idi', idType: IKEV2_ID_TYPES.ID_FQDN, data: hex('6877') }, { kind: 'idi', idType: 2, reserved2: 0, data: hex('6877'), nextPayload: 0, critical: false, reserved: 0, length: 10 });
    assertRoundTrip(authPayload, { kind: 'auth', authMethod: 2, data: hex('0102') }, { kind: 'auth', authMethod: 2, reserved2: 0, data: hex('0102'), nextPayload: 0, critical: false, reserved: 0, length: 10 });
    const notify = { kind: 'notify' as const, protocolId: IKEV2_PROTOCOL_IDS.ESP, notifyType: IKEV2_NOTIFY_TYPES.REKEY_SA, spi: hex('c0ffee01'), data: new Uint8Array(0) };
    assertRoundTrip(ikev2NotifyPayload, notify, { ...notify, spiSize: 4, nextPayload: 0, critical: false, reserved: 0, length: 12 });
    const del = { kind: 'delete' as const, protocolId: IKEV2_PROTOCOL_IDS.ESP, spiSize: 4, spis: [hex('00000001'), hex('00000002')] };
    assertRoundTrip(ikev2DeletePayload, del, { ...del, spiCount: 2, nextPayload: 0, critical: false, reserved: 0, length: 16 });
    const v4 = { tsType: TS_TYPES.TS_IPV4_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: hex('c0000200'), endAddress: hex('c00002ff') };
    const v6 = { tsType: TS_TYPES.TS_IPV6_ADDR_RANGE, ipProtocol: 17, startPort: 500, endPort: 500, startAddress: hex('20010db8000000000000000000000000'), endAddress: hex('20010db8ffffffffffffffffffffffff') };
    const bytes = assertRoundTrip(tsiPayload, { kind: 'tsi', selectors: [v4, v6] }, { kind: 'tsi', tsCount: 2, reserved2: 0, selectors: [{ ...v4, length: 16 }, { ...v6, length: 40 }], nextPayload: 0, critical: false, reserved: 0, length: 64 });
    expect(toHex(bytes.subarray(8, 16))).to.equal('07000010' + '0000ffff');
  });

  it('writes and reads the critical bit and the 7 reserved bits apart (§3.2)', () => {
    const bytes = ikev2KePayload.encode({ kind: 'ke', dhGroup: 19, data: new Uint8Array(0), critical: true, reserved: 0x05 });
    expect(bytes[1]).to.equal(0x85);
    expect(ikev2KePayload.decode(bytes)).to.include({ critical: true, reserved: 5 });
  });

  it('round-trips a whole IKE_SA_INIT request, the CERTREQ kept raw', () => {
    const bytes = encodeIkev2Message(SA_INIT_REQUEST);
    expect(bytes.length).to.equal(ikev2MessageEncodingLength(SA_INIT_REQUEST));
    const decoded = decodeIkev2Message(bytes);
    expect(decoded).to.include({ nextPayload: P.SA, version: 0x20, exchangeType: 34, messageId: 0, length: bytes.length });
    expect(decoded.payloads.map((p) => p.kind)).to.deep.equal(['sa', 'ke', 'nonce', 'notify', 'notify', 'vendor-id', 'raw']);
    expect(decoded.payloads.map((p) => p.nextPayload)).to.deep.equal([P.KE, P.NONCE, P.NOTIFY, P.NOTIFY, P.VENDOR_ID, P.CERTREQ, 0]);
    expect(decoded.payloads[6]).to.include({ payloadType: P.CERTREQ });
    expect(toHex(encodeIkev2Message(decoded))).to.equal(toHex(bytes));
  });

  it('ends the chain at SK, whose next-payload is its first inner payload (§3.14)', () => {
    const bytes = encodeIkev2Message(AUTH_REQUEST);
    expect(bytes[16]).to.equal(P.SK);
    expect(bytes[28]).to.equal(P.IDI);
    const decoded = decodeIkev2Message(bytes);
    expect(decoded.payloads).to.have.length(1);
    expect(decoded.payloads[0]).to.deep.include({ kind: 'sk', firstPayload: P.IDI, nextPayload: P.IDI, length: 52 });
    expect(skPayload.decode(skPayload.encode({ kind: 'sk', firstPayload: P.IDI, body: hex('01') }))).to.include({ firstPayload: P.IDI });
  });

  it('decodes the plaintext inside SK and skips unknown non-critical payloads as raw', () => {
    const inner = encodeIkev2Payloads([
      { kind: 'idi', idType: IKEV2_ID_TYPES.ID_IPV4_ADDR, data: hex('c0000201') },
      { kind: 'raw', payloadType: 200, body: hex('beef') },
      { kind: 'auth', authMethod: 2, data: new Uint8Array(32) },
    ]);
    const payloads = decodeIkev2Payloads(P.IDI, inner);
    expect(payloads.map((p) => p.kind)).to.deep.equal(['idi', 'raw', 'auth']);
    expect(payloads[1]).to.deep.include({ payloadType: 200, reserved: 0, body: hex('beef') });
  });

  it('keeps bytes after the length as trailing and honours header overrides', () => {
    const msg: Ikev2Message = { ...SA_INIT_REQUEST, payloads: [], trailing: hex('dead'), flags: { initiator: true, response: false, other: 0x01 } };
    const bytes = encodeIkev2Message(msg);
    expect(bytes.length).to.equal(30);
    expect(bytes[19]).to.equal(0x09);
    const decoded = decodeIkev2Message(bytes);
    expect(decoded.trailing).to.deep.equal(hex('dead'));
    expect(decoded.flags.other).to.equal(1);
  });

  it('names notify types, exchange types and payload types', () => {
    expect(nameOf(IKEV2_NOTIFY_TYPES, 17)).to.equal('INVALID_KE_PAYLOAD');
    expect(nameOf(IKEV2_NOTIFY_TYPES, 16390)).to.equal('COOKIE');
    expect(nameOf(IKEV2_EXCHANGE_TYPES, 37)).to.equal('INFORMATIONAL');
    expect(nameOf(IKEV2_PAYLOAD_TYPES, 46)).to.equal('SK');
  });

  it('refuses values that do not fit when encoding', () => {
    expect(() => trafficSelector.encode({ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 0, startAddress: hex('00'), endAddress: hex('00') })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
    expect(() => ikev2Header.encode({ ...SA_INIT_REQUEST, flags: { initiator: false, response: false, other: 0x08 } })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
    expect(() => ikev2Header.encode({ ...SA_INIT_REQUEST, initiatorSpi: hex('01') })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
    expect(() => ikev2KePayload.encode({ kind: 'ke', dhGroup: 1, data: hex(''), reserved: 0x80 })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
    expect(() => idiPayload.encode({ kind: 'idi', idType: 1, data: hex(''), reserved2: 0x1000000 })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
    expect(() => tsiPayload.encode({ kind: 'tsi', selectors: [], reserved2: -1 })).to.throw().with.property('code', 'ERR_WIRE_BAD_VALUE');
  });
});
