/**
 * Datagrams carved from shared slabs instead of one ArrayBuffer each: a datagram over 64 bytes
 * gets its own native backing store from V8, and allocating and collecting that was about a
 * sixth of answering an R-U-THERE (bench/dpd-answer-cost.ts, docs/performance.md), and several
 * hundred bytes beside each logged datagram at 10,000 SAs (src/peer/datagram-storage.ts).
 *
 * A slab lives while any datagram in it does, so a kept answer (ANSWERS_KEPT per SA) can hold up
 * to a slab. Answers are kept in the order they were sent and dropped in it too, so the datagrams
 * of one slab usually go together; the worst case, one live datagram per slab, is bounded by the
 * slab size. Each datagram is a view of its own range: none overlaps another, and every user of
 * `bytes.buffer` in this code base goes through byteOffset/byteLength.
 */
export class ByteSlabs {
  private slab = new Uint8Array(0);
  private used = 0;

  /** `slabBytes` per slab; a datagram over `ownAbove` bytes gets a buffer of its own, so one does not waste most of a slab. */
  constructor(
    private readonly slabBytes: number,
    private readonly ownAbove: number,
  ) {}

  /** `length` zeroed bytes of their own. */
  take(length: number): Uint8Array {
    if (length > this.ownAbove) return new Uint8Array(length);
    if (this.used + length > this.slab.length) {
      this.slab = new Uint8Array(this.slabBytes);
      this.used = 0;
    }
    this.used += length;
    return this.slab.subarray(this.used - length, this.used);
  }
}

const outbound = new ByteSlabs(1024, 512);

/** `length` zeroed bytes for an outbound encrypted datagram; one larger than half a 1 KiB slab gets its own buffer. */
export const datagramBytes = (length: number): Uint8Array => outbound.take(length);
