/** ID payload data (RFC 2407 §4.6.2) and IP address text (RFC 4291 §2.2 in, RFC 5952 §4 out). */
import { expect } from 'chai';
import { formatIdentification, formatIpAddress, idPayload, idPayloadFor, identificationOf, parseIpAddress, type Identification } from '../../src/wire/index.js';
import { expectWireError, hex, toHex } from './helpers.js';

describe('wire identification', () => {
  it('parses IPv4 and IPv6 text, including "::" and an embedded dotted quad', () => {
    expect(toHex(parseIpAddress('192.0.2.1') as Uint8Array)).to.equal('c0000201');
    expect(toHex(parseIpAddress('2001:db8::1') as Uint8Array)).to.equal('20010db8000000000000000000000001');
    expect(toHex(parseIpAddress('::ffff:192.0.2.1') as Uint8Array)).to.equal('00000000000000000000ffffc0000201');
    expect(toHex(parseIpAddress('::') as Uint8Array)).to.equal('0'.repeat(32));
    for (const bad of ['192.0.2', '192.0.2.256', '1::2::3', '2001:db8:1:2:3:4:5:6:7', 'vpn.example', '']) expect(parseIpAddress(bad), bad).to.equal(undefined);
  });

  it('formats IPv6 per RFC 5952: lower case, longest zero run compressed, single zero groups kept', () => {
    expect(formatIpAddress(hex('20010db8000000000000000000000001'))).to.equal('2001:db8::1');
    expect(formatIpAddress(hex('20010db8000000010000000000000001'))).to.equal('2001:db8:0:1::1');
    expect(formatIpAddress(hex('20010db8000100010001000100010001'))).to.equal('2001:db8:1:1:1:1:1:1');
    expect(formatIpAddress(hex('c0000201'))).to.equal('192.0.2.1');
  });

  const cases: [Identification, string, number][] = [
    [{ type: 'ipv4-addr', address: '192.0.2.1' }, 'c0000201', 1],
    [{ type: 'ipv6-addr', address: '2001:db8::1' }, '20010db8000000000000000000000001', 5],
    [{ type: 'ipv4-subnet', address: '10.1.0.0', mask: '255.255.255.0' }, '0a010000ffffff00', 4],
    [{ type: 'ipv4-range', from: '10.1.0.1', to: '10.1.0.9' }, '0a0100010a010009', 7],
    [{ type: 'fqdn', name: 'vpn.example.net' }, toHex(new TextEncoder().encode('vpn.example.net')), 2],
    [{ type: 'user-fqdn', name: 'dpd@example.net' }, toHex(new TextEncoder().encode('dpd@example.net')), 3],
    [{ type: 'key-id', bytes: hex('0a0b0c') }, '0a0b0c', 11],
  ];
  for (const [id, data, idType] of cases) {
    it(`${id.type}: ID type ${idType}, data ${data.slice(0, 16)}…, and back through the ID payload codec`, () => {
      const payload = idPayloadFor(id);
      expect(payload).to.deep.include({ idType, protocolId: 0, port: 0 });
      expect(toHex(payload.data)).to.equal(data);
      expect(identificationOf(idPayload.decode(idPayload.encode(payload)))).to.deep.equal(id);
    });
  }

  it('formats identities for reports', () => {
    expect(formatIdentification({ type: 'ipv4-subnet', address: '10.1.0.0', mask: '255.255.255.0' })).to.equal('10.1.0.0/255.255.255.0');
    expect(formatIdentification({ type: 'key-id', bytes: hex('0a0b') })).to.equal('key-id 0a0b');
  });

  it('rejects data of the wrong size and unknown ID types with codes', () => {
    expectWireError(() => identificationOf({ kind: 'id', idType: 1, protocolId: 0, port: 0, data: hex('c00002') }), 'ERR_WIRE_BAD_LENGTH', 8);
    expectWireError(() => identificationOf({ kind: 'id', idType: 99, protocolId: 0, port: 0, data: hex('00') }), 'ERR_WIRE_BAD_VALUE', 4);
    expectWireError(() => idPayloadFor({ type: 'ipv4-addr', address: '2001:db8::1' }), 'ERR_WIRE_BAD_VALUE', 4);
  });
});
