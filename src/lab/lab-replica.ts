/**
 * Replicas of one lab, so `run --jobs N` can run N scenarios at once against N copies of
 * the same DUT: each copy has its own namespace and daemon (its own name) and its own veth
 * link subnet, because the fake peers of all copies bind in the root namespace and need
 * distinct addresses there. Everything the daemon is configured with (inner subnets,
 * proposals, timers, PSK) stays the same, so every copy is the same DUT.
 */
import { LabError } from '../errors.js';
import { DOCUMENTATION_RANGES, formatAddress, formatPrefix, overlaps, parseAddress, parsePrefix, type Prefix } from './ipv4.js';
import type { LabSpec } from './lab-spec.js';

const prefixOf = (text: string): Prefix => parsePrefix(text) as Prefix;

/** A selector side (address, subnet, or range) as the first and last address it covers. */
function selectorInterval(side: string): [number, number] {
  if (side.includes('-')) {
    const [from, to] = side.split('-');
    return [parseAddress(from!)!, parseAddress(to!)!];
  }
  const [address, len] = side.split('/');
  const size = 2 ** (32 - (len === undefined ? 32 : Number(len)));
  const first = Math.floor(parseAddress(address!)! / size) * size;
  return [first, first + size - 1];
}
/** Name of copy `index` (0 = the spec's own): digits appended, the base cut to stay within the 10 characters a lab name may have. */
export function replicaName(name: string, index: number): string {
  if (index === 0) return name;
  const suffix = String(index);
  return `${name.slice(0, 10 - suffix.length)}${suffix}`;
}

/**
 * The specs of `count` copies of `spec`: copy 0 is `spec` itself; copy i moves the link subnet
 * to the i-th free block of the same size in the documentation ranges (the spec's own /24
 * first, from the block after the spec's) that overlaps neither an inner subnet nor another copy, and keeps every address's
 * offset inside it.
 */
export function replicaSpecs(spec: LabSpec, count: number): LabSpec[] {
  const link = prefixOf(spec.subnet);
  const size = 2 ** (32 - link.length);
  const taken: Prefix[] = [link, ...spec.dutSubnets.map(prefixOf), ...spec.peerSubnets.map(prefixOf)];
  const selectorSides = (spec.trafficSelectors ?? []).flatMap((s) => [s.peer, s.dut]).map((side) => ({ side, interval: selectorInterval(side) }));
  const meets = (p: Prefix) => ({ interval: [from, to] }: { interval: [number, number] }): boolean => from < p.network + size && to >= p.network;
  const home = DOCUMENTATION_RANGES.find((r) => overlaps(r, link))!;
  const ranges = [home, ...DOCUMENTATION_RANGES.filter((r) => r !== home)];
  // The blocks right after the spec's own first (wrapping round its /24), so copies sit beside it.
  const first = (link.network - home.network) / size + 1;
  const candidates = ranges.flatMap((r) => Array.from({ length: 256 / size }, (_, k): Prefix => {
    const block = r === home ? (first + k) % (256 / size) : k;
    return { network: r.network + block * size, length: link.length };
  }));
  const blocks: Prefix[] = [];
  for (const c of candidates) {
    if (blocks.length === count - 1) break;
    if (taken.some((t) => overlaps(t, c)) || selectorSides.some(meets(c))) continue;
    blocks.push(c);
    taken.push(c);
  }
  if (blocks.length < count - 1) {
    throw new LabError('ERR_LAB_SUBNET_BUSY', `--jobs ${count}: the documentation ranges hold only ${blocks.length + 1} copies of a /${link.length} link beside lab ${spec.name}'s inner subnets`);
  }
  // The fake peers of every copy propose the profile's selectors unchanged, so none may name a link address.
  const onLink = count > 1 ? selectorSides.find(meets(link))?.side : undefined;
  if (onLink !== undefined) {
    throw new LabError('ERR_LAB_SUBNET_BUSY', `--jobs ${count}: traffic selector ${onLink} lies in lab ${spec.name}'s link subnet ${spec.subnet}, which each copy moves; use inner subnets (lab.dut_subnets, lab.peer_subnets) or --jobs 1`);
  }
  const move = (address: string, to: Prefix): string => formatAddress(to.network + (parseAddress(address)! - link.network));
  return [spec, ...blocks.map((to, i) => ({
    ...spec,
    name: replicaName(spec.name, i + 1),
    subnet: formatPrefix(to),
    dutAddress: move(spec.dutAddress, to),
    peerAddresses: spec.peerAddresses.map((a) => move(a, to)),
  }))];
}
