/**
 * IPv4 addresses and prefixes as the lab needs them: parse, contain, overlap, and
 * the RFC 5737 documentation ranges, the only addresses the lab ever configures
 * (so nothing it adds can shadow a real network on the host).
 */

export interface Prefix {
  /** Network address as an unsigned 32-bit number (host bits zero). */
  network: number;
  length: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Dotted quad → unsigned 32-bit number, or undefined when it is not one. */
export function parseAddress(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/**
 * "a.b.c.d/len" → prefix. With `strict`, host bits must be zero (a subnet as
 * written in a profile); without, they are cleared (an interface address).
 */
export function parsePrefix(text: string, strict = true): Prefix | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const addr = parseAddress(m[1]);
  const length = Number(m[2]);
  if (addr === undefined || length > 32) return undefined;
  const network = (addr & mask(length)) >>> 0;
  if (strict && network !== addr) return undefined;
  return { network, length };
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.network)}/${p.length}`;
}

export function contains(p: Prefix, address: number): boolean {
  return ((address & mask(p.length)) >>> 0) === p.network;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  const shorter = a.length <= b.length ? a : b;
  const longer = shorter === a ? b : a;
  return contains(shorter, longer.network);
}

/** RFC 5737 §3: TEST-NET-1, TEST-NET-2, TEST-NET-3. */
export const DOCUMENTATION_RANGES: readonly Prefix[] = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map(
  (t) => parsePrefix(t) as Prefix,
);

export function isDocumentationPrefix(p: Prefix): boolean {
  return DOCUMENTATION_RANGES.some((r) => r.length <= p.length && contains(r, p.network));
}

/** The n-th host address of a prefix (1 = first usable). */
export function hostAddress(p: Prefix, n: number): number {
  return (p.network + n) >>> 0;
}

/** Network and broadcast addresses cannot be assigned to an interface (for /31 and /32 there are none). */
export function isAssignableHost(p: Prefix, address: number): boolean {
  if (!contains(p, address)) return false;
  if (p.length >= 31) return true;
  const broadcast = (p.network | (~mask(p.length) >>> 0)) >>> 0;
  return address !== p.network && address !== broadcast;
}
