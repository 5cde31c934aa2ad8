/**
 * How the fake peer keeps what a datagram event holds for the life of a complete event log:
 * one endpoint object per address and port, not a new `{address, port}` per datagram, and the
 * datagram's bytes copied into shared slabs rather than each in the buffer it came or went in.
 * A buffer of its own costs an ArrayBuffer and a native backing store, several hundred bytes
 * beside the 92 of an R-U-THERE; at 10,000 SAs that was a third of the process.
 */
import type { Endpoint } from '../events.js';
import { ByteSlabs } from '../ike/datagram-slab.js';

export class DatagramStorage {
  private readonly endpoints = new Map<string, Map<number, Endpoint>>();
  /** 64 KiB slabs, a few hundred typical datagrams each; one over 4 KiB keeps a copy of its own. */
  private readonly slabs = new ByteSlabs(64 * 1024, 4 * 1024);

  /** The one frozen endpoint object for this address and port. */
  endpoint(e: Endpoint): Endpoint {
    let byPort = this.endpoints.get(e.address);
    if (byPort === undefined) this.endpoints.set(e.address, (byPort = new Map()));
    let kept = byPort.get(e.port);
    if (kept === undefined) byPort.set(e.port, (kept = Object.freeze({ address: e.address, port: e.port })));
    return kept;
  }

  /**
   * A copy of `bytes` in a slab, for the log (and, of a received datagram, for the engine, which
   * may keep a request to recognise its retransmission). A slab is freed once nothing points
   * into it: with a bounded log, an SA's kept request holds its slab.
   */
  bytes(bytes: Uint8Array): Uint8Array {
    const copy = this.slabs.take(bytes.length);
    copy.set(bytes);
    return copy;
  }
}
