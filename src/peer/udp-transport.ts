/**
 * UDP sockets for the fake peer (and the reference DUT): one socket per bound
 * address. Send times are read from the injected clock right before the
 * datagram is handed to the kernel; receive times are the kernel's when a
 * `stampReceive` finds them, else the clock read first thing in the 'message'
 * handler, which under CPU load is late by however long the event loop was busy.
 */
import { HarnessError, WireError } from '../errors.js';
import type { Clock, Endpoint, StampClock } from '../events.js';
import { classifyUdpEncapsulated, frameUdpEncapsulated } from '../wire/udp-encapsulation.js';
import { openBatchedUdpSocket } from './batched-udp-socket.js';
import { openNodeUdpSocket } from './node-udp-socket.js';
import type { PeerSocket, PeerSocketIo } from './peer-socket.js';
import { cappedBuffers, type SocketBuffers, type SocketBufferSizes } from './socket-buffers.js';

export interface ReceiveStamp {
  t: bigint;
  stampedBy: StampClock;
}

export interface Datagram extends ReceiveStamp {
  /** Monotonic ns: when the datagram reached the host (kernel) or came off the socket (event loop). */
  t: bigint;
  local: Endpoint;
  remote: Endpoint;
  bytes: Uint8Array;
  /** Came in on a NAT-T socket: what it was (IKE has its non-ESP marker stripped from `bytes`). */
  udpEncapsulation?: 'non-esp-marker' | 'keepalive' | 'esp';
}

/**
 * An address to listen on; `natT`: the port IKE floats to, where IKE carries the non-ESP marker (RFC 3948 §2.2);
 * `buffers`: SO_RCVBUF / SO_SNDBUF to ask for, for many SAs probed fast (default: the kernel's);
 * `io`: the socket's I/O backend (default 'node'; 'batched' batches datagrams and stamps them in the kernel).
 */
export type BindEndpoint = Endpoint & { natT?: boolean; buffers?: SocketBuffers; io?: PeerSocketIo };

export interface UdpTransportOptions {
  /** Addresses to listen on; port 0 binds an ephemeral port (tests, unprivileged runs). */
  bind: BindEndpoint[];
  clock: Clock;
  onDatagram(datagram: Datagram): void;
  /** The receive time of a datagram the event loop read at `loopT` (default: `loopT`, stamped by the event loop). */
  stampReceive?(remote: Endpoint, local: Endpoint, bytes: Uint8Array, loopT: bigint): ReceiveStamp;
  /** Socket errors after binding (ICMP unreachable is not reported by Node for unconnected UDP). */
  onError?(error: HarnessError): void;
  /** A socket the kernel gave smaller buffers than its bind entry's `buffers` asked for, in words (only then: asking for nothing, or getting it, says nothing). */
  onBuffersCapped?(label: string): void;
}

interface Bound {
  socket: PeerSocket;
  local: Endpoint;
  natT: boolean;
  /** The bind entry, so a rebinding's fresh socket asks for the same. */
  want: BindEndpoint;
}

export class UdpTransport {
  /** Sends handed to a socket whose callback has not run yet: close waits for them. */
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly bound: Bound[],
    private readonly clock: Clock,
    private readonly options: UdpTransportOptions,
  ) {}

  static async open(options: UdpTransportOptions): Promise<UdpTransport> {
    if (options.bind.length === 0) throw new HarnessError('ERR_PEER_SOCKET', 'no address to bind: give at least one');
    const bound: Bound[] = [];
    try {
      for (const want of options.bind) bound.push(await bindOne(want, options));
    } catch (err) {
      await Promise.all(bound.map((b) => b.socket.close()));
      throw err;
    }
    return new UdpTransport(bound, options.clock, options);
  }

  /** What was actually bound (ephemeral ports resolved). */
  get endpoints(): Endpoint[] {
    return this.bound.map((b) => ({ ...b.local }));
  }

  /** Each socket's buffer sizes as the kernel reports them. */
  get socketBufferSizes(): SocketBufferSizes[] {
    return this.bound.map((b) => ({ local: { ...b.local }, ...b.socket.bufferSizes() }));
  }

  /** The NAT-T sockets among them. */
  get natTEndpoints(): Endpoint[] {
    return this.bound.filter((b) => b.natT).map((b) => ({ ...b.local }));
  }

  /**
   * A NAT rebinding: the socket bound to `from` is replaced by one on a fresh port of the same
   * address (same kind), and the old one closed, so what the DUT still sends to the old mapping is lost.
   */
  async rebind(from: Endpoint): Promise<Endpoint> {
    const old = this.socketFor(from);
    const fresh = await bindOne({ ...old.want, address: old.local.address, port: 0 }, this.options);
    this.bound[this.bound.indexOf(old)] = fresh;
    await old.socket.close();
    return { ...fresh.local };
  }

  /**
   * Sends from the socket bound to `from` (an address, or address and port when
   * several sockets share an address). `sent` settles with the time the datagram
   * was handed to the kernel (or rejects with ERR_PEER_SOCKET): read right before
   * the call on Node's dgram, which writes at once; once this loop turn's sendmmsg
   * ran on the batched backend, which only queues in the call.
   * A socket closed before that callback drops the datagram unsent, so close waits for it.
   */
  send(from: string | Endpoint, to: Endpoint, bytes: Uint8Array, framing: 'ike' | 'as-is' = 'ike'): { sent: Promise<bigint>; udpEncapsulation?: 'non-esp-marker' } {
    const b = this.socketFor(from);
    const marked = b.natT && framing === 'ike';
    const wire = marked ? frameUdpEncapsulated(bytes) : bytes;
    const t = b.socket.sendsAtOnce ? this.clock.now() : undefined;
    const sent = b.socket.send(wire, to).then(() => t ?? this.clock.now());
    const forget = (): void => void this.pending.delete(settled);
    const settled = sent.then(forget, forget);
    this.pending.add(settled);
    return { sent, ...(marked ? { udpEncapsulation: 'non-esp-marker' as const } : {}) };
  }

  /** The local endpoint a datagram to `from` would leave from, for event records. */
  localEndpoint(from: string | Endpoint): Endpoint {
    return { ...this.socketFor(from).local };
  }

  /** Closes every socket once each datagram already handed to one has left (its send callback ran). */
  async close(): Promise<void> {
    await Promise.all([...this.pending]);
    await Promise.all(this.bound.map((b) => b.socket.close()));
  }

  private socketFor(from: string | Endpoint): Bound {
    const address = typeof from === 'string' ? from : from.address;
    const port = typeof from === 'string' ? undefined : from.port;
    const b = this.bound.find((x) => x.local.address === address && (port === undefined || x.local.port === port));
    if (!b) {
      const have = this.bound.map((x) => `${x.local.address}:${x.local.port}`).join(', ');
      throw new HarnessError('ERR_PEER_SOCKET', `no socket bound to ${address}${port === undefined ? '' : `:${port}`} (bound: ${have})`);
    }
    return b;
  }
}

/** A NAT-T socket's datagram as the three things port 4500 carries; one too short for any is passed on as it came. */
function unframe(bytes: Uint8Array): Pick<Datagram, 'bytes' | 'udpEncapsulation'> {
  try {
    const d = classifyUdpEncapsulated(bytes);
    if (d.kind === 'ike') return { bytes: d.message, udpEncapsulation: 'non-esp-marker' };
    return { bytes, udpEncapsulation: d.kind };
  } catch (err) {
    if (err instanceof WireError) return { bytes };
    throw err;
  }
}

async function bindOne(want: BindEndpoint, options: UdpTransportOptions): Promise<Bound> {
  const natT = want.natT === true;
  // The socket's local endpoint is only known once bound; messages cannot arrive before.
  let local: Endpoint = { address: want.address, port: want.port };
  const socket = await (want.io === 'batched' ? openBatchedUdpSocket : openNodeUdpSocket)(want, {
    onMessage(bytes, remote, ageNs) {
      const loopT = options.clock.now();
      // The socket's own kernel stamp first; else stamps are matched on the bytes as the kernel saw them, before the non-ESP marker is stripped.
      const stamp =
        ageNs !== undefined
          ? { t: loopT - ageNs, stampedBy: 'kernel' as const }
          : (options.stampReceive?.(remote, local, bytes, loopT) ?? { t: loopT, stampedBy: 'event-loop' as const });
      options.onDatagram({ ...stamp, local, remote, ...(natT ? unframe(bytes) : { bytes }) });
    },
    onError: (error) => options.onError?.(error),
  });
  local = socket.local;
  if (want.buffers) {
    socket.setBuffers(want.buffers);
    const capped = cappedBuffers(local, want.buffers, socket.bufferSizes());
    if (capped) options.onBuffersCapped?.(capped);
  }
  return { socket, local, natT, want };
}
