/**
 * The raw bodies of a payload chain as they were on the wire. Hashes cover
 * received bytes (SAi_b, IDii_b: RFC 2409 §5), and re-encoding a decoded
 * payload would hide any non-canonical encoding the DUT used.
 */

export interface RawBody {
  type: number;
  /** The payload without its 4-byte generic header. */
  body: Uint8Array;
}

/** Walks a chain that the codec has already decoded (so every length is sane), stopping at next-payload 0. */
export function payloadBodies(firstType: number, chain: Uint8Array): RawBody[] {
  const out: RawBody[] = [];
  let type = firstType;
  let offset = 0;
  while (type !== 0 && offset + 4 <= chain.length) {
    const length = (chain[offset + 2] << 8) | chain[offset + 3];
    if (length < 4 || offset + length > chain.length) break;
    out.push({ type, body: chain.subarray(offset + 4, offset + length) });
    type = chain[offset];
    offset += length;
  }
  return out;
}
