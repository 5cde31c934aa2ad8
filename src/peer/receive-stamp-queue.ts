/**
 * Kernel receive stamps waiting for the UDP datagram they belong to. The raw
 * copy of a packet is queued before the UDP socket's (raw(7)), so by the time
 * the fake peer reads a datagram its stamp is here; it is found by addresses,
 * ports and payload, oldest first, since one socket delivers in arrival order
 * and a retransmission repeats its bytes exactly. Stamps nobody claims (packets
 * to ports the peer does not listen on) expire.
 */
import type { Endpoint } from '../events.js';

export interface StampedUdp {
  /** Kernel receive time on the harness clock (ns). */
  t: bigint;
  src: Endpoint;
  dst: Endpoint;
  payload: Uint8Array;
}

const flowKey = (src: Endpoint, dst: Endpoint): string => `${src.address}:${src.port}>${dst.address}:${dst.port}`;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ReceiveStampQueue {
  private readonly flows = new Map<string, StampedUdp[]>();
  private count = 0;

  /** Stamps older than `keepNs` before the time given to take() or expire() are dropped unclaimed. */
  constructor(private readonly keepNs: bigint) {}

  get size(): number {
    return this.count;
  }

  add(packet: StampedUdp): void {
    const key = flowKey(packet.src, packet.dst);
    const flow = this.flows.get(key);
    if (flow) flow.push(packet);
    else this.flows.set(key, [packet]);
    this.count++;
  }

  /** The kernel time of the oldest unclaimed packet `remote` → `local` with exactly these bytes, removed from the queue. */
  take(remote: Endpoint, local: Endpoint, payload: Uint8Array, now: bigint): bigint | undefined {
    this.expire(now);
    const flow = this.flows.get(flowKey(remote, local));
    const at = flow?.findIndex((p) => sameBytes(p.payload, payload)) ?? -1;
    if (!flow || at < 0) return undefined;
    const [found] = flow.splice(at, 1);
    this.count--;
    if (flow.length === 0) this.flows.delete(flowKey(remote, local));
    return found!.t;
  }

  expire(now: bigint): void {
    const oldest = now - this.keepNs;
    for (const [key, flow] of this.flows) {
      const keep = flow.filter((p) => p.t >= oldest);
      this.count -= flow.length - keep.length;
      if (keep.length === 0) this.flows.delete(key);
      else if (keep.length !== flow.length) this.flows.set(key, keep);
    }
  }
}
