/**
 * The IPv4 packets the fake peer carries inside tunnel-mode ESP (next header 4,
 * RFC 4303 §2.6): ICMP echo or UDP between the two inner subnets, built and
 * read with the IPv4/UDP codecs the ICMP injector uses.
 */
import type { DecodedIcmpEcho, IcmpEcho } from './icmp-echo.js';
import { icmpEcho } from './icmp-echo.js';
import { encodeIpv4Udp, IP_PROTOCOL, ipv4Packet, udpDatagram, udpChecksum, type DecodedIpv4Header, type Ipv4Header, type UdpHeader } from './icmp-ipv4-udp.js';

export type InnerPacket =
  | { kind: 'icmp-echo'; source: string; destination: string; echo: IcmpEcho }
  | { kind: 'udp'; source: string; destination: string; sourcePort: number; destinationPort: number; payload: Uint8Array };

export type DecodedInnerPacket =
  | { kind: 'icmp-echo'; ip: DecodedIpv4Header; echo: DecodedIcmpEcho }
  | { kind: 'udp'; ip: DecodedIpv4Header; udp: Required<UdpHeader>; payload: Uint8Array; checksumValid: boolean }
  /** Another protocol: passed on undecoded. */
  | { kind: 'other'; ip: DecodedIpv4Header; payload: Uint8Array };

/** IPv4 header fields a sender varies: the identification a caller counts up per packet (RFC 791 §3.1), flags, TTL. */
export type InnerIpFields = Pick<Ipv4Header, 'id' | 'flags' | 'ttl' | 'tos'>;

export function encodeInnerPacket(p: InnerPacket, fields: InnerIpFields = {}): Uint8Array {
  const ip = { ...fields, source: p.source, destination: p.destination };
  if (p.kind === 'udp') return encodeIpv4Udp(ip, { header: { sourcePort: p.sourcePort, destinationPort: p.destinationPort }, payload: p.payload });
  return ipv4Packet.encode({ header: { ...ip, protocol: IP_PROTOCOL.ICMP }, payload: icmpEcho.encode(p.echo) });
}

/** Errors are WireErrors with ERR_ICMP_* codes and the offset inside the inner packet. */
export function decodeInnerPacket(bytes: Uint8Array): DecodedInnerPacket {
  const packet = ipv4Packet.decode(bytes);
  const ip = ipv4Packet.decodeHeader(bytes);
  if (ip.protocol === IP_PROTOCOL.ICMP) return { kind: 'icmp-echo', ip, echo: icmpEcho.decode(bytes, ip.headerLength, ip.totalLength) };
  if (ip.protocol === IP_PROTOCOL.UDP) {
    const { header, payload } = udpDatagram.decode(bytes, ip.headerLength, ip.totalLength);
    const zeroed = packet.payload.slice(0, header.length);
    zeroed[6] = 0;
    zeroed[7] = 0;
    // RFC 768: a checksum of 0 means the sender computed none.
    const checksumValid = header.checksum === 0 || udpChecksum(ip.source, ip.destination, zeroed) === header.checksum;
    return { kind: 'udp', ip, udp: header as Required<UdpHeader>, payload, checksumValid };
  }
  return { kind: 'other', ip, payload: packet.payload };
}
