/** Small byte helpers the engine needs beside src/crypto/bytes.ts. */
import type { Random } from '../events.js';

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** A uniformly drawn 32-bit unsigned integer: the source's own uint32() when it has one, else its next 4 bytes. */
export function randomUint32(random: Random): number {
  if (random.uint32) return random.uint32();
  const bytes = random.bytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** `n` random bytes, not all zero (a cookie of zeros means "not yet known", RFC 2408 §3.1). */
export function nonZeroBytes(random: { bytes(n: number): Uint8Array }, n: number): Uint8Array {
  for (;;) {
    const b = random.bytes(n);
    if (!isZero(b)) return b;
  }
}

/** A message ID as 8 hex digits. */
export const hex32 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * Copies `parts` into one allocation and returns a view of each, in order: every typed array
 * with its own buffer costs an ArrayBuffer and a native backing store, several hundred bytes
 * beside the few bytes of key it holds, and an established SA keeps six.
 */
export function packed(parts: readonly Uint8Array[]): Uint8Array[] {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  return parts.map((p) => {
    all.set(p, at);
    at += p.length;
    return all.subarray(at - p.length, at);
  });
}
