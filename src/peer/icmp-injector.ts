/**
 * Answers a DUT's datagram with an ICMP Destination Unreachable, as the peer
 * host would if its IKE daemon were dead (port unreachable) or a router would
 * if the path were (host unreachable, administratively prohibited). The
 * offending datagram is rebuilt from what the UDP socket saw (4-tuple and
 * payload), or quoted exactly when a raw capture of it is at hand.
 *
 * The socket is a raw IPPROTO_ICMP socket with IP_HDRINCL: the harness writes
 * the outer IPv4 header itself, because raw-socket cannot bind() and the
 * error must come from the peer address the DUT talked to (or a router's),
 * not from whatever source the routing table would pick.
 */
import { HarnessError } from '../errors.js';
import type { Clock, Endpoint } from '../events.js';
import { parseIpv4 } from '../wire/ip-address.js';
import { IP_PROTOCOL, encodeIpv4Udp, ipv4Packet } from './icmp-ipv4-udp.js';
import { UNREACHABLE_NAMES, icmpUnreachable, quoteOf, type UnreachableName } from './icmp-message.js';
import { includeIpHeader, openRawSocket, rawSocketError, systemRawSocket, type RawSocket, type RawSocketFactory } from './raw-capture-socket.js';

export interface IcmpInjectorOptions {
  clock: Clock;
  /** Default: the raw-socket addon. */
  socketFactory?: RawSocketFactory;
}

export interface UnreachableRequest {
  /** The DUT's datagram as the fake peer received it: `remote` is the DUT, `local` the peer address it was sent to. */
  datagram: { local: Endpoint; remote: Endpoint; bytes: Uint8Array };
  code: UnreachableName | number;
  /** Source address of the error: default the peer address (its host answers); a router's address models a dead path. */
  from?: string;
  /** How much of the datagram to quote (see quoteOf); default 'rfc1812', as a Linux host does. */
  quote?: 'rfc792' | 'rfc1812';
  /**
   * The whole IPv4 packet as it arrived (RawCapture's `packet`): quoted byte
   * for byte. Without it the header is rebuilt as Linux sends UDP (TTL 64,
   * ID 0, Don't Fragment) with the correct UDP checksum.
   */
  received?: Uint8Array;
  /** Outer header TTL; default 64. */
  ttl?: number;
}

/** One ICMP error as it left: the whole IPv4 packet, for the timeline or a pcap. */
export interface IcmpSent {
  /** Monotonic ns, read right before sendto(2). */
  t: bigint;
  from: string;
  to: string;
  code: number;
  packet: Uint8Array;
}

const isIpv4 = (address: string): boolean => parseIpv4(address) !== undefined;

/** The whole IPv4 packet carrying the ICMP error; pure, so scenarios and tests can build one without a socket. */
export function buildUnreachable(request: UnreachableRequest): { packet: Uint8Array; from: string; to: string; code: number } {
  const { local, remote, bytes } = request.datagram;
  if (!isIpv4(local.address) || !isIpv4(remote.address)) {
    throw new HarnessError('ERR_ICMP_UNSUPPORTED', `ICMP errors are built for IPv4 only (ICMPv6 is not implemented): ${remote.address} → ${local.address}`);
  }
  if (local.address === '0.0.0.0' && !request.received) {
    // A wildcard-bound socket does not know which of its addresses the DUT used, and the DUT matches the quote by it.
    throw new HarnessError('ERR_ICMP_BAD_VALUE', 'the datagram arrived on a socket bound to 0.0.0.0: bind the peer address, or pass the captured packet as `received`');
  }
  const code = typeof request.code === 'number' ? request.code : UNREACHABLE_NAMES[request.code];
  const original =
    request.received ??
    encodeIpv4Udp({ source: remote.address, destination: local.address }, { header: { sourcePort: remote.port, destinationPort: local.port }, payload: bytes });
  const icmp = icmpUnreachable.encode({ code, quote: quoteOf(original, request.quote ?? 'rfc1812') });
  const from = request.from ?? (local.address === '0.0.0.0' ? ipv4Packet.decodeHeader(original).destination : local.address);
  // RFC 792: the error goes back to the original datagram's source. TOS 0xc0 (precedence "internetwork control")
  // and no DF are what Linux puts on its own ICMP errors (the capture in test/peer/icmp-message.test.ts).
  const packet = ipv4Packet.encode({
    header: { source: from, destination: remote.address, protocol: IP_PROTOCOL.ICMP, tos: 0xc0, ttl: request.ttl ?? 64, flags: 0 },
    payload: icmp,
  });
  return { packet, from, to: remote.address, code };
}

export class IcmpInjector {
  private closed = false;

  private constructor(
    private readonly socket: RawSocket,
    private readonly clock: Clock,
  ) {}

  /** ERR_RAW_NOT_PERMITTED without CAP_NET_RAW. */
  static open(options: IcmpInjectorOptions): IcmpInjector {
    const socket = openRawSocket('icmp', options.socketFactory ?? systemRawSocket);
    try {
      includeIpHeader(socket);
      // Inbound ICMP is of no use here; leave it to the kernel instead of waking up for every echo on the host.
      socket.pauseRecv();
    } catch (err) {
      socket.close();
      throw rawSocketError(err, 'set IP_HDRINCL on the raw ICMP socket');
    }
    // Errors after opening arrive as events; a send's own failure reaches its caller through the callback.
    socket.on('error', () => undefined);
    return new IcmpInjector(socket, options.clock);
  }

  /** Whether this process may open the raw socket at all (root or CAP_NET_RAW): planning skips ICMP scenarios otherwise. */
  static available(options: Pick<IcmpInjectorOptions, 'socketFactory'> = {}): boolean {
    try {
      openRawSocket('icmp', options.socketFactory ?? systemRawSocket).close();
      return true;
    } catch {
      return false;
    }
  }

  /** Sends the error; rejects with ERR_RAW_SOCKET / ERR_RAW_NOT_PERMITTED if the kernel refuses it. */
  unreachable(request: UnreachableRequest): Promise<IcmpSent> {
    if (this.closed) return Promise.reject(new HarnessError('ERR_RAW_SOCKET', 'ICMP injector is closed'));
    const built = buildUnreachable(request);
    const buffer = Buffer.from(built.packet.buffer, built.packet.byteOffset, built.packet.byteLength);
    return new Promise((resolve, reject) => {
      let t: bigint | undefined;
      const beforeSend = (): void => {
        t = this.clock.now();
      };
      this.socket.send(buffer, 0, buffer.length, built.to, beforeSend, (error) => {
        if (error) reject(rawSocketError(error, `send ICMP ${built.from} → ${built.to}`));
        else resolve({ t: t ?? this.clock.now(), ...built });
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
