/**
 * NAT traversal in IKEv1 (RFC 3947): the NAT-T vendor ID in the first two messages, NAT-D in
 * MM3/MM4, NAT detection from the DUT's NAT-D, the float to the NAT-T port from MM5 on (§4),
 * and following a DUT or peer that moves (a NAT rebinding) once messages are encrypted.
 * Forced encapsulation sends a NAT-D for our own address that cannot match, as strongSwan's
 * forceencaps does, so the DUT believes we are behind a NAT and encapsulates.
 */
import { hash } from '../crypto/hash-algorithm.js';
import type { Endpoint } from '../events.js';
import { ENCAPSULATION_MODES, PAYLOAD_TYPES } from '../wire/constants.js';
import { parseIpAddress } from '../wire/ip-address.js';
import type { NatDPayload, Payload } from '../wire/types.js';
import { natTVersionOf, NAT_T_VENDOR_ID } from '../wire/vendor-ids.js';
import { equalBytes } from './bytes.js';
import type { EngineEffect } from './engine-effects.js';
import type { SaContext } from './sa-context.js';

/** RFC 3948 §2: the port IKE and ESP move to. */
export const NAT_T_PORT = 4500;

/** The NAT-T vendor ID for MM1/MM2 (AM1/AM2) when NAT traversal is configured (RFC 3947 §3.1). */
export function natTVendorIds(sa: SaContext): Payload[] {
  return sa.config.natTraversal ? [{ kind: 'vendor-id', data: NAT_T_VENDOR_ID }] : [];
}

/** Records the DUT's NAT-T vendor ID (RFC preferred over a draft); without our own offer it stays unused. */
export function notePeerNatT(sa: SaContext, payloads: readonly Payload[]): void {
  if (!sa.config.natTraversal) return;
  const versions = payloads.flatMap((p) => (p.kind === 'vendor-id' ? [natTVersionOf(p.data)] : []));
  const version = versions.includes('rfc') ? 'rfc' : versions.includes('draft') ? 'draft' : undefined;
  sa.nat = { ...sa.nat, ...(version ? { version } : {}) };
}

/** HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (RFC 3947 §3.2). */
function natDHash(sa: SaContext, at: Endpoint): Uint8Array {
  const port = Uint8Array.of(at.port >>> 8, at.port & 0xff);
  return hash(sa.offered[0].hash, sa.ckyI, sa.ckyR, parseIpAddress(at.address) ?? new Uint8Array(0), port);
}

/** MM3/MM4's NAT-D payloads: the DUT's address first, then ours (RFC 3947 §3.2); none without NAT-T on both sides. */
export function natDPayloads(sa: SaContext): Payload[] {
  const version = sa.nat.version;
  if (!version) return [];
  const payloadType = version === 'rfc' ? PAYLOAD_TYPES.NAT_D : PAYLOAD_TYPES.NAT_D_DRAFT;
  const own = natDHash(sa, sa.local);
  const local = forced(sa) ? sa.config.random.bytes(own.length) : own;
  return [
    { kind: 'nat-d', payloadType, data: natDHash(sa, sa.remote) },
    { kind: 'nat-d', payloadType, data: local },
  ];
}

/**
 * Reads the DUT's NAT-D payloads: the first is our address as it saw it, the others are the
 * addresses it sends from (RFC 3947 §3.2). Emits what it found.
 */
export function detectNat(sa: SaContext, payloads: readonly Payload[], effects: EngineEffect[]): void {
  const natD = payloads.filter((p): p is NatDPayload => p.kind === 'nat-d');
  if (!sa.nat.version || natD.length === 0) return;
  const [seenOurs, ...theirs] = natD;
  const force = forced(sa);
  const localBehindNat = force || !equalBytes(seenOurs.data, natDHash(sa, sa.local));
  const expected = natDHash(sa, sa.remote);
  const remoteBehindNat = !theirs.some((p) => equalBytes(p.data, expected));
  sa.nat = { ...sa.nat, localBehindNat, remoteBehindNat };
  effects.push(sa.event({ kind: 'nat-detected', local: localBehindNat, remote: remoteBehindNat, forced: force }));
}

function forced(sa: SaContext): boolean {
  return sa.config.natTraversal?.forceEncapsulation === true || sa.hooks.forceEncapsulation?.(sa.id) === true;
}

export function natInUse(sa: SaContext): boolean {
  return sa.nat.version !== undefined && (sa.nat.localBehindNat || sa.nat.remoteBehindNat);
}

/** Initiator before MM5 (AM3): both ends move to the NAT-T port (RFC 3947 §4). */
export function floatToNatTPort(sa: SaContext, effects: EngineEffect[]): void {
  if (!natInUse(sa)) return;
  const nat = sa.config.natTraversal ?? {};
  moveSa(sa, { address: sa.local.address, port: nat.localPort ?? NAT_T_PORT }, { address: sa.remote.address, port: nat.remotePort?.(sa.remote) ?? NAT_T_PORT }, effects);
}

/**
 * An encrypted message that verified came from (or to) somewhere else: with NAT-T in use the
 * SA follows it (RFC 3947 §4, the responder's float and any later rebinding).
 */
export function followPeer(sa: SaContext, local: Endpoint, remote: Endpoint, effects: EngineEffect[]): void {
  if (!natInUse(sa)) return;
  moveSa(sa, local, remote, effects);
}

function moveSa(sa: SaContext, local: Endpoint, remote: Endpoint, effects: EngineEffect[]): void {
  const same = (a: Endpoint, b: Endpoint): boolean => a.address === b.address && a.port === b.port;
  if (same(sa.local, local) && same(sa.remote, remote)) return;
  sa.local = { ...local };
  sa.remote = { ...remote };
  effects.push(sa.event({ kind: 'float', local: sa.local, remote: sa.remote }));
}

/** The ESP encapsulation mode Quick Mode proposes (RFC 3947 §5.1; the draft's value for a draft peer). */
export function espEncapsulation(sa: SaContext): number {
  if (!natInUse(sa)) return ENCAPSULATION_MODES.TUNNEL;
  return sa.nat.version === 'rfc' ? ENCAPSULATION_MODES.UDP_TUNNEL : ENCAPSULATION_MODES.UDP_TUNNEL_DRAFT;
}
