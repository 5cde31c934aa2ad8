/** ICMP echo and UDP inside IPv4, the packets tunnel-mode ESP carries (RFC 792, RFC 768, RFC 791). */
import { expect } from 'chai';
import { WireError } from '../../src/errors.js';
import { echoReplyTo, icmpEcho } from '../../src/peer/icmp-echo.js';
import { decodeInnerPacket, encodeInnerPacket } from '../../src/peer/inner-packet.js';

const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** RFC 3602 §4 Case #7: the IPv4 ICMP echo request carried in tunnel mode, checksums as the RFC shows them. */
const RFC3602_CASE7_INNER =
  '45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';

describe('inner packets: ICMP echo and UDP in IPv4', () => {
  it('RFC 3602 §4 Case #7 inner packet: decodes as an echo request with valid checksums and re-encodes byte for byte', () => {
    const decoded = decodeInnerPacket(fromHex(RFC3602_CASE7_INNER));
    if (decoded.kind !== 'icmp-echo') throw new Error(`decoded as ${decoded.kind}`);
    expect(decoded.ip.source).to.equal('192.168.123.3');
    expect(decoded.ip.destination).to.equal('192.168.123.200');
    expect([decoded.echo.type, decoded.echo.identifier, decoded.echo.sequence, decoded.echo.checksumValid]).to.deep.equal([8, 0xa90a, 0x0100, true]);
    const again = encodeInnerPacket(
      { kind: 'icmp-echo', source: decoded.ip.source, destination: decoded.ip.destination, echo: { type: 8, identifier: 0xa90a, sequence: 0x0100, data: decoded.echo.data } },
      { id: 0x0904, flags: 0, ttl: 64 },
    );
    expect(toHex(again)).to.equal(RFC3602_CASE7_INNER);
  });

  it('an echo reply returns the request\'s identifier, sequence and data; a flipped byte fails the checksum', () => {
    const request = { type: 8 as const, identifier: 7, sequence: 9, data: fromHex('deadbeef') };
    const reply = icmpEcho.decode(icmpEcho.encode(echoReplyTo(request)));
    expect([reply.type, reply.identifier, reply.sequence, toHex(reply.data), reply.checksumValid]).to.deep.equal([0, 7, 9, 'deadbeef', true]);
    const bad = icmpEcho.encode(request);
    bad[9] ^= 0xff;
    expect(icmpEcho.decode(bad).checksumValid).to.equal(false);
  });

  it('UDP: ports, payload and a checksum over the RFC 768 pseudo-header that holds', () => {
    const bytes = encodeInnerPacket({ kind: 'udp', source: '198.51.100.10', destination: '203.0.113.10', sourcePort: 40000, destinationPort: 9, payload: fromHex('0102030405') });
    const decoded = decodeInnerPacket(bytes);
    if (decoded.kind !== 'udp') throw new Error(`decoded as ${decoded.kind}`);
    expect([decoded.udp.sourcePort, decoded.udp.destinationPort, toHex(decoded.payload), decoded.checksumValid]).to.deep.equal([40000, 9, '0102030405', true]);
    bytes[bytes.length - 1] ^= 1;
    expect((decodeInnerPacket(bytes) as { checksumValid: boolean }).checksumValid).to.equal(false);
  });

  it('typed errors with offsets: ICMP other than echo (ERR_ICMP_UNSUPPORTED at 20), a cut echo header (ERR_ICMP_TRUNCATED)', () => {
    const unreachable = fromHex(RFC3602_CASE7_INNER);
    unreachable[20] = 3;
    expect(() => decodeInnerPacket(unreachable)).to.throw(WireError).that.includes({ code: 'ERR_ICMP_UNSUPPORTED', offset: 20 });
    expect(() => icmpEcho.decode(fromHex('0800f7ff0000'))).to.throw(WireError).with.property('code', 'ERR_ICMP_TRUNCATED');
  });
});
