import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../src/errors.js';
import { IP_PROTOCOL, encodeIpv4Udp, ipv4Packet } from '../../src/peer/icmp-ipv4-udp.js';
import { UNREACHABLE_CODE, icmpUnreachable, quoteOf } from '../../src/peer/icmp-message.js';
import { hex, toHex } from '../wire/helpers.js';
import { thrownWireError } from './thrown-wire-error.js';

/**
 * Captured 2026-11-28 with tcpdump in a network namespace on Linux
 * 6.18.44 (Debian 12 host): the kernel's own port unreachable for a UDP
 * datagram from 203.0.113.138:40544 to the closed port 203.0.113.137:4999.
 * The quoted UDP checksum is the partial one veth offload leaves.
 */
const LINUX_ORIGINAL = hex('4500003313b040004011adf5cb00718acb0071899e601387001f79456470642d6861726e6573732069636d7020766563746f72');
const LINUX_PORT_UNREACHABLE = hex(`45c0004f8b81000040017558cb007189cb00718a 0303129200000000 ${toHex(LINUX_ORIGINAL)}`);

describe('icmpUnreachable against a Linux capture', () => {
  it('decodes the kernel port unreachable: type, code, a valid checksum and the quoted UDP header', () => {
    const outer = ipv4Packet.decode(LINUX_PORT_UNREACHABLE);
    expect(outer.header).to.include({ source: '203.0.113.137', destination: '203.0.113.138', protocol: IP_PROTOCOL.ICMP, tos: 0xc0, ttl: 64, checksum: 0x7558 });
    const icmp = icmpUnreachable.decode(outer.payload);
    expect(icmp).to.include({ type: 3, code: UNREACHABLE_CODE.PORT, checksum: 0x1292, unused: 0, checksumValid: true });
    expect(icmp.original.ip).to.include({ source: '203.0.113.138', destination: '203.0.113.137', protocol: IP_PROTOCOL.UDP, totalLength: 51, id: 0x13b0, flags: 0b010 });
    expect(icmp.original.udp).to.deep.equal({ sourcePort: 40544, destinationPort: 4999, length: 31, checksum: 0x7945 });
    expect(icmp.original.complete).to.equal(true);
    expect(Buffer.from(icmp.original.data.subarray(8)).toString()).to.equal('dpd-harness icmp vector');
  });

  it('encodes the same bytes from the same fields (RFC 1812 quote: the whole short datagram)', () => {
    const icmp = icmpUnreachable.encode({ code: UNREACHABLE_CODE.PORT, quote: quoteOf(LINUX_ORIGINAL, 'rfc1812') });
    const packet = ipv4Packet.encode({
      header: { source: '203.0.113.137', destination: '203.0.113.138', protocol: IP_PROTOCOL.ICMP, tos: 0xc0, id: 0x8b81, flags: 0, ttl: 64 },
      payload: icmp,
    });
    expect(toHex(packet)).to.equal(toHex(LINUX_PORT_UNREACHABLE));
  });
});

describe('quoteOf', () => {
  const big = encodeIpv4Udp({ source: '203.0.113.130', destination: '203.0.113.129' }, { header: { sourcePort: 500, destinationPort: 500 }, payload: new Uint8Array(1000).fill(7) });

  it("'rfc792' keeps the internet header and the first 64 bits of data", () => {
    expect(toHex(quoteOf(big, 'rfc792'))).to.equal(toHex(big.subarray(0, 28)));
  });

  it("'rfc1812' keeps the ICMP packet within 576 bytes (RFC 1812 §4.3.2.3)", () => {
    const quote = quoteOf(big, 'rfc1812');
    expect(20 + icmpUnreachable.encodingLength({ code: 3, quote })).to.equal(576);
    expect(toHex(quote)).to.equal(toHex(big.subarray(0, 548)));
  });

  it('refuses a packet too short to quote', () => {
    expect(thrownWireError(() => quoteOf(big.subarray(0, 27), 'rfc792'))).to.include({ code: 'ERR_ICMP_TRUNCATED', offset: 27 });
  });
});

describe('icmpUnreachable encode / decode', () => {
  const original = encodeIpv4Udp({ source: '203.0.113.130', destination: '203.0.113.129', id: 7 }, { header: { sourcePort: 4500, destinationPort: 500 }, payload: new Uint8Array(40).fill(1) });

  it('writes overridden fields as given: a wrong checksum decodes with checksumValid false', () => {
    const good = icmpUnreachable.encode({ code: UNREACHABLE_CODE.HOST, quote: quoteOf(original, 'rfc792') });
    const bad = icmpUnreachable.encode({ code: UNREACHABLE_CODE.HOST, quote: quoteOf(original, 'rfc792'), checksum: 0x1234 });
    expect(icmpUnreachable.decode(good).checksumValid).to.equal(true);
    expect(icmpUnreachable.decode(bad)).to.include({ checksum: 0x1234, checksumValid: false });
  });

  it('round-trips every field and every byte', () => {
    fc.assert(
      fc.property(
        fc.record({
          code: fc.integer({ min: 0, max: 255 }),
          unused: fc.integer({ min: 0, max: 0xffffffff }),
          payload: fc.uint8Array({ maxLength: 700 }),
          ttl: fc.integer({ min: 0, max: 255 }),
          id: fc.integer({ min: 0, max: 0xffff }),
          extent: fc.constantFrom('rfc792' as const, 'rfc1812' as const),
        }),
        ({ code, unused, payload, ttl, id, extent }) => {
          const packet = encodeIpv4Udp({ source: '203.0.113.130', destination: '203.0.113.129', ttl, id }, { header: { sourcePort: 500, destinationPort: 500 }, payload });
          const bytes = icmpUnreachable.encode({ code, unused, quote: quoteOf(packet, extent) });
          const decoded = icmpUnreachable.decode(bytes);
          expect(decoded).to.include({ type: 3, code, unused, checksumValid: true });
          expect(decoded.original.ip).to.include({ ttl, id, totalLength: 28 + payload.length });
          expect(decoded.original.udp).to.include({ sourcePort: 500, destinationPort: 500, length: 8 + payload.length });
          expect(toHex(icmpUnreachable.encode(decoded))).to.equal(toHex(bytes));
        },
      ),
    );
  });

  it('names what is wrong and where: code and byte offset', () => {
    const good = icmpUnreachable.encode({ code: 3, quote: quoteOf(original, 'rfc792') });
    const cases: Array<[string, Uint8Array, string, number]> = [
      ['empty', new Uint8Array(0), 'ERR_ICMP_TRUNCATED', 0],
      ['short ICMP header', good.subarray(0, 5), 'ERR_ICMP_TRUNCATED', 0],
      ['echo request, not type 3', Uint8Array.from([8, ...good.subarray(1)]), 'ERR_ICMP_UNSUPPORTED', 0],
      ['no quote at all', good.subarray(0, 8), 'ERR_ICMP_TRUNCATED', 8],
      ['quoted IPv6', Uint8Array.from([...good.subarray(0, 8), 0x60, ...good.subarray(9)]), 'ERR_ICMP_UNSUPPORTED', 8],
      ['quoted IHL 4', Uint8Array.from([...good.subarray(0, 8), 0x44, ...good.subarray(9)]), 'ERR_ICMP_BAD_LENGTH', 8],
      ['quoted total length below the header', Uint8Array.from([...good.subarray(0, 10), 0, 19, ...good.subarray(12)]), 'ERR_ICMP_BAD_LENGTH', 10],
      ['quote shorter than header + 64 bits', good.subarray(0, 32), 'ERR_ICMP_TRUNCATED', 28],
    ];
    for (const [what, bytes, code, offset] of cases) {
      expect(thrownWireError(() => icmpUnreachable.decode(bytes)), what).to.include({ code, offset });
    }
  });

  it('encodes into a given buffer at an offset, the same bytes as alone, and refuses a buffer too small', () => {
    const message = { code: 3, quote: quoteOf(original, 'rfc792') };
    const alone = icmpUnreachable.encode(message);
    const into = icmpUnreachable.encode(message, new Uint8Array(20 + alone.length), 20);
    expect(toHex(into.subarray(20))).to.equal(toHex(alone));
    expect(thrownWireError(() => icmpUnreachable.encode(message, new Uint8Array(alone.length + 3), 4))).to.include({ code: 'ERR_ICMP_BAD_VALUE', offset: 4 });
  });

  it('refuses to encode values that do not fit their fields', () => {
    expect(thrownWireError(() => icmpUnreachable.encode({ code: 256, quote: new Uint8Array(28) }))).to.include({ code: 'ERR_ICMP_BAD_VALUE', offset: 1 });
    expect(thrownWireError(() => encodeIpv4Udp({ source: 'dut.example', destination: '203.0.113.129' }, { header: { sourcePort: 1, destinationPort: 2 }, payload: new Uint8Array(0) }))).to.include({ code: 'ERR_ICMP_BAD_VALUE' });
    expect(thrownWireError(() => ipv4Packet.encode({ header: { source: '203.0.113.1', destination: '203.0.113.2', protocol: 17, options: new Uint8Array(3) }, payload: new Uint8Array(0) }))).to.include({ code: 'ERR_ICMP_BAD_VALUE', offset: 20 });
  });

  it('never throws anything but a WireError with an offset inside the data, whatever the bytes', () => {
    const valid = icmpUnreachable.encode({ code: 3, quote: quoteOf(original, 'rfc1812') });
    const mutated = fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
      .chain((edits) => fc.nat(valid.length).map((cut) => {
        const b = Uint8Array.from(valid.subarray(0, cut));
        for (const [at, v] of edits) if (at < b.length) b[at] = v;
        return b;
      }));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), mutated), (bytes) => {
        try {
          icmpUnreachable.decode(bytes);
        } catch (err) {
          expect(err).to.be.instanceOf(WireError);
          expect((err as WireError).code).to.match(/^ERR_ICMP_/);
          expect((err as WireError).offset).to.be.within(0, bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
