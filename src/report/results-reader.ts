/**
 * Reads a results.json back (docs/results-format.md) for the commands that
 * work on finished runs (`diff`, `merge`). Checks the shape those commands rely
 * on and the schema version; anything else in the file is carried along as it is.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { Ikev2KeyMaterial } from '../events.js';
import { type Ikev1Key, parseIkev1KeyTable } from './ikev1-key-table.js';
import { parseIkev2KeyTable } from './ikev2-key-table.js';
import type { TimelineMessage } from './message-timeline.js';
import { KEY_FILE_SUFFIX } from './scenario-artifacts.js';
import { type ScenarioStatus, SCENARIO_STATUSES, type RunHistory, type TargetKind, type DataPlane } from './result-model.js';
import { RESULTS_SCHEMA_VERSION } from './results-json.js';
import type { ScenarioNote } from './scenario-annotations.js';

export class ResultsReadError extends HarnessError {}

/** A scenario's keys from its key table: IKEv1's (cookie, key) pairs or IKEv2's per-SA rows. */
export interface ScenarioKeys {
  ikev1: readonly Ikev1Key[];
  ikev2: readonly Ikev2KeyMaterial[];
}

export interface CheckJson {
  name: string;
  expected: number | string;
  observed: number | string | null;
  tolerance: number | null;
  unit: string | null;
  pass: boolean;
  detail: string | null;
}

export interface ScenarioJson {
  id: string;
  suite: string;
  title: string;
  status: ScenarioStatus;
  reason: string | null;
  startedAt: string;
  durationMs: number;
  checks: CheckJson[];
  expectedWindows: { label: string; from: number; to: number }[];
  timeline: TimelineMessage[];
  notes: ScenarioNote[];
  daemonLogs: { daemon: string; lines: { t: number; line: string }[] }[];
  files: ScenarioFiles | null;
}

/** The scenario's files in the report folder: the pcap and one key table, IKEv1's or IKEv2's (the other is null). */
export interface ScenarioFiles {
  pcap: string;
  ikev1Keys: string | null;
  ikev2Keys: string | null;
  keyCount: number;
  espKeys: string | null;
}

export interface SuiteJson {
  name: string;
  file: string;
  scenarios: ScenarioJson[];
}

export interface ResultsDoc {
  schemaVersion: number;
  tool: { name: string; version: string };
  /** Null in files written before history existed. */
  history: RunHistory | null;
  startedAt: string;
  finishedAt: string | null;
  interrupted: boolean;
  profile: { vendor: string; product: string; version: string; target: TargetKind; file: string | null };
  dataPlane: DataPlane;
  /** Null for an unsharded run and in files older than the field. */
  shard: { index: number; count: number } | null;
  summary: Record<string, number>;
  suites: SuiteJson[];
}

export interface LoadedResults {
  doc: ResultsDoc;
  /** The results.json path. */
  file: string;
  /** The report folder holding it (where its pcaps are). */
  dir: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first way `doc` is not a results.json this version can read, or undefined. */
function shapeProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'not a JSON object';
  if (typeof doc.schemaVersion !== 'number') return 'no schemaVersion';
  if (!isObject(doc.tool) || typeof doc.tool.version !== 'string') return 'no tool.version';
  if (!isObject(doc.profile)) return 'no profile';
  if (!Array.isArray(doc.suites)) return 'no suites array';
  for (const [i, suite] of doc.suites.entries()) {
    if (!isObject(suite) || typeof suite.name !== 'string' || !Array.isArray(suite.scenarios)) return `suites[${i}] is not a suite`;
    for (const [j, s] of (suite.scenarios as unknown[]).entries()) {
      const at = `suites[${i}].scenarios[${j}]`;
      if (!isObject(s) || typeof s.id !== 'string') return `${at} has no id`;
      if (!SCENARIO_STATUSES.includes(s.status as ScenarioStatus)) return `${at} (${s.id}) has an unknown status ${JSON.stringify(s.status)}`;
      if (!Array.isArray(s.checks) || !s.checks.every((c) => isObject(c) && typeof c.name === 'string' && typeof c.pass === 'boolean')) return `${at} (${s.id}) has malformed checks`;
      if (!Array.isArray(s.timeline)) return `${at} (${s.id}) has no timeline`;
    }
  }
  return undefined;
}

/** A parsed document, checked: ERR_RESULTS_FORMAT when it is not a results.json, ERR_RESULTS_VERSION when its schema is not this one. */
export function checkResults(doc: unknown, where: string): ResultsDoc {
  const problem = shapeProblem(doc);
  if (problem !== undefined) throw new ResultsReadError('ERR_RESULTS_FORMAT', `${where}: not a dpd-harness results.json (${problem})`);
  const version = (doc as ResultsDoc).schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsReadError('ERR_RESULTS_VERSION', `${where}: results.json schemaVersion ${version}; this dpd-harness reads version ${RESULTS_SCHEMA_VERSION}`);
  }
  const checked = doc as ResultsDoc;
  // Files from before the history field: compared as "unknown".
  return {
    ...checked,
    history: checked.history ?? null,
    shard: checked.shard ?? null,
    suites: checked.suites.map((suite) => ({ ...suite, scenarios: suite.scenarios.map((s) => ({ ...s, files: s.files && scenarioFiles(s.files) })) })),
  };
}

/** Files from before `ikev2Keys` named an IKEv2 scenario's `.ikev2-keys` table in `ikev1Keys`. */
function scenarioFiles(f: Partial<ScenarioFiles> & { pcap: string; keyCount: number }): ScenarioFiles {
  const legacyV2 = f.ikev2Keys === undefined && typeof f.ikev1Keys === 'string' && f.ikev1Keys.endsWith(KEY_FILE_SUFFIX.ikev2);
  return {
    pcap: f.pcap,
    ikev1Keys: legacyV2 ? null : (f.ikev1Keys ?? null),
    ikev2Keys: legacyV2 ? f.ikev1Keys! : (f.ikev2Keys ?? null),
    keyCount: f.keyCount,
    espKeys: f.espKeys ?? null,
  };
}

/** The key tables beside a results.json for one scenario, read back; none when the file is missing. */
export function readScenarioKeys(dir: string, s: Pick<ScenarioJson, 'files'>): ScenarioKeys {
  const read = (name: string | null | undefined): string | undefined => {
    const file = name ? join(dir, name) : undefined;
    return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const v1 = read(s.files?.ikev1Keys);
  const v2 = read(s.files?.ikev2Keys);
  return { ikev1: v1 === undefined ? [] : parseIkev1KeyTable(v1), ikev2: v2 === undefined ? [] : parseIkev2KeyTable(v2) };
}

/** A report folder or a results.json file. */
export function loadResults(path: string): LoadedResults {
  let file = path;
  let dir: string;
  try {
    if (statSync(path).isDirectory()) {
      dir = path;
      file = join(path, 'results.json');
    } else {
      dir = join(path, '..');
    }
  } catch {
    throw new ResultsReadError('ERR_RESULTS_FORMAT', `${path}: no such report folder or results.json`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ResultsReadError('ERR_RESULTS_FORMAT', `${file}: cannot read (is ${path} a report folder?)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ResultsReadError('ERR_RESULTS_FORMAT', `${file}: not JSON (${(err as Error).message})`);
  }
  return { doc: checkResults(parsed, file), file, dir };
}

/** Every scenario of the run, in report order. */
export function scenariosOf(doc: ResultsDoc): ScenarioJson[] {
  return doc.suites.flatMap((s) => s.scenarios);
}
