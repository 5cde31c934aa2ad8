/**
 * IPv4 and UDP headers (RFC 791 §3.1, RFC 768): the packet an ICMP error
 * quotes, and what a raw socket hands up. Encoders compute lengths and
 * checksums unless a field is overridden, so a quote can lie on purpose; the
 * decoders record every field as it was on the wire and throw only WireError
 * (ERR_ICMP_*) with the byte offset.
 */
import { WireError } from '../errors.js';
import type { Codec } from '../wire/codec.js';
import { WireReader } from '../wire/wire-reader.js';
import { parseIpv4 } from '../wire/ip-address.js';
import { internetChecksum } from './icmp-internet-checksum.js';

export const IP_PROTOCOL = { ICMP: 1, UDP: 17 } as const;
/** RFC 791 §3.1 flags field: bit 1 is Don't Fragment, bit 2 More Fragments. */
export const IPV4_FLAGS = { DONT_FRAGMENT: 0b010, MORE_FRAGMENTS: 0b001 } as const;

const IPV4_MIN_HEADER = 20;
const UDP_HEADER = 8;

export interface Ipv4Header {
  source: string;
  destination: string;
  protocol: number;
  /** Default 0. */
  tos?: number;
  /** Default 0 (for a raw send with IP_HDRINCL the kernel then picks one). */
  id?: number;
  /** 3 bits (IPV4_FLAGS); default Don't Fragment, as Linux sends UDP with path MTU discovery on. */
  flags?: number;
  fragmentOffset?: number;
  /** Default 64, the Linux default. */
  ttl?: number;
  /** Whole 32-bit words (RFC 791 §3.1: the header ends on a 32-bit boundary). */
  options?: Uint8Array;
  /** IHL × 4; computed from the options unless overridden. */
  headerLength?: number;
  /** Computed (header + payload) by ipv4Packet unless overridden. */
  totalLength?: number;
  /** Computed unless overridden. */
  checksum?: number;
}

/** A header as decoded: every field present, as it was on the wire. */
export type DecodedIpv4Header = Required<Ipv4Header>;

export interface Ipv4Packet {
  header: Ipv4Header;
  payload: Uint8Array;
}

export interface UdpHeader {
  sourcePort: number;
  destinationPort: number;
  /** Computed (8 + payload) unless overridden. */
  length?: number;
  /** Computed over the RFC 768 pseudo-header unless overridden; 0 means "no checksum" (RFC 768). */
  checksum?: number;
}

export interface UdpDatagram {
  header: UdpHeader;
  payload: Uint8Array;
}

/** Bounds-checked big-endian reads (the codec's reader) that fail with ICMP codes and absolute offsets. */
export class PacketReader extends WireReader {
  constructor(buf: Uint8Array) {
    super(buf, 0, { truncated: 'ERR_ICMP_TRUNCATED', badLength: 'ERR_ICMP_BAD_LENGTH' });
  }
}

export function putField(buf: Uint8Array, offset: number, value: number, bits: 8 | 16 | 32, what: string): void {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) throw new WireError('ERR_ICMP_BAD_VALUE', offset, `${what} ${value} does not fit in ${bits} bits`);
  for (let i = bits / 8 - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) buf[offset + i] = v % 256;
}

/** `buf` (checked to hold `length` bytes at `offset`) or a new buffer of exactly the right size. */
export function outputBuffer(buf: Uint8Array | undefined, offset: number, length: number): Uint8Array {
  const out = buf ?? new Uint8Array(offset + length);
  if (offset + length > out.length) throw new WireError('ERR_ICMP_BAD_VALUE', offset, `buffer too small for ${length} byte(s)`);
  return out;
}

function addressBytes(text: string, offset: number, what: string): Uint8Array {
  const bytes = parseIpv4(text);
  if (!bytes) throw new WireError('ERR_ICMP_BAD_VALUE', offset, `${what} ${JSON.stringify(text)} is not an IPv4 address`);
  return bytes;
}

const addressText = (b: Uint8Array): string => Array.from(b).join('.');

function headerLengthOf(h: Ipv4Header): number {
  return IPV4_MIN_HEADER + (h.options?.length ?? 0);
}

function writeIpv4Header(h: Ipv4Header, payloadLength: number, buf: Uint8Array, offset: number): number {
  const real = headerLengthOf(h);
  const options = h.options ?? new Uint8Array(0);
  // RFC 791 §3.1 (Options, Padding): the header is a whole number of 32-bit words.
  if (options.length % 4 !== 0) throw new WireError('ERR_ICMP_BAD_VALUE', offset + 20, `IPv4 options are ${options.length} bytes, not whole 32-bit words`);
  const headerLength = h.headerLength ?? real;
  if (headerLength % 4 !== 0 || headerLength / 4 > 15) throw new WireError('ERR_ICMP_BAD_VALUE', offset, `IPv4 header length ${headerLength} is not IHL × 4 with IHL ≤ 15`);
  const fragmentOffset = h.fragmentOffset ?? 0;
  if (!Number.isInteger(fragmentOffset) || fragmentOffset < 0 || fragmentOffset > 0x1fff) throw new WireError('ERR_ICMP_BAD_VALUE', offset + 6, `fragment offset ${fragmentOffset} does not fit in 13 bits`);
  const flags = h.flags ?? IPV4_FLAGS.DONT_FRAGMENT;
  if (!Number.isInteger(flags) || flags < 0 || flags > 7) throw new WireError('ERR_ICMP_BAD_VALUE', offset + 6, `IPv4 flags ${flags} do not fit in 3 bits`);
  // RFC 791 §3.1: version 4, IHL in 32-bit words.
  buf[offset] = 0x40 | (headerLength / 4);
  putField(buf, offset + 1, h.tos ?? 0, 8, 'type of service');
  putField(buf, offset + 2, h.totalLength ?? real + payloadLength, 16, 'total length');
  putField(buf, offset + 4, h.id ?? 0, 16, 'identification');
  putField(buf, offset + 6, (flags << 13) | fragmentOffset, 16, 'flags and fragment offset');
  putField(buf, offset + 8, h.ttl ?? 64, 8, 'time to live');
  putField(buf, offset + 9, h.protocol, 8, 'protocol');
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  buf.set(addressBytes(h.source, offset + 12, 'source address'), offset + 12);
  buf.set(addressBytes(h.destination, offset + 16, 'destination address'), offset + 16);
  buf.set(options, offset + 20);
  // RFC 791 §3.1 (Header Checksum): over the header only, computed with the checksum field zero.
  putField(buf, offset + 10, h.checksum ?? internetChecksum(buf.subarray(offset, offset + real)), 16, 'header checksum');
  return offset + real;
}

/**
 * Reads the header at `offset`. `end` bounds the header itself; the total
 * length is checked by the caller, because a quoted header legitimately
 * announces more bytes than the quote carries.
 */
function readIpv4Header(r: PacketReader, offset: number, end: number): DecodedIpv4Header {
  const first = r.u8(offset, end, 'IPv4 version/IHL');
  if (first >>> 4 !== 4) r.fail('ERR_ICMP_UNSUPPORTED', offset, `IP version ${first >>> 4}, only IPv4 is decoded`);
  const headerLength = (first & 0x0f) * 4;
  // RFC 791 §3.1: "the minimum value for a correct header is 5".
  if (headerLength < IPV4_MIN_HEADER) r.fail('ERR_ICMP_BAD_LENGTH', offset, `IPv4 IHL ${headerLength / 4} is below the minimum of 5`);
  r.need(offset, headerLength, end, 'IPv4 header');
  const totalLength = r.u16(offset + 2, end, 'total length');
  if (totalLength < headerLength) r.fail('ERR_ICMP_BAD_LENGTH', offset + 2, `IPv4 total length ${totalLength} is shorter than its ${headerLength}-byte header`);
  const flagsAndOffset = r.u16(offset + 6, end, 'flags and fragment offset');
  return {
    tos: r.u8(offset + 1, end, 'type of service'),
    totalLength,
    id: r.u16(offset + 4, end, 'identification'),
    flags: flagsAndOffset >>> 13,
    fragmentOffset: flagsAndOffset & 0x1fff,
    ttl: r.u8(offset + 8, end, 'time to live'),
    protocol: r.u8(offset + 9, end, 'protocol'),
    checksum: r.u16(offset + 10, end, 'header checksum'),
    source: addressText(r.bytes(offset + 12, 4, end, 'source address')),
    destination: addressText(r.bytes(offset + 16, 4, end, 'destination address')),
    options: r.bytes(offset + 20, headerLength - IPV4_MIN_HEADER, end, 'IPv4 options'),
    headerLength,
  };
}

/** A whole IPv4 packet: header (lengths and checksum computed unless overridden) and payload. */
export const ipv4Packet: Codec<Ipv4Packet> & { decodeHeader(buf: Uint8Array, offset?: number, end?: number): DecodedIpv4Header } = {
  encodingLength: (p) => headerLengthOf(p.header) + p.payload.length,
  encode(p, buf, offset = 0) {
    const out = outputBuffer(buf, offset, headerLengthOf(p.header) + p.payload.length);
    const at = writeIpv4Header(p.header, p.payload.length, out, offset);
    out.set(p.payload, at);
    return out;
  },
  /** Strict: the total length must fit the bytes; bytes after it (link padding) are not part of the packet. */
  decode(buf, offset = 0, until = buf.length) {
    const end = Math.min(until, buf.length);
    const r = new PacketReader(buf);
    const header = readIpv4Header(r, offset, end);
    if (offset + header.totalLength > end) r.fail('ERR_ICMP_BAD_LENGTH', offset + 2, `IPv4 total length ${header.totalLength} runs ${offset + header.totalLength - end} byte(s) past the data`);
    return { header: header as Ipv4Header, payload: buf.slice(offset + header.headerLength, offset + header.totalLength) };
  },
  decodeHeader: (buf, offset = 0, end = buf.length) => readIpv4Header(new PacketReader(buf), offset, Math.min(end, buf.length)),
};

/** RFC 768 (Fields, Checksum): the pseudo-header is source, destination, zero, protocol, UDP length. */
function pseudoHeader(source: string, destination: string, udpLength: number): Uint8Array {
  const p = new Uint8Array(12);
  p.set(addressBytes(source, 0, 'source address'), 0);
  p.set(addressBytes(destination, 4, 'destination address'), 4);
  p[9] = IP_PROTOCOL.UDP;
  p[10] = (udpLength >>> 8) & 0xff;
  p[11] = udpLength & 0xff;
  return p;
}

/** The UDP checksum of `udp` (header with its checksum field zero, and payload) between two IPv4 addresses. */
export function udpChecksum(source: string, destination: string, udp: Uint8Array): number {
  const sum = internetChecksum(pseudoHeader(source, destination, udp.length), udp);
  // RFC 768 (Checksum): a computed zero is sent as all ones; zero means "no checksum".
  return sum === 0 ? 0xffff : sum;
}

export const udpDatagram: Codec<UdpDatagram> & {
  /** Like encode, with the checksum computed over the pseudo-header unless overridden. */
  encodeBetween(d: UdpDatagram, source: string, destination: string): Uint8Array;
  decodeHeader(buf: Uint8Array, offset?: number, end?: number): Required<UdpHeader>;
} = {
  encodingLength: (d) => UDP_HEADER + d.payload.length,
  encode(d, buf, offset = 0) {
    const out = outputBuffer(buf, offset, UDP_HEADER + d.payload.length);
    putField(out, offset, d.header.sourcePort, 16, 'source port');
    putField(out, offset + 2, d.header.destinationPort, 16, 'destination port');
    putField(out, offset + 4, d.header.length ?? UDP_HEADER + d.payload.length, 16, 'UDP length');
    putField(out, offset + 6, d.header.checksum ?? 0, 16, 'UDP checksum');
    out.set(d.payload, offset + UDP_HEADER);
    return out;
  },
  encodeBetween(d, source, destination) {
    const bytes = udpDatagram.encode({ header: { ...d.header, checksum: 0 }, payload: d.payload });
    putField(bytes, 6, d.header.checksum ?? udpChecksum(source, destination, bytes), 16, 'UDP checksum');
    return bytes;
  },
  /** Strict: the UDP length must cover its header and fit the bytes. */
  decode(buf, offset = 0, until = buf.length) {
    const end = Math.min(until, buf.length);
    const header = udpDatagram.decodeHeader(buf, offset, end);
    const r = new PacketReader(buf);
    if (header.length < UDP_HEADER) r.fail('ERR_ICMP_BAD_LENGTH', offset + 4, `UDP length ${header.length} is shorter than its 8-byte header`);
    if (offset + header.length > end) r.fail('ERR_ICMP_BAD_LENGTH', offset + 4, `UDP length ${header.length} runs ${offset + header.length - end} byte(s) past the IP payload`);
    return { header, payload: buf.slice(offset + UDP_HEADER, offset + header.length) };
  },
  decodeHeader(buf, offset = 0, end = buf.length) {
    const r = new PacketReader(buf);
    const stop = Math.min(end, buf.length);
    r.need(offset, UDP_HEADER, stop, 'UDP header');
    return {
      sourcePort: r.u16(offset, stop, 'source port'),
      destinationPort: r.u16(offset + 2, stop, 'destination port'),
      length: r.u16(offset + 4, stop, 'UDP length'),
      checksum: r.u16(offset + 6, stop, 'UDP checksum'),
    };
  },
};

/** An IPv4 packet carrying UDP, every length and checksum computed unless overridden in `ip` or `udp`. */
export function encodeIpv4Udp(ip: Omit<Ipv4Header, 'protocol'> & { protocol?: number }, udp: UdpDatagram): Uint8Array {
  const segment = udpDatagram.encodeBetween(udp, ip.source, ip.destination);
  return ipv4Packet.encode({ header: { ...ip, protocol: ip.protocol ?? IP_PROTOCOL.UDP }, payload: segment });
}
