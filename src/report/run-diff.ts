/**
 * What changed between two runs of the same suites (`dpd-harness diff`): per
 * scenario the verdict change, per check how far each observed number moved.
 * Pure: takes two parsed results.json documents, gives the plan every
 * renderer (text, Markdown, JUnit, HTML) reads.
 *
 * A regression is what should stop an upgrade: a scenario that was good
 * (passed, or failed as the profile declares) and no longer is; a new
 * scenario that is not good; a check that newly fails; an observed number
 * that moved further than the threshold away from its expectation, or disappeared.
 */
import type { ScenarioStatus } from './result-model.js';
import { type CheckJson, type ResultsDoc, type ScenarioJson, scenariosOf } from './results-reader.js';

/** 'unchanged': same status (and reason, for skipped). */
export type VerdictChange = 'unchanged' | 'regressed' | 'fixed' | 'changed' | 'reason-changed' | 'new' | 'gone';

export interface CheckDrift {
  name: string;
  unit: string | null;
  baseline: number | string | null;
  candidate: number | string | null;
  /** candidate − baseline when both are numbers. */
  drift: number | null;
  /** How far it may move: --threshold for seconds, else the check's recorded tolerance (0 without one). */
  threshold: number;
  basePass: boolean;
  candidatePass: boolean;
  /** Why this check is a regression, when it is one. */
  regression: string | null;
}

export interface ScenarioDiff {
  id: string;
  suite: string;
  title: string;
  change: VerdictChange;
  baseline: ScenarioJson | null;
  candidate: ScenarioJson | null;
  checks: CheckDrift[];
  /** Every reason this scenario regressed; empty: it did not. */
  regressions: string[];
}

export interface HistoryDifference {
  field: 'harness version' | 'profile hash' | 'DUT version' | 'suites revision' | 'target';
  baseline: string;
  candidate: string;
}

export interface RunDiff {
  baseline: ResultsDoc;
  candidate: ResultsDoc;
  /** What differs between the runs themselves (the upgrade under test shows up here as the DUT version). */
  history: HistoryDifference[];
  scenarios: ScenarioDiff[];
  regressionCount: number;
}

export interface DiffOptions {
  /** Seconds a timing may move before it is a regression; default: each check's tolerance. */
  threshold?: number;
}

const GOOD: ReadonlySet<ScenarioStatus> = new Set(['passed', 'expected-fail']);
const BAD: ReadonlySet<ScenarioStatus> = new Set(['failed', 'error', 'unexpected-pass', 'interrupted']);

function verdictChange(base: ScenarioJson, cand: ScenarioJson): VerdictChange {
  if (base.status === cand.status) return base.status === 'skipped' && base.reason !== cand.reason ? 'reason-changed' : 'unchanged';
  if (GOOD.has(base.status) && BAD.has(cand.status)) return 'regressed';
  if (BAD.has(base.status) && GOOD.has(cand.status)) return 'fixed';
  return 'changed';
}

const key = (c: CheckJson, nth: number): string => `${c.name}\u0000${nth}`;

/** Checks paired by name (the n-th of a name with the n-th: a scenario may check one thing twice). */
function pairChecks(base: readonly CheckJson[], cand: readonly CheckJson[]): [CheckJson | undefined, CheckJson | undefined][] {
  const keyed = (list: readonly CheckJson[]): Map<string, CheckJson> => {
    const seen = new Map<string, number>();
    return new Map(list.map((c) => {
      const nth = seen.get(c.name) ?? 0;
      seen.set(c.name, nth + 1);
      return [key(c, nth), c];
    }));
  };
  const b = keyed(base);
  const c = keyed(cand);
  const keys = [...new Set([...b.keys(), ...c.keys()])];
  return keys.map((k) => [b.get(k), c.get(k)]);
}

/**
 * How far the observation moved. Against the same expectation that is the
 * observed number's own change; where the expectation itself differs between
 * the runs (a value drawn per run, like a sequence number, or a changed
 * profile) it is the change of the deviation from the expectation.
 */
function driftOf(base: CheckJson, cand: CheckJson): number | null {
  if (typeof base.observed !== 'number' || typeof cand.observed !== 'number') return null;
  if (base.expected === cand.expected) return cand.observed - base.observed;
  if (typeof base.expected !== 'number' || typeof cand.expected !== 'number') return null;
  return cand.observed - cand.expected - (base.observed - base.expected);
}

/** The candidate is nearer its expectation than the baseline was to its own. */
function closer(base: CheckJson, cand: CheckJson): boolean {
  const deviation = (c: CheckJson): number | null => (typeof c.expected === 'number' && typeof c.observed === 'number' ? Math.abs(c.observed - c.expected) : null);
  const b = deviation(base);
  const c = deviation(cand);
  return b !== null && c !== null && c < b;
}

function checkDrift(base: CheckJson | undefined, cand: CheckJson | undefined, o: DiffOptions): CheckDrift | null {
  if (!base || !cand) return null;
  const threshold = cand.unit === 's' && o.threshold !== undefined ? o.threshold : (cand.tolerance ?? base.tolerance ?? 0);
  const drift = driftOf(base, cand);
  let regression: string | null = null;
  if (base.pass && !cand.pass) regression = 'check now fails';
  else if (typeof base.observed === 'number' && cand.observed === null) regression = 'nothing observed any more';
  // A hair over the threshold is float noise from the rounding of both files, not drift; moving towards the expectation is no regression.
  else if (drift !== null && Math.abs(drift) > threshold + 1e-9 && !closer(base, cand)) regression = `moved ${drift > 0 ? '+' : ''}${round3(drift)}${cand.unit ? ` ${cand.unit}` : ''}, more than ${round3(threshold)}`;
  return { name: cand.name, unit: cand.unit, baseline: base.observed, candidate: cand.observed, drift, threshold, basePass: base.pass, candidatePass: cand.pass, regression };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function scenarioDiff(id: string, base: ScenarioJson | undefined, cand: ScenarioJson | undefined, o: DiffOptions): ScenarioDiff {
  const any = (cand ?? base)!;
  const head = { id, suite: any.suite, title: any.title, baseline: base ?? null, candidate: cand ?? null };
  if (!base) return { ...head, change: 'new', checks: [], regressions: BAD.has(cand!.status) ? [`new scenario, ${cand!.status}`] : [] };
  if (!cand) return { ...head, change: 'gone', checks: [], regressions: [] };
  const change = verdictChange(base, cand);
  const checks = pairChecks(base.checks, cand.checks).flatMap(([b, c]) => checkDrift(b, c, o) ?? []);
  const regressions: string[] = [];
  if (change === 'regressed') regressions.push(`${base.status} → ${cand.status}`);
  // A scenario skipped or errored on either side measured nothing comparable.
  if (GOOD.has(cand.status) || cand.status === 'failed') {
    for (const c of checks) if (c.regression) regressions.push(`${c.name}: ${c.regression}`);
  }
  return { ...head, change, checks, regressions };
}

function historyDifferences(b: ResultsDoc, c: ResultsDoc): HistoryDifference[] {
  const unknown = 'unknown';
  const rows: [HistoryDifference['field'], string, string][] = [
    ['harness version', b.tool.version, c.tool.version],
    ['target', b.profile.target, c.profile.target],
    ['DUT version', b.history?.dutVersion.value ?? b.profile.version, c.history?.dutVersion.value ?? c.profile.version],
    ['profile hash', b.history?.profileHash ?? unknown, c.history?.profileHash ?? unknown],
    ['suites revision', b.history?.suitesRevision ?? unknown, c.history?.suitesRevision ?? unknown],
  ];
  return rows.filter(([, x, y]) => x !== y).map(([field, baseline, candidate]) => ({ field, baseline, candidate }));
}

export function diffRuns(baseline: ResultsDoc, candidate: ResultsDoc, options: DiffOptions = {}): RunDiff {
  const base = new Map(scenariosOf(baseline).map((s) => [s.id, s]));
  const cand = new Map(scenariosOf(candidate).map((s) => [s.id, s]));
  // Candidate order, then what only the baseline had: the reader sees the new run as it ran.
  const ids = [...cand.keys(), ...[...base.keys()].filter((id) => !cand.has(id))];
  const scenarios = ids.map((id) => scenarioDiff(id, base.get(id), cand.get(id), options));
  return { baseline, candidate, history: historyDifferences(baseline, candidate), scenarios, regressionCount: scenarios.filter((s) => s.regressions.length > 0).length };
}

/** The scenarios a reader should look at: a verdict or a number that changed. */
export function changedScenarios(diff: RunDiff): ScenarioDiff[] {
  return diff.scenarios.filter((s) => s.change !== 'unchanged' || s.regressions.length > 0);
}
