/**
 * The contract between the lab (this folder) and the daemon adapters
 * (src/lab/strongswan.ts, src/lab/libreswan.ts). The lab builds the topology and
 * hands each adapter a context; the adapter renders its daemon's configuration
 * into its work directory and drives the daemon through the supervisor, which
 * owns every process (so the lab can always tear everything down).
 */
import type { Clock } from '../events.js';
import type { DaemonSelector } from './daemon-selectors.js';
import type { DataPlane } from './data-plane.js';
import type { DutKind, IkeVersion } from './lab-spec.js';
import type { Supervisor } from './supervisor.js';

/** Which side of the lab a daemon plays: the DUT, or the second daemon in `<lab>-peer`. */
export type DaemonRole = 'dut' | 'peer';

export interface DutAdapterContext {
  role: DaemonRole;
  /** Lab name; instance names, sockets and logs should include it. */
  lab: string;
  /** Network namespace the daemon must run in. */
  netns: string;
  /** This daemon's own addresses (the DUT has one; a peer daemon may have several). */
  localAddresses: string[];
  /** Addresses of the other side: the peer addresses for the DUT, the DUT address for a peer daemon. */
  remoteAddresses: string[];
  /** Inner subnets on this side's lo / on the other side (traffic selectors). */
  localSubnets: string[];
  remoteSubnets: string[];
  /** The profile's traffic selectors from this daemon's side; empty: the subnets above (or host-to-host). */
  selectors: DaemonSelector[];
  /** Which IKE the daemon's connections speak (the profile's ike.version). */
  ikeVersion: IkeVersion;
  psk: string;
  /** The opaque `dut:` (or `peer_daemon:`) mapping from the profile. */
  config: Record<string, unknown>;
  /** Private directory for configs, sockets, NSS database and logs; created empty by the lab, removed by down(). */
  workDir: string;
  /** 'emulated' means: start the daemon with LD_PRELOAD=shimPath (see docs/lab.md). */
  dataPlane: DataPlane;
  /** Absolute path of the ESP-emulation shim; set when dataPlane is 'emulated'. */
  shimPath?: string;
  /** Project cache holding the unpacked Libreswan (`<cacheDir>/libreswan/usr/libexec/ipsec/pluto`). */
  cacheDir: string;
  supervisor: Supervisor;
  clock: Clock;
}

/** One IKE SA and its children as the daemon lists them, in a shape common to every implementation. */
export interface SaListing {
  /** Connection name in the daemon's config, when known. */
  conn?: string;
  ike: { state: string; peer: string; established: boolean };
  children: Array<{ name?: string; state: string; installed: boolean; spis?: string[] }>;
}

export interface DaemonLogLine {
  /** Monotonic ns from the lab's Clock, taken when the line was read. */
  t: bigint;
  line: string;
}

export interface DutAdapter {
  readonly kind: DutKind;
  /** Start the daemon (through ctx.supervisor.spawnDaemon) and wait until it accepts control commands. */
  start(): Promise<void>;
  /** Stop the daemon; idempotent. */
  stop(): Promise<void>;
  /** Render and (re)load the connection configuration. */
  loadConfig(): Promise<void>;
  initiate(conn: string): Promise<void>;
  terminate(conn: string): Promise<void>;
  listSas(): Promise<SaListing[]>;
  /** The daemon log as it is written; ends when the daemon stops. */
  logLines(): AsyncIterable<DaemonLogLine>;
  /** Makes logLines yield what the daemon has written by now (before a scenario's log window closes). */
  catchUpLog(): Promise<void>;
  /** Where things are, for `dpd-harness lab up` to print (control socket, config, log file…). */
  describe(): Record<string, string>;
}

export type DutAdapterFactory = (ctx: DutAdapterContext) => DutAdapter;
