/**
 * Outbound datagrams carved from shared 1 KiB slabs instead of one ArrayBuffer each: a datagram
 * over 64 bytes gets its own native backing store from V8, and allocating and collecting that
 * was about a sixth of answering an R-U-THERE (bench/dpd-answer-cost.ts, docs/performance.md).
 *
 * A slab lives while any datagram in it does, so a kept answer (ANSWERS_KEPT per SA) can hold up
 * to a slab. Answers are kept in the order they were sent and dropped in it too, so the datagrams
 * of one slab usually go together; the worst case, one live datagram per slab, is bounded by the
 * slab size. Each datagram is a view of its own range: none overlaps another, and every user of
 * `bytes.buffer` in this code base goes through byteOffset/byteLength.
 */
const SLAB_SIZE = 1024;

let slab = new Uint8Array(0);
let used = 0;

/** `length` zeroed bytes of their own; a datagram larger than half a slab gets its own buffer. */
export function datagramBytes(length: number): Uint8Array {
  if (length > SLAB_SIZE / 2) return new Uint8Array(length);
  if (used + length > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  used += length;
  return slab.subarray(used - length, used);
}
