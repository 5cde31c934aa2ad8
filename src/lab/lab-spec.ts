/**
 * LabSpec: what the `lab:` section of a profile describes, validated. parseLabSpec
 * is the single validator for it (the profile loader and `dpd-harness lab` both
 * call it), and every error names the offending field as a dotted path.
 *
 * YAML shape (snake_case like the rest of the profile):
 *   lab:
 *     name: dpdh                     # optional; ≤ 10 chars [a-z0-9], first a letter
 *     kind: strongswan               # DUT kind: strongswan | libreswan
 *     subnet: 203.0.113.0/28         # veth link subnet, inside an RFC 5737 range
 *     dut_address: 203.0.113.1
 *     peer_addresses: [203.0.113.2, 203.0.113.3]
 *     dut_subnets: [198.51.100.0/28] # inner subnets (traffic selectors) on the DUT's lo
 *     peer_subnets: [198.51.100.16/28]
 *     peer_netns: false              # true: the peer end lives in namespace <name>-peer
 *     psk: "…"                       # never logged
 *     dut: { … }                     # opaque: rendered by the DUT adapter (dut.package: a Debian version of the daemon)
 *     peer_daemon: { kind: libreswan, … }   # only with peer_netns: a second daemon there
 */
import { ConfigError } from '../errors.js';
import type { FieldPath } from './field-path.js';
import { DaemonConfigError, parseDaemonConfig, type DaemonConfig } from './daemon-config.js';
import type { LabSelector } from './daemon-selectors.js';
import {
  formatAddress,
  formatPrefix,
  isAssignableHost,
  isDocumentationPrefix,
  overlaps,
  parseAddress,
  parsePrefix,
  type Prefix,
} from './ipv4.js';

/** IKEv1 (RFC 2409) or IKEv2 (RFC 7296). */
export type IkeVersion = 1 | 2;

export const DUT_KINDS = ['strongswan', 'libreswan'] as const;
export type DutKind = (typeof DUT_KINDS)[number];

/** Lab names end up in interface names: `<name>-peer` must fit IFNAMSIZ (15). */
export const LAB_NAME = /^[a-z][a-z0-9]{0,9}$/;
export const DEFAULT_LAB_NAME = 'dpdh';

export interface DaemonSpec {
  kind: DutKind;
  /** Everything else under the key, untouched: the adapter validates and renders it. */
  config: Record<string, unknown>;
}

/** A `package:` of the DUT or peer daemon, with where the profile says it, for the error when it is not installed. */
export interface PackageSelection {
  role: 'dut' | 'peer';
  kind: DutKind;
  version: string;
  where: { file: string; line: number; col: number; excerpt?: string };
}

export interface LabSpec {
  name: string;
  dutKind: DutKind;
  /** The veth link subnet, e.g. 203.0.113.0/28. */
  subnet: string;
  dutAddress: string;
  peerAddresses: string[];
  dutSubnets: string[];
  peerSubnets: string[];
  /** false: the harness end of the veth stays in the root namespace (the fake peer binds there). */
  peerNetns: boolean;
  psk: string;
  dut: Record<string, unknown>;
  peerDaemon?: DaemonSpec;
  /**
   * The profile's `ike.traffic_selectors` (not a field of the lab section): rendered into
   * the DUT so its policy is what the fake peer proposes; absent or empty: dut_subnets ↔
   * peer_subnets, or host-to-host.
   */
  trafficSelectors?: LabSelector[];
  /** The profile's `ike.version` (not a field of the lab section either): which IKE the DUT is rendered for; absent: 1. */
  ikeVersion?: IkeVersion;
  /** Daemon package versions the profile selects (src/lab/daemon-package.ts); absent: the installed daemons. */
  packages?: PackageSelection[];
}

export type { FieldPath };

/** Where the object came from, so errors point at file:line:col. */
export interface SpecSource {
  file: string;
  /** Maps a path below the lab section to its position; absent → 1:1. */
  locate?(path: FieldPath): { line: number; col: number; excerpt?: string } | undefined;
  /** Path of the lab section inside the file, prefixed to every field name (e.g. ['lab']). */
  base?: FieldPath;
}

/** A lab spec error; `field` is the dotted path of the offending field (e.g. `lab.peer_addresses.1`). */
export class LabSpecError extends ConfigError {
  readonly field: string;
  constructor(source: SpecSource, path: FieldPath, message: string) {
    const full = [...(source.base ?? []), ...path];
    const where = source.locate?.(full) ?? { line: 1, col: 1 };
    const field = full.join('.');
    super('ERR_CONFIG_SCHEMA', { file: source.file, ...where }, `${field}: ${message}`);
    this.field = field;
  }
}

const KNOWN_KEYS = [
  'name', 'kind', 'subnet', 'dut_address', 'peer_addresses', 'dut_subnets', 'peer_subnets',
  'peer_netns', 'psk', 'dut', 'peer_daemon',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseLabSpec(obj: unknown, source: SpecSource): LabSpec {
  const fail = (path: FieldPath, message: string): never => {
    throw new LabSpecError(source, path, message);
  };
  if (!isRecord(obj)) fail([], 'must be a mapping');
  const o = obj as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.includes(key)) fail([key], `unknown field (expected one of ${KNOWN_KEYS.join(', ')})`);
  }

  const name = o.name ?? DEFAULT_LAB_NAME;
  if (typeof name !== 'string' || !LAB_NAME.test(name)) {
    fail(['name'], `must be 1-10 lowercase letters or digits starting with a letter (it prefixes interface names), got ${JSON.stringify(name)}`);
  }

  const kind = (path: FieldPath, v: unknown): DutKind => {
    if (typeof v !== 'string' || !(DUT_KINDS as readonly string[]).includes(v)) {
      return fail(path, `unknown DUT kind ${JSON.stringify(v)} (expected ${DUT_KINDS.join(' or ')})`);
    }
    return v as DutKind;
  };
  const dutKind = kind(['kind'], o.kind);

  const prefix = (path: FieldPath, v: unknown): Prefix => {
    const p = typeof v === 'string' ? parsePrefix(v) : undefined;
    if (!p) return fail(path, `must be an IPv4 subnet a.b.c.d/len with zero host bits, got ${JSON.stringify(v)}`);
    if (!isDocumentationPrefix(p)) {
      return fail(path, `${v} is outside the documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737); the lab configures no other addresses`);
    }
    return p;
  };
  const subnet = prefix(['subnet'], o.subnet);
  if (subnet.length > 29) fail(['subnet'], 'must be /29 or larger: it holds the DUT and at least one peer address');

  const host = (path: FieldPath, v: unknown): number => {
    const a = typeof v === 'string' ? parseAddress(v) : undefined;
    if (a === undefined) return fail(path, `must be an IPv4 address, got ${JSON.stringify(v)}`);
    if (!isAssignableHost(subnet, a)) {
      return fail(path, `${v} is not a host address inside subnet ${formatPrefix(subnet)} (documentation ranges only)`);
    }
    return a;
  };
  const dutAddress = host(['dut_address'], o.dut_address);

  if (!Array.isArray(o.peer_addresses) || o.peer_addresses.length === 0) {
    fail(['peer_addresses'], 'must be a non-empty list of addresses inside the subnet');
  }
  const seen = new Set<number>([dutAddress]);
  const peerAddresses = (o.peer_addresses as unknown[]).map((v, i) => {
    const a = host(['peer_addresses', i], v);
    if (seen.has(a)) fail(['peer_addresses', i], `${v} is used twice (DUT and peers need distinct addresses)`);
    seen.add(a);
    return formatAddress(a);
  });

  const inner: Prefix[] = [subnet];
  const subnets = (key: string): string[] => {
    const v = o[key] ?? [];
    if (!Array.isArray(v)) return fail([key], 'must be a list of subnets');
    return v.map((s, i) => {
      const p = prefix([key, i], s);
      const clash = inner.find((q) => overlaps(p, q));
      if (clash) fail([key, i], `${s} overlaps ${formatPrefix(clash)}`);
      inner.push(p);
      return formatPrefix(p);
    });
  };
  const dutSubnets = subnets('dut_subnets');
  const peerSubnets = subnets('peer_subnets');

  const peerNetns = o.peer_netns ?? false;
  if (typeof peerNetns !== 'boolean') fail(['peer_netns'], 'must be true or false');

  if (typeof o.psk !== 'string' || o.psk.length === 0) fail(['psk'], 'missing pre-shared key (a non-empty string)');

  const dut = o.dut ?? {};
  if (!isRecord(dut)) fail(['dut'], 'must be a mapping (DUT settings the adapter renders)');
  // Checked here too, not only when the daemon starts, so a bad setting is reported at its line.
  const packages: PackageSelection[] = [];
  const checkDaemon = (base: FieldPath, config: Record<string, unknown>, daemonKind: DutKind): DaemonConfig => {
    let parsed: DaemonConfig;
    try {
      parsed = parseDaemonConfig(config);
    } catch (err) {
      if (err instanceof DaemonConfigError) fail([...base, ...err.path], err.message);
      throw err;
    }
    if (parsed.package !== undefined) {
      // Libreswan conflicts with strongSwan in apt and is unpacked from the one version Debian ships.
      if (daemonKind !== 'strongswan') fail([...base, 'package'], 'only a strongSwan daemon can be run from a selected package version');
      const path = [...(source.base ?? []), ...base, 'package'];
      packages.push({ role: base[0] === 'dut' ? 'dut' : 'peer', kind: daemonKind, version: parsed.package, where: { file: source.file, ...(source.locate?.(path) ?? { line: 1, col: 1 }) } });
    }
    // Libreswan 4.10 has no userspace ESP: it needs the kernel's XFRM.
    if (parsed.dataPlane !== undefined && daemonKind !== 'strongswan') fail([...base, 'data_plane'], 'only a strongSwan daemon has a userspace data plane (kernel-libipsec)');
    return parsed;
  };
  const dutConfig = checkDaemon(['dut'], dut as Record<string, unknown>, dutKind);
  // The failover hook initiates the connection to each listed fake-peer address.
  dutConfig.failover?.peers.forEach((p, i) => {
    if (p >= peerAddresses.length) fail(['dut', 'failover', 'peers', i], `peer index ${p} but peer_addresses has ${peerAddresses.length}`);
  });

  let peerDaemon: DaemonSpec | undefined;
  if (o.peer_daemon !== undefined) {
    if (!peerNetns) fail(['peer_daemon'], 'needs peer_netns: true (the second daemon runs in namespace <name>-peer)');
    if (!isRecord(o.peer_daemon)) fail(['peer_daemon'], 'must be a mapping with at least `kind`');
    const { kind: k, ...config } = o.peer_daemon as Record<string, unknown>;
    peerDaemon = { kind: kind(['peer_daemon', 'kind'], k), config };
    if (checkDaemon(['peer_daemon'], config, peerDaemon.kind).failover) fail(['peer_daemon', 'failover'], 'only the DUT fails over (it has one connection per peer address)');
  }

  return {
    name: name as string,
    dutKind,
    subnet: formatPrefix(subnet),
    dutAddress: formatAddress(dutAddress),
    peerAddresses,
    dutSubnets,
    peerSubnets,
    peerNetns: peerNetns as boolean,
    psk: o.psk as string,
    dut: dut as Record<string, unknown>,
    ...(peerDaemon ? { peerDaemon } : {}),
    ...(packages.length > 0 ? { packages } : {}),
  };
}

/** The spec without its secret, for state files, status output and reports. */
export function redactLabSpec(spec: LabSpec): Omit<LabSpec, 'psk'> & { psk: '(redacted)' } {
  return { ...spec, psk: '(redacted)' };
}
