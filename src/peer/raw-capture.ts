/**
 * An IP-level observer of the UDP packets this host receives to or from
 * given addresses, independent of any UDP socket: a raw IPPROTO_UDP socket
 * gets a copy of every inbound UDP packet before the UDP layer looks for a
 * listener (raw(7)), so it also sees datagrams to ports or addresses the fake
 * peer does not listen on, and the IP header they came with.
 *
 * It sees inbound packets only: the kernel never delivers copies of outbound
 * packets to raw IPPROTO_UDP sockets (traffic over `lo` is the exception,
 * since there every packet is also received). See docs/raw-socket.md.
 */
import { HarnessError, WireError } from '../errors.js';
import type { Clock } from '../events.js';
import { IP_PROTOCOL, ipv4Packet, udpDatagram, type DecodedIpv4Header } from './icmp-ipv4-udp.js';
import { openRawSocket, rawSocketError, systemRawSocket, type RawSocketFactory } from './raw-capture-socket.js';

export interface CapturedUdp {
  /** Monotonic ns from the injected clock, read first thing when the packet was read off the raw socket. */
  t: bigint;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Uint8Array;
  /** TTL as received: how many hops the DUT's packet crossed from its initial TTL. */
  ttl: number;
  /** The whole IPv4 packet, for IcmpInjector's `received` (an exact quote) or a pcap. */
  packet: Uint8Array;
}

export interface RawCaptureOptions {
  clock: Clock;
  /** Packets whose source or destination is one of these IPv4 addresses are reported; others are ignored. */
  addresses: readonly string[];
  onPacket(packet: CapturedUdp): void;
  /** A packet to a watched address that does not decode (WireError, with the offset), or the socket failed (ERR_RAW_SOCKET). */
  onError?(error: HarnessError): void;
  /** Default: the raw-socket addon. */
  socketFactory?: RawSocketFactory;
}

export class RawCapture {
  private closed = false;

  private constructor(private readonly close_: () => void) {}

  /** ERR_RAW_NOT_PERMITTED without CAP_NET_RAW. */
  static open(options: RawCaptureOptions): RawCapture {
    const watched = new Set(options.addresses);
    const socket = openRawSocket('udp', options.socketFactory ?? systemRawSocket);
    socket.on('message', (buffer) => {
      const t = options.clock.now();
      // A view on the addon's receive buffer, which the next packet overwrites: everything reported below is a copy.
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      let header: DecodedIpv4Header;
      try {
        header = ipv4Packet.decodeHeader(bytes);
      } catch (err) {
        // Not even an IPv4 header: it cannot be attributed to a watched address, so it is not this capture's business.
        if (!(err instanceof WireError)) throw err;
        return;
      }
      if (header.protocol !== IP_PROTOCOL.UDP || (!watched.has(header.source) && !watched.has(header.destination))) return;
      try {
        ipv4Packet.decode(bytes); // throws when the total length runs past the bytes read
        // Decoded in place, so an error's offset counts from the start of the IP packet.
        const udp = udpDatagram.decode(bytes, header.headerLength, header.totalLength);
        options.onPacket({
          t,
          src: header.source,
          dst: header.destination,
          sport: udp.header.sourcePort,
          dport: udp.header.destinationPort,
          payload: udp.payload,
          ttl: header.ttl,
          packet: bytes.slice(0, header.totalLength),
        });
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        options.onError?.(err);
      }
    });
    socket.on('error', (err) => options.onError?.(rawSocketError(err, 'read from the raw UDP socket')));
    return new RawCapture(() => socket.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.close_();
  }
}
