/**
 * An rx-stamp socket for tests: it hands out, on the next drain, the packets a
 * test queued with the stamp ages it chose, as the addon would after the
 * kernel captured them.
 */
import type { Endpoint } from '../../src/events.js';
import { encodeIpv4Udp } from '../../src/peer/icmp-ipv4-udp.js';
import type { RxStampPacket, RxStampSocket } from '../../src/peer/rx-stamp-addon.js';

export class ReplaySocket implements RxStampSocket {
  queued: RxStampPacket[] = [];
  drains = 0;
  closed = false;
  failWith: Error | undefined;

  drain(): RxStampPacket[] {
    this.drains++;
    if (this.failWith) throw this.failWith;
    const out = this.queued;
    this.queued = [];
    return out;
  }

  close(): void {
    this.closed = true;
  }

  queue(src: Endpoint, dst: Endpoint, payload: Uint8Array, ageNs: bigint | null): void {
    this.queued.push({ packet: encodeIpv4Udp({ source: src.address, destination: dst.address }, { header: { sourcePort: src.port, destinationPort: dst.port }, payload }), ageNs });
  }
}
