/**
 * The settings a lab daemon is configured with, read from the opaque `dut:` (or
 * `peer_daemon:`) mapping of a profile's `lab:` section. One typed shape serves
 * both the strongSwan and the Libreswan renderer, so a profile describes the DUT
 * once and either implementation renders it.
 *
 *   dut:
 *     ike_proposals: [aes128-sha1-modp2048]   # strongSwan proposal syntax, for both daemons
 *     esp_proposals: [aes128-sha1-modp2048]   # a DH group here means PFS
 *     ike_lifetime: 10800                     # seconds
 *     child_lifetime: 3600
 *     dpd: { delay: 10, timeout: 30, action: clear }   # delay 0 disables DPD
 *     keyingtries: 1
 *     retransmit: { tries: 2, timeout: 2.0, base: 1.5, limit: 30 }  # strongSwan's knobs (charon.retransmit_*; limit: cap on one wait)
 *     retransmit_interval: 0.5   # Libreswan's retransmit-interval, seconds (rendered in ms); absent: pluto's default
 *     retransmit_timeout: 60     # Libreswan's retransmit-timeout, seconds; absent: pluto's default
 *     start_action: none     # none: wait (responder, or initiate by command); start: initiate on load; trap: on traffic
 *     control_timeout: 15    # seconds a swanctl/whack call may take (a SIGSTOPped daemon never answers)
 *     log_keys: false        # strongSwan: log IKE keys (for key-table cross-checks); never the PSK
 *     log: verbose           # verbose: charon ike 2 / net 2, pluto plutodebug=base; brief: what each logs by default (many SAs)
 *     aggressive: false      # IKEv1 Aggressive Mode with PSK (the identity goes in clear; daemons refuse it unless told)
 *     failover: { peers: [0, 1, 2] }   # DUT only: ordered peer list; needs dpd.action clear (see below)
 *     package: 5.9.8-5+deb12u5   # strongSwan: run this Debian package version, unpacked by scripts/lab-install.sh (src/lab/daemon-package.ts)
 *     data_plane: kernel-libipsec   # strongSwan: ESP in userspace over a TUN device, UDP-encapsulated (src/lab/data-plane.ts)
 *
 * Neither strongSwan nor Libreswan has multi-peer failover built in. `failover` renders
 * the usual deployment: one connection per peer (as always) and an updown hook
 * (src/lab/failover-hook.ts) that, when DPD clears the connection to peers[i] (updown
 * verb down-client/down-host), initiates the connection to peers[i + 1].
 */
import type { FieldPath } from './field-path.js';

export type DpdAction = 'clear' | 'hold' | 'restart';
export type StartAction = 'none' | 'start' | 'trap';

export interface Proposal {
  encryption: 'aes128' | 'aes192' | 'aes256' | '3des';
  integrity: 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** IKE: the DH group; ESP: the PFS group, absent without PFS. */
  group?: 'modp1024' | 'modp1536' | 'modp2048' | 'modp3072' | 'modp4096' | 'ecp256' | 'ecp384';
}

export interface DaemonConfig {
  ikeProposals: Proposal[];
  espProposals: Proposal[];
  ikeLifetime: number;
  childLifetime: number;
  dpd: { delay: number; timeout: number; action: DpdAction };
  keyingtries: number;
  retransmit: { tries: number; timeout: number; base: number; limit?: number };
  /**
   * pluto's retransmit-interval / retransmit-timeout in seconds: another schedule than
   * charon's (doubling from the interval until the timeout, docs/ikev2-liveness.md), so
   * they are knobs of their own; absent: pluto's defaults (0.5 s, 60 s).
   */
  plutoRetransmit?: { interval?: number; timeout?: number };
  startAction: StartAction;
  /** Seconds; initiation gets its own, longer bound (it waits for the negotiation). */
  controlTimeout: number;
  logKeys: boolean;
  /**
   * verbose: every DPD request and ACK in the daemon's log (charon ike 2 / net 2, pluto
   * plutodebug=base); brief: the daemons' default levels. pluto at plutodebug=base writes some
   * 5,000 lines per SA-minute, which for 100 SAs made a 97 MB results.json.
   */
  log: 'verbose' | 'brief';
  /** Aggressive Mode instead of Main Mode, both as initiator and as responder. */
  aggressive: boolean;
  /** Ordered peer indexes for the updown failover hook; absent: no hook. */
  failover?: { peers: number[] };
  /** A Debian package version of the daemon, unpacked beside the system's; absent: the installed daemon. */
  package?: string;
  /** strongSwan's userspace ESP (kernel-libipsec); absent: the kernel's, real or emulated. */
  dataPlane?: 'kernel-libipsec';
}

/** A bad field in the daemon mapping; `path` is relative to it, the lab prefixes its own. */
export class DaemonConfigError extends Error {
  constructor(
    readonly path: FieldPath,
    message: string,
  ) {
    super(message);
  }
}

const ENCRYPTIONS = ['aes128', 'aes192', 'aes256', '3des'] as const;
const INTEGRITIES = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const;
const GROUPS = ['modp1024', 'modp1536', 'modp2048', 'modp3072', 'modp4096', 'ecp256', 'ecp384'] as const;
const ACTIONS = ['clear', 'hold', 'restart'] as const;
const START_ACTIONS = ['none', 'start', 'trap'] as const;
const KEYS = ['ike_proposals', 'esp_proposals', 'ike_lifetime', 'child_lifetime', 'dpd', 'keyingtries', 'retransmit', 'retransmit_interval', 'retransmit_timeout', 'start_action', 'control_timeout', 'log_keys', 'log', 'aggressive', 'failover', 'package', 'data_plane'];

/** Debian policy's version syntax ([epoch:]upstream[-revision]), which also keeps it safe in a path. */
const DEBIAN_VERSION = /^(\d+:)?\d[A-Za-z0-9.+~-]*$/;

export const DEFAULT_PROPOSAL = 'aes128-sha1-modp2048';

/** Parses `aes128-sha256-modp2048` (strongSwan's syntax, which both renderers translate from). */
export function parseProposal(text: string, path: FieldPath, requireGroup: boolean): Proposal {
  const parts = text.split('-');
  const [enc, integ, group, ...rest] = parts;
  const oneOf = <T extends string>(v: string | undefined, allowed: readonly T[], what: string): T => {
    if (v === undefined || !(allowed as readonly string[]).includes(v)) {
      throw new DaemonConfigError(path, `${JSON.stringify(text)}: ${what} ${JSON.stringify(v ?? '')} is not one of ${allowed.join(', ')}`);
    }
    return v as T;
  };
  if (rest.length > 0) throw new DaemonConfigError(path, `${JSON.stringify(text)}: expected encryption-integrity[-group]`);
  const proposal: Proposal = {
    encryption: oneOf(enc, ENCRYPTIONS, 'encryption'),
    integrity: oneOf(integ, INTEGRITIES, 'integrity'),
  };
  if (group !== undefined) proposal.group = oneOf(group, GROUPS, 'group');
  else if (requireGroup) throw new DaemonConfigError(path, `${JSON.stringify(text)}: an IKE proposal needs a DH group`);
  return proposal;
}

export function formatProposal(p: Proposal): string {
  return [p.encryption, p.integrity, ...(p.group ? [p.group] : [])].join('-');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function number(v: unknown, path: FieldPath, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new DaemonConfigError(path, `must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function proposals(v: unknown, path: FieldPath, requireGroup: boolean): Proposal[] {
  if (v === undefined) return [parseProposal(DEFAULT_PROPOSAL, path, requireGroup)];
  if (!Array.isArray(v) || v.length === 0) throw new DaemonConfigError(path, 'must be a non-empty list of proposals');
  return v.map((p, i) => {
    if (typeof p !== 'string') throw new DaemonConfigError([...path, i], 'must be a string such as aes128-sha1-modp2048');
    return parseProposal(p, [...path, i], requireGroup);
  });
}

export function parseDaemonConfig(raw: Record<string, unknown>): DaemonConfig {
  for (const key of Object.keys(raw)) {
    if (!KEYS.includes(key)) throw new DaemonConfigError([key], `unknown field (expected one of ${KEYS.join(', ')})`);
  }
  const dpd = raw.dpd ?? {};
  if (!isRecord(dpd)) throw new DaemonConfigError(['dpd'], 'must be a mapping with delay, timeout, action');
  const action = dpd.action ?? 'clear';
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new DaemonConfigError(['dpd', 'action'], `must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  }
  const startAction = raw.start_action ?? 'none';
  if (typeof startAction !== 'string' || !(START_ACTIONS as readonly string[]).includes(startAction)) {
    throw new DaemonConfigError(['start_action'], `must be one of ${START_ACTIONS.join(', ')}, got ${JSON.stringify(startAction)}`);
  }
  const retransmit = raw.retransmit ?? {};
  if (!isRecord(retransmit)) throw new DaemonConfigError(['retransmit'], 'must be a mapping with tries, timeout, base, limit');
  for (const key of Object.keys(retransmit)) {
    if (!['tries', 'timeout', 'base', 'limit'].includes(key)) throw new DaemonConfigError(['retransmit', key], 'unknown field (expected tries, timeout, base, limit: charon.retransmit_*)');
  }
  const flag = (key: string): boolean => {
    const v = raw[key] ?? false;
    if (typeof v !== 'boolean') throw new DaemonConfigError([key], 'must be true or false');
    return v;
  };
  const delay = number(dpd.delay, ['dpd', 'delay'], 10, 0);
  const espProposals = proposals(raw.esp_proposals, ['esp_proposals'], false);
  if (new Set(espProposals.map((p) => p.group !== undefined)).size > 1) {
    throw new DaemonConfigError(['esp_proposals'], 'either every proposal names a DH group (PFS) or none does: Libreswan has one pfs= switch per connection');
  }
  const dpdConfig = { delay, timeout: number(dpd.timeout, ['dpd', 'timeout'], delay * 3, 0), action: action as DpdAction };
  const failover = raw.failover === undefined ? undefined : parseFailover(raw.failover, dpdConfig);
  const log = raw.log ?? 'verbose';
  if (log !== 'verbose' && log !== 'brief') throw new DaemonConfigError(['log'], `must be verbose or brief, got ${JSON.stringify(log)}`);
  const pkg = raw.package;
  if (pkg !== undefined && (typeof pkg !== 'string' || !DEBIAN_VERSION.test(pkg))) {
    throw new DaemonConfigError(['package'], `must be a Debian package version such as 5.9.8-5+deb12u5, got ${JSON.stringify(pkg)}`);
  }
  if (raw.data_plane !== undefined && raw.data_plane !== 'kernel-libipsec') {
    throw new DaemonConfigError(['data_plane'], `must be kernel-libipsec (or absent: the kernel's ESP), got ${JSON.stringify(raw.data_plane)}`);
  }
  const optional = (key: string, min: number): number | undefined => (raw[key] === undefined ? undefined : number(raw[key], [key], 0, min));
  const pluto = { interval: optional('retransmit_interval', 0.001), timeout: optional('retransmit_timeout', 1) };
  const limit = retransmit.limit === undefined ? undefined : number(retransmit.limit, ['retransmit', 'limit'], 0, 0);
  return {
    ikeProposals: proposals(raw.ike_proposals, ['ike_proposals'], true),
    espProposals,
    ikeLifetime: number(raw.ike_lifetime, ['ike_lifetime'], 10800, 60),
    childLifetime: number(raw.child_lifetime, ['child_lifetime'], 3600, 60),
    dpd: dpdConfig,
    keyingtries: number(raw.keyingtries, ['keyingtries'], 1, 0),
    retransmit: {
      tries: number(retransmit.tries, ['retransmit', 'tries'], 5, 0),
      timeout: number(retransmit.timeout, ['retransmit', 'timeout'], 4, 0.1),
      base: number(retransmit.base, ['retransmit', 'base'], 1.8, 1),
      ...(limit === undefined ? {} : { limit }),
    },
    ...(pluto.interval === undefined && pluto.timeout === undefined
      ? {}
      : { plutoRetransmit: { ...(pluto.interval === undefined ? {} : { interval: pluto.interval }), ...(pluto.timeout === undefined ? {} : { timeout: pluto.timeout }) } }),
    startAction: startAction as StartAction,
    controlTimeout: number(raw.control_timeout, ['control_timeout'], 15, 1),
    logKeys: flag('log_keys'),
    log,
    aggressive: flag('aggressive'),
    ...(failover ? { failover } : {}),
    ...(pkg !== undefined ? { package: pkg as string } : {}),
    ...(raw.data_plane !== undefined ? { dataPlane: 'kernel-libipsec' as const } : {}),
  };
}

function parseFailover(v: unknown, dpd: DaemonConfig['dpd']): { peers: number[] } {
  if (!isRecord(v)) throw new DaemonConfigError(['failover'], 'must be a mapping { peers: [0, 1, …] }');
  for (const key of Object.keys(v)) {
    if (key !== 'peers') throw new DaemonConfigError(['failover', key], 'unknown field (expected peers)');
  }
  const peers = v.peers;
  if (!Array.isArray(peers) || peers.length < 2) {
    throw new DaemonConfigError(['failover', 'peers'], 'must list at least two peer indexes, in failover order');
  }
  peers.forEach((p, i) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw new DaemonConfigError(['failover', 'peers', i], `must be a peer index ≥ 0, got ${JSON.stringify(p)}`);
    if (peers.indexOf(p) !== i) throw new DaemonConfigError(['failover', 'peers', i], `peer ${p} listed twice`);
  });
  if (dpd.delay === 0) throw new DaemonConfigError(['failover'], 'needs DPD (dpd.delay > 0): the hook runs when DPD clears a connection');
  // restart re-initiates the same peer, hold keeps a trap on it: only clear runs the down hook and leaves the next peer free.
  if (dpd.action !== 'clear') {
    throw new DaemonConfigError(['dpd', 'action'], `failover needs dpd.action clear (the daemon clears the dead peer, the updown hook starts the next); ${dpd.action} would keep the dead peer`);
  }
  return { peers: peers as number[] };
}

/**
 * The connections a daemon gets: one per remote peer address when it has one
 * local address (the DUT facing the fake peer's addresses), else one per local
 * address towards the first remote (a peer daemon with several addresses).
 * Names are stable so scenarios can initiate `peer2` and read it back in status.
 */
export interface Connection {
  name: string;
  local: string;
  remote: string;
}

export function planConnections(role: 'dut' | 'peer', local: readonly string[], remote: readonly string[]): Connection[] {
  const prefix = role === 'dut' ? 'peer' : 'dut';
  if (local.length === 1) return remote.map((r, i) => ({ name: `${prefix}${i + 1}`, local: local[0], remote: r }));
  return local.map((l, i) => ({ name: `${prefix}${i + 1}`, local: l, remote: remote[0] }));
}

/**
 * The PSK as a token both secrets parsers read back byte for byte. Libreswan
 * takes a quoted PSK verbatim, without escapes (ipsec.secrets(5)); strongSwan's
 * settings parser treats a backslash inside quotes as an escape and decodes a
 * value starting `0x`/`0s` even when quoted (swanctl.conf(5) `secret`). Both read
 * `0x` + hex as raw bytes, so PSKs of plain characters stay readable and any
 * other is written in hex.
 */
export function secretLiteral(psk: string): string {
  if (/^[A-Za-z0-9 ._,:;@%+=\-/!?*~^()[\]]+$/.test(psk) && !/^0[xs]/i.test(psk)) return `"${psk}"`;
  return `0x${Buffer.from(psk, 'utf8').toString('hex')}`;
}
