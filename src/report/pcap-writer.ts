/**
 * Classic libpcap files of the datagrams a scenario exchanged, for Wireshark
 * and tshark. Pure byte builders: the caller owns the file. Records use
 * LINKTYPE_RAW (each packet starts with its IPv4 or IPv6 header) and
 * nanosecond timestamps, and carry real IP/UDP headers with valid checksums so
 * the dissectors raise no checksum warnings.
 *
 * Streaming: write pcapFileHeader() once, then pcapRecord() per datagram as it
 * happens (e.g. fs.appendFileSync); a run killed half-way still leaves a file
 * Wireshark opens. createPcapStream() wraps exactly that.
 */
import { HarnessError } from '../errors.js';
import type { DatagramEvent, Endpoint } from '../events.js';
import { parseIpAddress } from '../wire/ip-address.js';
import { frameUdpEncapsulated } from '../wire/udp-encapsulation.js';

export class PcapError extends HarnessError {}

export interface PcapDatagram {
  /** Wall-clock capture time in ns since the Unix epoch. */
  timeNs: bigint;
  src: Endpoint;
  dst: Endpoint;
  /** The UDP payload (for IKE: the ISAKMP message, or the non-ESP marker and message on port 4500). */
  payload: Uint8Array;
}

/** libpcap magic for nanosecond timestamps (pcap-savefile(5)); written little-endian. */
const MAGIC_NANOSECONDS = 0xa1b23c4d;
/** LINKTYPE_RAW: the packet begins with an IPv4 or IPv6 header (tcpdump.org linktypes list). */
export const LINKTYPE_RAW = 101;
const SNAPLEN = 262144;
const UDP = 17;
export const PCAP_FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

export function pcapFileHeader(): Uint8Array {
  const out = new Uint8Array(PCAP_FILE_HEADER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC_NANOSECONDS, true);
  v.setUint16(4, 2, true); // version 2.4
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone: timestamps are UTC
  v.setUint32(12, 0, true); // sigfigs
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, LINKTYPE_RAW, true);
  return out;
}

function parseAddress(address: string): Uint8Array {
  const parsed = parseIpAddress(address);
  if (!parsed) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `not an IPv4 or IPv6 address: ${JSON.stringify(address)}`);
  return parsed;
}

/** RFC 1071 one's-complement sum over the given byte strings, folded to 16 bits. */
function onesComplementSum(...chunks: Uint8Array[]): number {
  let sum = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += 2) sum += (chunk[i] << 8) | (i + 1 < chunk.length ? chunk[i + 1] : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function checksum(...chunks: Uint8Array[]): number {
  return ~onesComplementSum(...chunks) & 0xffff;
}

function udpSegment(d: PcapDatagram, pseudoHeader: (udpLength: number) => Uint8Array): Uint8Array {
  const length = 8 + d.payload.length;
  const udp = new Uint8Array(length);
  const v = new DataView(udp.buffer);
  v.setUint16(0, d.src.port);
  v.setUint16(2, d.dst.port);
  v.setUint16(4, length);
  udp.set(d.payload, 8);
  // RFC 768: a computed checksum of 0 is sent as all ones (0 means "none").
  v.setUint16(6, checksum(pseudoHeader(length), udp) || 0xffff);
  return udp;
}

/** The raw IP packet (IPv4 per RFC 791 or IPv6 per RFC 8200) carrying the datagram over UDP. */
export function ipPacket(d: PcapDatagram): Uint8Array {
  for (const e of [d.src, d.dst]) {
    if (!Number.isInteger(e.port) || e.port < 0 || e.port > 0xffff) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `bad UDP port ${e.port}`);
  }
  const src = parseAddress(d.src.address);
  const dst = parseAddress(d.dst.address);
  if (src.length !== dst.length) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `source ${d.src.address} and destination ${d.dst.address} are different IP versions`);
  if (src.length === 4) {
    if (20 + 8 + d.payload.length > 0xffff) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `payload of ${d.payload.length} bytes does not fit an IPv4 packet`);
    const udp = udpSegment(d, (udpLength) => Uint8Array.from([...src, ...dst, 0, UDP, udpLength >> 8, udpLength & 0xff]));
    const ip = new Uint8Array(20 + udp.length);
    const v = new DataView(ip.buffer);
    v.setUint8(0, 0x45); // version 4, 5-word header
    v.setUint16(2, ip.length);
    v.setUint16(6, 0x4000); // don't fragment
    v.setUint8(8, 64); // TTL
    v.setUint8(9, UDP);
    ip.set(src, 12);
    ip.set(dst, 16);
    v.setUint16(10, checksum(ip.subarray(0, 20)));
    ip.set(udp, 20);
    return ip;
  }
  if (8 + d.payload.length > 0xffff) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `payload of ${d.payload.length} bytes does not fit an IPv6 packet`);
  const udp = udpSegment(d, (udpLength) => {
    const pseudo = new Uint8Array(40);
    pseudo.set(src, 0);
    pseudo.set(dst, 16);
    new DataView(pseudo.buffer).setUint32(32, udpLength);
    pseudo[39] = UDP;
    return pseudo;
  });
  const ip = new Uint8Array(40 + udp.length);
  const v = new DataView(ip.buffer);
  v.setUint32(0, 0x60000000); // version 6, no traffic class or flow label
  v.setUint16(4, udp.length);
  v.setUint8(6, UDP);
  v.setUint8(7, 64); // hop limit
  ip.set(src, 8);
  ip.set(dst, 24);
  ip.set(udp, 40);
  return ip;
}

/** One pcap record: 16-byte record header (seconds, nanoseconds, lengths) and the IP packet. */
export function pcapRecord(d: PcapDatagram): Uint8Array {
  if (d.timeNs < 0n) throw new PcapError('ERR_PCAP_BAD_DATAGRAM', `negative capture time ${d.timeNs}`);
  const packet = ipPacket(d);
  const out = new Uint8Array(RECORD_HEADER_LENGTH + packet.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, Number(d.timeNs / 1_000_000_000n), true);
  v.setUint32(4, Number(d.timeNs % 1_000_000_000n), true);
  v.setUint32(8, packet.length, true);
  v.setUint32(12, packet.length, true);
  out.set(packet, RECORD_HEADER_LENGTH);
  return out;
}

/** A whole pcap file in one buffer. */
export function pcapFile(datagrams: Iterable<PcapDatagram>): Uint8Array {
  const chunks = [pcapFileHeader(), ...Array.from(datagrams, pcapRecord)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

/** Writes the file header at once, then one record per append(), so every prefix written is a valid pcap. */
export function createPcapStream(write: (chunk: Uint8Array) => void): { append(d: PcapDatagram): void } {
  write(pcapFileHeader());
  return { append: (d) => write(pcapRecord(d)) };
}

/**
 * A peer datagram event as a pcap datagram: outbound ones go local → remote.
 * Events carry monotonic time; `wallNs` maps it to the wall clock (e.g. wall
 * time at run start plus the monotonic offset).
 */
export function datagramFromEvent(event: DatagramEvent, wallNs: (monotonicNs: bigint) => bigint): PcapDatagram {
  const out = event.direction === 'out';
  return { timeNs: wallNs(event.t), src: out ? event.local : event.remote, dst: out ? event.remote : event.local, payload: event.udpEncapsulation === 'non-esp-marker' ? frameUdpEncapsulated(event.bytes) : event.bytes };
}
