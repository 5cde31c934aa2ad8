/**
 * What a run produced, as the runner hands it to the reports. The runner
 * (src/scenario) builds a ScenarioResult per scenario and a RunReport per run;
 * every renderer in src/report reads only these types and the event stream
 * inside them. There is deliberately no place for a PSK or any other secret:
 * profile identity is vendor/product/version and how the DUT is reached.
 */
import { createHash } from 'node:crypto';
import type { HarnessEvent } from '../events.js';

/**
 * 'error': the scenario could not start or go on (the DUT refused the bring-up, a
 * control command failed) — a set-up problem, not a DPD verdict on the DUT.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'error' | 'expected-fail' | 'unexpected-pass' | 'skipped' | 'interrupted';

export const SCENARIO_STATUSES: readonly ScenarioStatus[] = ['passed', 'failed', 'error', 'expected-fail', 'unexpected-pass', 'skipped', 'interrupted'];

export type TargetKind = 'reference' | 'strongswan' | 'libreswan' | 'external';

export interface ProfileIdentity {
  vendor: string;
  product: string;
  version: string;
  target: TargetKind;
  /** The profile file the run used, for the report header. */
  file?: string;
}

/** One assertion, with numbers a network engineer can check against the spec. */
export interface Check {
  name: string;
  expected: number | string;
  /** null when nothing was observed (e.g. the expected message never arrived). */
  observed: number | string | null;
  /** Allowed deviation from `expected`, in `unit`. */
  tolerance?: number;
  /** e.g. 's', 'probes'. */
  unit?: string;
  pass: boolean;
  detail?: string;
}

export interface ExpectedWindow {
  label: string;
  /** Seconds relative to the scenario start. */
  from: number;
  to: number;
}

export interface DaemonLog {
  daemon: string;
  /** `t` is monotonic ns on the same clock as the events. */
  lines: { t: bigint; line: string }[];
}

export interface ScenarioResult {
  /** Unique within the run; safe as a file name stem after sanitising (see scenarioFileStem). */
  id: string;
  suite: string;
  title: string;
  status: ScenarioStatus;
  /** Why it failed, was skipped, is an expected-fail, or was interrupted. */
  reason?: string;
  /** Monotonic ns at scenario start: t0 for every relative time in the reports. */
  startedAt: bigint;
  /** Wall clock (ms since the Unix epoch) read at the same instant as startedAt, to place packets in the pcap. */
  startedWallMs: number;
  durationMs: number;
  checks: Check[];
  /** Everything the fake peer and runner recorded for this scenario (datagrams, sa-keys, sa-state, marks). */
  events: HarnessEvent[];
  daemonLogs?: DaemonLog[];
  expectedWindows?: ExpectedWindow[];
}

export interface SuiteResult {
  name: string;
  file: string;
  scenarios: ScenarioResult[];
}

/** 'kernel-libipsec': strongSwan's userspace ESP (docs/lab.md). */
export type DataPlane = 'real' | 'emulated' | 'kernel-libipsec' | 'n/a';

/**
 * What a later run is compared against (`dpd-harness diff`): whether the two
 * ran the same expectations, the same DUT software and the same suites.
 */
export interface RunHistory {
  /** `sha256:<hex>` of the loaded profile without its secret (src/profile/profile-hash.ts). */
  profileHash: string;
  /** The DUT software: as its daemon reported it when the target knows, else the profile's identity.version. */
  dutVersion: { value: string; source: 'daemon' | 'profile' };
  /** The git commit of the suites' checkout; null when they are not in one (or git is missing). */
  suitesRevision: string | null;
  /** Suite files differ from that commit; null when there is no revision. */
  suitesDirty: boolean | null;
}

export interface RunReport {
  toolVersion: string;
  /** Absent in reports built by hand (tests) and in results.json files older than the field. */
  history?: RunHistory;
  /** Wall clock ms since the Unix epoch. */
  startedWallMs: number;
  /** Absent while the run is still going (intermediate reports). */
  finishedWallMs?: number;
  profile: ProfileIdentity;
  dataPlane: DataPlane;
  /** Set when the run was one shard of a split plan (`run --shard i/n`). */
  shard?: { index: number; count: number };
  interrupted: boolean;
  suites: SuiteResult[];
}

/** Monotonic ns relative to the scenario start, in seconds. */
export function secondsSinceStart(result: Pick<ScenarioResult, 'startedAt'>, t: bigint): number {
  return Number(t - result.startedAt) / 1e9;
}

/** Wall-clock ns since the epoch for a monotonic event time of this scenario. */
export function wallNsOf(result: Pick<ScenarioResult, 'startedAt' | 'startedWallMs'>, t: bigint): bigint {
  return BigInt(Math.round(result.startedWallMs)) * 1_000_000n + (t - result.startedAt);
}

/**
 * A file name stem for the scenario's pcap and key table. Ids can contain
 * anything a suite author typed; when the id had to be changed to be a safe
 * name, a hash of the id keeps two different ids from sharing one file,
 * whatever order the scenarios finish in.
 */
export function scenarioFileStem(result: Pick<ScenarioResult, 'id'>): string {
  const safe = result.id.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  if (safe === result.id) return safe;
  const hash = createHash('sha256').update(result.id).digest('hex').slice(0, 8);
  return safe === '' ? `scenario-${hash}` : `${safe}-${hash}`;
}

export function countByStatus(report: RunReport): Record<ScenarioStatus, number> {
  const counts = Object.fromEntries(SCENARIO_STATUSES.map((s) => [s, 0])) as Record<ScenarioStatus, number>;
  for (const suite of report.suites) for (const s of suite.scenarios) counts[s.status] += 1;
  return counts;
}
