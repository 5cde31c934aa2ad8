/**
 * Traffic selectors (RFC 7296 §3.13.1) from the configured CIDR prefixes, and
 * the narrowing check of §2.9: an answer may only shrink what was offered.
 */
import { IkeError } from '../../errors.js';
import { TS_TYPES } from '../../wire/ikev2/constants.js';
import type { TrafficSelector } from '../../wire/ikev2/types.js';
import type { Ikev2Selector } from './ikev2-config.js';

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new IkeError('ERR_IKE_MALFORMED', `traffic selector address '${address}' is not IPv4`);
  return parts.reduce((a, p) => a * 256 + p, 0);
}

const u32Bytes = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const u32Of = (b: Uint8Array): number => ((b[0] as number) * 0x1000000 + ((b[1] as number) << 16) + ((b[2] as number) << 8) + (b[3] as number)) >>> 0;

export function trafficSelectorOf(s: Ikev2Selector): TrafficSelector {
  const [address, bits = '32'] = s.prefix.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new IkeError('ERR_IKE_MALFORMED', `traffic selector prefix '${s.prefix}' has no valid length`);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipv4(address as string) / size) * size;
  return {
    tsType: TS_TYPES.TS_IPV4_ADDR_RANGE,
    ipProtocol: s.protocol ?? 0,
    startPort: s.port ?? 0,
    endPort: s.port ?? 0xffff,
    startAddress: u32Bytes(start),
    endAddress: u32Bytes(start + size - 1),
  };
}

/** Whether `inner` lies within `outer` (protocol 0 matches any). IPv4 only. */
export function selectorWithin(inner: TrafficSelector, outer: TrafficSelector): boolean {
  if (inner.tsType !== TS_TYPES.TS_IPV4_ADDR_RANGE || outer.tsType !== TS_TYPES.TS_IPV4_ADDR_RANGE) return false;
  if (outer.ipProtocol !== 0 && inner.ipProtocol !== outer.ipProtocol) return false;
  return (
    inner.startPort >= outer.startPort &&
    inner.endPort <= outer.endPort &&
    u32Of(inner.startAddress) >= u32Of(outer.startAddress) &&
    u32Of(inner.endAddress) <= u32Of(outer.endAddress)
  );
}

/** `ours` lies within one of the selectors offered. */
export const offeredCovers = (offered: readonly TrafficSelector[], ours: TrafficSelector): boolean => offered.some((o) => selectorWithin(ours, o));

/** Every selector of the answer lies within one offered. */
export const answerWithin = (answer: readonly TrafficSelector[], offered: readonly TrafficSelector[]): boolean => answer.length > 0 && answer.every((a) => offered.some((o) => selectorWithin(a, o)));
