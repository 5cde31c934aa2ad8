/**
 * Buffers an Informational (RFC 2409 §5.7) needs only while one engine call runs: its IV
 * (RFC 2409 App. B), read by the cipher before the call returns, and the HASH(1) recomputed to
 * check a received one. One of each size for the process rather than per SA: every use is over
 * before the engine returns, and per SA they would cost about 250 bytes for each of 10,000 SAs.
 * Nothing handed to a caller ever points into them (test/ike/reused-buffers.test.ts).
 */
const ivs = new Map<number, Uint8Array>();
const checks = new Map<number, Uint8Array>();
const zeros = new Map<number, Uint8Array>();

function sized(kept: Map<number, Uint8Array>, length: number): Uint8Array {
  let buf = kept.get(length);
  if (buf === undefined) {
    buf = new Uint8Array(length);
    kept.set(length, buf);
  }
  return buf;
}

/** Where a phase-2 IV of one block is derived, to be used before the call returns. */
export const ivScratch = (blockSize: number): Uint8Array => sized(ivs, blockSize);

/** Where a received HASH(1) is recomputed for the comparison. */
export const hashCheckScratch = (hashLength: number): Uint8Array => sized(checks, hashLength);

/** A HASH of zeros for the first layout of a chain, before the real one is computed over the bytes after it; never written. */
export const zeroHash = (hashLength: number): Uint8Array => sized(zeros, hashLength);
