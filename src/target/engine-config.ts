/**
 * The fake peer's IKE engine configuration derived from a profile: the
 * profile's proposals in the engine's terms, the PSK for the DUT's address,
 * and the Quick Mode traffic selectors (the profile's, or the lab's subnets).
 */
import type { Endpoint, Random } from '../events.js';
import type { EspProposal, IkeEngineConfig, NatTraversalConfig, Phase1Proposal, QuickModeSelector, Subnet } from '../ike/index.js';
import type { BindEndpoint } from '../peer/udp-transport.js';
import type { Identification } from '../wire/identification.js';
import type { DeviceProfile, EspProposalSpec, IkeProposal, TrafficSelector } from '../profile/device-profile.js';

const CIPHER: Record<IkeProposal['encryption'], Pick<Phase1Proposal, 'cipher' | 'keyLength'>> = {
  'aes-128': { cipher: 'aes-cbc', keyLength: 16 },
  'aes-192': { cipher: 'aes-cbc', keyLength: 24 },
  'aes-256': { cipher: 'aes-cbc', keyLength: 32 },
  '3des': { cipher: '3des-cbc', keyLength: 24 },
};
const HASH: Record<IkeProposal['hash'], Phase1Proposal['hash']> = { md5: 'md5', sha1: 'sha1', 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512' };
// RFC 2409 §6 / RFC 3526 group numbers.
const GROUP: Record<IkeProposal['group'], Phase1Proposal['group']> = { modp1024: 2, modp1536: 5, modp2048: 14, modp3072: 15, modp4096: 16 };

const INTEGRITY: Record<EspProposalSpec['integrity'], EspProposal['integrity']> = { md5: 'md5', sha1: 'sha1', 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512' };

export function subnetOf(prefix: string): Subnet {
  const [address, len] = prefix.split('/') as [string, string];
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { address, mask: [24, 16, 8, 0].map((s) => (mask >>> s) & 0xff).join('.') };
}

/** A profile selector side: `a.b.c.d/len` subnet, `a.b.c.d-e.f.g.h` range or `a.b.c.d` address (RFC 2407 §4.6.2.1). */
export function identificationOf(side: string): Identification {
  if (side.includes('/')) return { type: 'ipv4-subnet', ...subnetOf(side) };
  const range = side.split('-');
  if (range.length === 2) return { type: 'ipv4-range', from: range[0]!, to: range[1]! };
  return { type: 'ipv4-addr', address: side };
}

export function quickModeSelector(ts: TrafficSelector): QuickModeSelector {
  return { local: identificationOf(ts.local), remote: identificationOf(ts.remote), protocol: ts.protocol ?? 0, port: ts.port ?? 0 };
}

/** The profile's selectors; else, for a lab DUT with inner subnets, the first peer subnet against the first DUT subnet. */
export function profileSelectors(profile: DeviceProfile): TrafficSelector[] {
  if (profile.ike.trafficSelectors.length > 0) return profile.ike.trafficSelectors;
  const t = profile.target;
  if ('lab' in t && t.lab.peerSubnets.length > 0 && t.lab.dutSubnets.length > 0) return [{ local: t.lab.peerSubnets[0]!, remote: t.lab.dutSubnets[0]! }];
  return [];
}

const selectorsOf = (profile: DeviceProfile): QuickModeSelector[] => profileSelectors(profile).map(quickModeSelector);

/**
 * Where the fake peer's ESP traffic runs (suite step `traffic: { from: peer }`): from the first
 * host of its side of the first selector to the first host of the DUT's (the lab puts that address
 * on the DUT namespace's loopback); without selectors, from `peer` to `dut` (a host-to-host SA).
 */
export function innerAddresses(profile: DeviceProfile, peer: string, dut: string): { source: string; destination: string } {
  const t = profile.target;
  const ts = profile.ike.trafficSelectors[0] ?? ('lab' in t && t.lab.peerSubnets[0] && t.lab.dutSubnets[0] ? { local: t.lab.peerSubnets[0], remote: t.lab.dutSubnets[0] } : undefined);
  if (!ts) return { source: peer, destination: dut };
  return { source: firstHost(ts.local), destination: firstHost(ts.remote) };
}

function firstHost(side: string): string {
  const [address, len] = side.split('-')[0]!.split('/') as [string, string | undefined];
  if (len === undefined || Number(len) >= 31) return address;
  const n = address.split('.').reduce((a, o) => a * 256 + Number(o), 0) + 1;
  return [24, 16, 8, 0].map((sh) => (n >>> sh) & 0xff).join('.');
}

/**
 * The fake peer's sockets: the IKE endpoints and, for a DUT that speaks NAT-T (profile `nat_t`),
 * one NAT-T socket per address on `natTPort` (4500; 0 for an ephemeral one).
 */
export function peerBindings(profile: DeviceProfile, endpoints: Endpoint[], natTPort = 4500): BindEndpoint[] {
  const natT = profile.natT ? [...new Set(endpoints.map((e) => e.address))].map((address) => ({ address, port: natTPort, natT: true })) : [];
  return withPeerSockets(profile, [...endpoints, ...natT]);
}

/** Every bind entry asks for the profile's `peer.socket_buffers` and `peer.io`; without them, the kernel's buffer defaults and Node's dgram. */
export function withPeerSockets(profile: DeviceProfile, binds: BindEndpoint[]): BindEndpoint[] {
  const { socketBuffers: buffers, io } = profile.peer;
  if (!buffers && !io) return binds;
  return binds.map((b) => ({ ...b, ...(buffers ? { buffers } : {}), ...(io ? { io } : {}) }));
}

/** `nat`: the NAT-T ports when they are not 4500 (the reference DUT's ephemeral ones); used only when the profile has `nat_t`. */
export function engineConfigFor(profile: DeviceProfile, random: Random, nat: NatTraversalConfig = {}): IkeEngineConfig {
  const psk = new TextEncoder().encode(profile.psk.reveal());
  const selectors = selectorsOf(profile);
  return {
    random,
    psk: () => psk,
    proposals: profile.ike.proposals.map((p) => ({ ...CIPHER[p.encryption], hash: HASH[p.hash], group: GROUP[p.group], lifetimeSeconds: profile.ike.lifetime.ike })),
    espProposals: profile.ike.espProposals.map((p) => ({
      ...CIPHER[p.encryption],
      integrity: INTEGRITY[p.integrity],
      ...(profile.ike.pfsGroup ? { pfsGroup: GROUP[profile.ike.pfsGroup] } : {}),
      lifetimeSeconds: profile.ike.lifetime.ipsec,
    })),
    ...(selectors.length > 0 ? { trafficSelectors: selectors } : {}),
    ...(profile.ike.localId ? { localId: /^\d+\.\d+\.\d+\.\d+$/.test(profile.ike.localId) ? { type: 'ipv4-addr', address: profile.ike.localId } : { type: 'fqdn', name: profile.ike.localId } } : {}),
    // The fake peer's own probes: a new number each time, so sequence scenarios control repeats explicitly.
    dpdSequence: { retry: 'increment' },
    ...(profile.natT ? { natTraversal: nat } : {}),
  };
}
