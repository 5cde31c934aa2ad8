/**
 * ICMPv4 Destination Unreachable (RFC 792, type 3): what a host whose IKE
 * daemon is dead (port unreachable) or a router on a dead path (host
 * unreachable, administratively prohibited) sends back to the DUT. One
 * encodingLength / encode / decode triple; the checksum is computed unless
 * overridden, and decoding reports whether it holds instead of refusing the
 * message, so a malformed ICMP from a DUT can still be shown.
 */
import { WireError } from '../errors.js';
import { checksumHolds, internetChecksum } from './icmp-internet-checksum.js';
import { IP_PROTOCOL, PacketReader, ipv4Packet, outputBuffer, putField, udpDatagram, type DecodedIpv4Header, type UdpHeader } from './icmp-ipv4-udp.js';

export const ICMP_TYPE = { DESTINATION_UNREACHABLE: 3 } as const;

export const UNREACHABLE_CODE = {
  // RFC 792 (Destination Unreachable Message, Code): 1 = host unreachable, 3 = port unreachable.
  HOST: 1,
  PORT: 3,
  // RFC 1812 §5.2.7.1: 13 = communication administratively prohibited (a filter on the path).
  ADMIN_PROHIBITED: 13,
} as const;

export type UnreachableName = 'host' | 'port' | 'admin-prohibited';

export const UNREACHABLE_NAMES: Readonly<Record<UnreachableName, number>> = {
  host: UNREACHABLE_CODE.HOST,
  port: UNREACHABLE_CODE.PORT,
  'admin-prohibited': UNREACHABLE_CODE.ADMIN_PROHIBITED,
};

/** ICMP header: type, code, checksum, 32 unused bits (RFC 792). */
const ICMP_HEADER = 8;
/** RFC 792: the quote is "the internet header plus the first 64 bits of the original datagram's data". */
const RFC792_DATA_BYTES = 8;
/** RFC 1812 §4.3.2.3: the whole ICMP error, outer IP header included, SHOULD NOT exceed 576 bytes. */
const RFC1812_PACKET_LIMIT = 576;
const OUTER_IPV4_HEADER = 20;

export interface IcmpUnreachable {
  /** Default 3; anything else only to build a deliberately wrong message. */
  type?: number;
  code: number;
  /** Computed unless overridden. */
  checksum?: number;
  /** RFC 792 "unused" (must be zero); RFC 1191 puts the next-hop MTU in its low 16 bits for code 4. Default 0. */
  unused?: number;
  /** The quoted start of the original datagram: its IPv4 header and at least 8 bytes after it (see quoteOf). */
  quote: Uint8Array;
}

/** What the quote says about the datagram that caused the error. */
export interface QuotedDatagram {
  ip: DecodedIpv4Header;
  /** Present when the quoted protocol is UDP. */
  udp?: Required<UdpHeader>;
  /** Bytes of the original datagram after its IP header that the quote carries. */
  data: Uint8Array;
  /** Whether the quote covers the original datagram's total length. */
  complete: boolean;
}

export interface DecodedIcmpUnreachable extends Required<IcmpUnreachable> {
  /** RFC 792 (Checksum): computed over the whole ICMP message with the field zero. */
  checksumValid: boolean;
  original: QuotedDatagram;
}

export interface IcmpUnreachableCodec {
  encodingLength(message: IcmpUnreachable): number;
  encode(message: IcmpUnreachable, buf?: Uint8Array, offset?: number): Uint8Array;
  /** Decodes one ICMP message occupying [offset, end): the ICMP payload of an IPv4 packet. */
  decode(buf: Uint8Array, offset?: number, end?: number): DecodedIcmpUnreachable;
}

export const icmpUnreachable: IcmpUnreachableCodec = {
  encodingLength: (m) => ICMP_HEADER + m.quote.length,
  encode(m, buf, offset = 0) {
    const length = ICMP_HEADER + m.quote.length;
    const out = outputBuffer(buf, offset, length);
    putField(out, offset, m.type ?? ICMP_TYPE.DESTINATION_UNREACHABLE, 8, 'ICMP type');
    putField(out, offset + 1, m.code, 8, 'ICMP code');
    putField(out, offset + 2, 0, 16, 'ICMP checksum');
    putField(out, offset + 4, m.unused ?? 0, 32, 'ICMP unused field');
    out.set(m.quote, offset + ICMP_HEADER);
    // RFC 792 (Checksum): "the 16-bit one's complement of the one's complement sum of the ICMP message starting with the ICMP Type".
    putField(out, offset + 2, m.checksum ?? internetChecksum(out.subarray(offset, offset + length)), 16, 'ICMP checksum');
    return out;
  },
  decode(buf, offset = 0, until = buf.length) {
    const end = Math.min(until, buf.length);
    const r = new PacketReader(buf);
    r.need(offset, ICMP_HEADER, end, 'ICMP header');
    const type = r.u8(offset, end, 'ICMP type');
    if (type !== ICMP_TYPE.DESTINATION_UNREACHABLE) r.fail('ERR_ICMP_UNSUPPORTED', offset, `ICMP type ${type}: only Destination Unreachable (3) is decoded`);
    const quoteAt = offset + ICMP_HEADER;
    return {
      type,
      code: r.u8(offset + 1, end, 'ICMP code'),
      checksum: r.u16(offset + 2, end, 'ICMP checksum'),
      unused: r.u32(offset + 4, end, 'ICMP unused field'),
      quote: buf.slice(quoteAt, end),
      checksumValid: checksumHolds(buf.subarray(offset, end)),
      original: readQuote(r, quoteAt, end),
    };
  },
};

function readQuote(r: PacketReader, offset: number, end: number): QuotedDatagram {
  const ip = ipv4Packet.decodeHeader(r.buf, offset, end);
  const dataAt = offset + ip.headerLength;
  // RFC 792: at least 64 bits of the original data follow the quoted header; a receiving stack needs them to find the socket.
  r.need(dataAt, RFC792_DATA_BYTES, end, 'quoted datagram (RFC 792: IP header + 64 bits)');
  const data = r.buf.slice(dataAt, end);
  return {
    ip,
    ...(ip.protocol === IP_PROTOCOL.UDP ? { udp: udpDatagram.decodeHeader(r.buf, dataAt, end) } : {}),
    data,
    complete: ip.headerLength + data.length >= ip.totalLength,
  };
}

/**
 * The part of `original` (a whole IPv4 packet) an ICMP error quotes:
 * 'rfc792' the minimum (header + 8 bytes), 'rfc1812' as much as keeps the
 * ICMP packet within 576 bytes, which is what Linux and most routers send.
 */
export function quoteOf(original: Uint8Array, extent: 'rfc792' | 'rfc1812'): Uint8Array {
  const header = ipv4Packet.decodeHeader(original);
  const length =
    extent === 'rfc792' ? header.headerLength + RFC792_DATA_BYTES : RFC1812_PACKET_LIMIT - OUTER_IPV4_HEADER - ICMP_HEADER;
  if (original.length < header.headerLength + RFC792_DATA_BYTES) {
    throw new WireError('ERR_ICMP_TRUNCATED', original.length, `a quote needs the IP header and 8 bytes after it; the packet has ${original.length} byte(s)`);
  }
  return original.slice(0, Math.min(length, original.length));
}
