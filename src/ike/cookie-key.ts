/**
 * The key of the engine's SA table: CKY-I (RFC 2408 §3.1), which names an SA from its first
 * message on, as a string of 8 char codes 0–255, one per byte. Every inbound datagram is looked
 * up by it: built from the cookie bytes it costs no Buffer and no hex conversion per message,
 * and an SA id (hex, either case) maps to the same key.
 */

/** The key of the 8 bytes at `offset` (CKY-I at 0 in a datagram or a cookie array). */
export function cookieKey(bytes: Uint8Array, offset = 0): string {
  const b = bytes;
  const o = offset;
  return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7]);
}

/** 0–15 for a hex digit of either case, -1 otherwise. */
function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The byte of the two hex digits at `i`, -1 when either is not one. */
function byteAt(sa: string, i: number): number {
  const hi = nibble(sa.charCodeAt(i));
  const lo = nibble(sa.charCodeAt(i + 1));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

/** The key of an SA id's first 16 hex digits (CKY-I; CKY-R may follow), or undefined when they are not hex: such an id names no SA. */
export function cookieKeyOfId(sa: string): string | undefined {
  if (sa.length < 16) return undefined;
  // Unrolled, no array: every answerDpd() and timer looks its SA up by id.
  const b0 = byteAt(sa, 0), b1 = byteAt(sa, 2), b2 = byteAt(sa, 4), b3 = byteAt(sa, 6);
  const b4 = byteAt(sa, 8), b5 = byteAt(sa, 10), b6 = byteAt(sa, 12), b7 = byteAt(sa, 14);
  if ((b0 | b1 | b2 | b3 | b4 | b5 | b6 | b7) < 0) return undefined;
  return String.fromCharCode(b0, b1, b2, b3, b4, b5, b6, b7);
}
