import { expect } from 'chai';
import fc from 'fast-check';
import { checksumHolds, internetChecksum } from '../../src/peer/icmp-internet-checksum.js';
import { encodeIpv4Udp, ipv4Packet, udpChecksum, udpDatagram } from '../../src/peer/icmp-ipv4-udp.js';
import { thrownWireError } from './thrown-wire-error.js';

describe('udpChecksum (RFC 768)', () => {
  it('makes the pseudo-header, header and payload sum to all ones', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (payload, sport, dport) => {
        const packet = encodeIpv4Udp({ source: '203.0.113.130', destination: '203.0.113.129' }, { header: { sourcePort: sport, destinationPort: dport }, payload });
        const pseudo = Uint8Array.of(203, 0, 113, 130, 203, 0, 113, 129, 0, 17, 0, 8 + payload.length);
        pseudo[10] = (8 + payload.length) >>> 8;
        expect(checksumHolds(pseudo, packet.subarray(20))).to.equal(true);
      }),
    );
  });

  it('sends a computed zero as 0xffff, because zero means "no checksum"', () => {
    const bare = udpDatagram.encode({ header: { sourcePort: 500, destinationPort: 500, checksum: 0 }, payload: new Uint8Array(2) });
    const sum = udpChecksum('203.0.113.130', '203.0.113.129', bare);
    // Payload word equal to the checksum without it completes the one's complement sum to 0xffff: the computed checksum is 0.
    const zeroing = udpDatagram.encode({ header: { sourcePort: 500, destinationPort: 500, checksum: 0 }, payload: Uint8Array.of(sum >>> 8, sum & 0xff) });
    expect(internetChecksum(Uint8Array.of(203, 0, 113, 130, 203, 0, 113, 129, 0, 17, 0, 10), zeroing)).to.equal(0);
    expect(udpChecksum('203.0.113.130', '203.0.113.129', zeroing)).to.equal(0xffff);
  });
});

describe('ipv4Packet / udpDatagram decode', () => {
  const packet = encodeIpv4Udp({ source: '203.0.113.130', destination: '203.0.113.129', options: Uint8Array.of(1, 1, 1, 0) }, { header: { sourcePort: 500, destinationPort: 4500 }, payload: Uint8Array.of(9, 9) });

  it('reads options, computed lengths and a header checksum that holds', () => {
    const { header, payload } = ipv4Packet.decode(packet);
    expect(header).to.include({ headerLength: 24, totalLength: 34, protocol: 17, ttl: 64, flags: 0b010 });
    expect(Array.from(header.options ?? [])).to.deep.equal([1, 1, 1, 0]);
    expect(checksumHolds(packet.subarray(0, 24))).to.equal(true);
    expect(udpDatagram.decode(payload)).to.deep.equal({ header: { sourcePort: 500, destinationPort: 4500, length: 10, checksum: udpChecksum('203.0.113.130', '203.0.113.129', Uint8Array.of(1, 244, 17, 148, 0, 10, 0, 0, 9, 9)) }, payload: Uint8Array.of(9, 9) });
  });

  it('ignores bytes after the total length (link padding) and refuses a total length past the data', () => {
    expect(ipv4Packet.decode(Uint8Array.from([...packet, 0, 0])).payload).to.have.length(10);
    expect(thrownWireError(() => ipv4Packet.decode(packet.subarray(0, 33)))).to.include({ code: 'ERR_ICMP_BAD_LENGTH', offset: 2 });
  });

  it('refuses a UDP length below its header', () => {
    const short = Uint8Array.from(packet.subarray(24));
    short[5] = 7;
    expect(thrownWireError(() => udpDatagram.decode(short))).to.include({ code: 'ERR_ICMP_BAD_LENGTH', offset: 4 });
  });
});
