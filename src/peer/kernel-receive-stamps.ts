/**
 * Kernel receive times for the fake peer's inbound datagrams. The event loop
 * reads a datagram when it gets round to it: under CPU load that is
 * milliseconds (or half a second) after the packet arrived, and a DPD interval
 * or dead time measured from it is off by as much. The kernel stamped the
 * packet when it arrived (SO_TIMESTAMPNS on a raw copy, native/rx-stamp); this
 * matches that stamp to the datagram and maps it onto the injected clock as
 * "now minus the stamp's age", so fake clocks in tests still work.
 *
 * The raw socket has no poller: it is drained when a datagram is stamped (its
 * copy is queued by then) and on a timer, so other UDP traffic cannot fill it.
 */
import { HarnessError, WireError } from '../errors.js';
import type { Clock, Endpoint } from '../events.js';
import { IP_PROTOCOL, ipv4Packet, udpDatagram } from './icmp-ipv4-udp.js';
import { ReceiveStampQueue } from './receive-stamp-queue.js';
import { rawSocketError } from './raw-capture-socket.js';
import { systemRxStampSocket, type RxStampSocket, type RxStampSocketFactory } from './rx-stamp-addon.js';
import type { PeerSocketIo } from './peer-socket.js';
import type { ReceiveStamp } from './udp-transport.js';

/** A stamp unclaimed this long belongs to a packet no socket of the peer will read. */
const KEEP_NS = 2_000_000_000n;
/** Drains between datagrams: other UDP traffic on the host must not fill the raw socket's buffer. */
const DRAIN_EVERY_MS = 200;

export interface KernelReceiveStampsOptions {
  clock: Clock;
  /** The IPv4 addresses the fake peer listens on: stamps of packets to other addresses are not kept. */
  addresses: readonly string[];
  /** The socket failed after opening: from then on every datagram keeps its event-loop time. */
  onError?(error: HarnessError): void;
  /** Default: the native/rx-stamp addon. */
  socketFactory?: RxStampSocketFactory;
}

export class KernelReceiveStamps {
  private readonly queue = new ReceiveStampQueue(KEEP_NS);
  private readonly watched: Set<string>;
  private timer: { cancel(): void } | undefined;
  private failed = false;

  private constructor(
    private readonly socket: RxStampSocket,
    private readonly options: KernelReceiveStampsOptions,
  ) {
    this.watched = new Set(options.addresses);
    this.schedule();
  }

  /** ERR_RAW_NOT_PERMITTED without CAP_NET_RAW; ERR_RAW_SOCKET when the addon is missing. */
  static open(options: KernelReceiveStampsOptions): KernelReceiveStamps {
    let socket: RxStampSocket;
    try {
      socket = (options.socketFactory ?? systemRxStampSocket)();
    } catch (err) {
      throw rawSocketError(err, 'open the kernel receive-stamp socket (native/rx-stamp, built by npm ci)');
    }
    return new KernelReceiveStamps(socket, options);
  }

  /** The kernel's receive time of the datagram `remote` → `local` that the event loop read at `loopT`; `loopT` itself when there is none. */
  stamp(remote: Endpoint, local: Endpoint, bytes: Uint8Array, loopT: bigint): ReceiveStamp {
    this.drain();
    const t = this.failed ? undefined : this.queue.take(remote, local, bytes, loopT);
    // The stamp's age is read a few µs before the clock, so a packet read at once can land just past loopT.
    return t === undefined ? { t: loopT, stampedBy: 'event-loop' } : { t: t < loopT ? t : loopT, stampedBy: 'kernel' };
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.failed) this.socket.close();
    this.failed = true;
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.drain();
      this.queue.expire(this.options.clock.now());
      if (!this.failed) this.schedule();
    }, DRAIN_EVERY_MS);
  }

  private drain(): void {
    if (this.failed) return;
    let packets;
    try {
      packets = this.socket.drain();
    } catch (err) {
      this.close();
      this.options.onError?.(rawSocketError(err, 'read the kernel receive-stamp socket'));
      return;
    }
    const now = this.options.clock.now();
    for (const { packet, ageNs } of packets) {
      if (ageNs === null) continue;
      try {
        const header = ipv4Packet.decodeHeader(packet);
        if (header.protocol !== IP_PROTOCOL.UDP || !this.watched.has(header.destination)) continue;
        const udp = udpDatagram.decode(packet, header.headerLength, header.totalLength);
        this.queue.add({
          t: now - ageNs,
          src: { address: header.source, port: udp.header.sourcePort },
          dst: { address: header.destination, port: udp.header.destinationPort },
          payload: udp.payload,
        });
      } catch (err) {
        // A packet that does not decode is not one a UDP socket of the peer will read.
        if (!(err instanceof WireError)) throw err;
      }
    }
  }
}

/**
 * Opens the stamps if asked to and some socket needs them: batched sockets stamp what they read
 * themselves, and a capture beside them would only queue copies nobody claims. A refusal (no root,
 * no addon) is reported, not thrown: the run goes on with event-loop times.
 */
export function openReceiveStamps(open: (() => KernelReceiveStamps) | undefined, bind: readonly { io?: PeerSocketIo }[], refused: (why: string) => void): KernelReceiveStamps | undefined {
  if (!open || bind.every((b) => b.io === 'batched')) return undefined;
  try {
    return open();
  } catch (err) {
    refused(err instanceof HarnessError ? `${err.code} ${err.message}` : String(err));
    return undefined;
  }
}
