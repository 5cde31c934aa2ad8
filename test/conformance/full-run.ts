/**
 * One `dpd-harness run suites/ --profile …` in a child process and what the conformance
 * tests read back from it: exit code, per-scenario statuses, the output on failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults, scenariosOf, startCli, type ResultsJson, type ScenarioJson } from '../e2e/cli-run.js';

export interface FullRun {
  code: number | null;
  output: string;
  results: ResultsJson;
  byId: Map<string, ScenarioJson>;
  outDir: string;
  /** Removes the report folder (only after the checks passed, so a failure leaves the evidence). */
  discard(): void;
}

/**
 * Runs every shipped suite (or the suite files and folders `suites`) against `profile`; gives
 * up (killing the child) after `timeoutMs`.
 */
export async function runAllSuites(profile: string, extraArgs: readonly string[], timeoutMs: number, suites: string | readonly string[] = 'suites/'): Promise<FullRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'dpd-conformance-'));
  const cli = startCli(['run', ...(typeof suites === 'string' ? [suites] : suites), '--profile', profile, '--out', outDir, ...extraArgs]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run against ${profile} still going after ${timeoutMs} ms:\n${cli.output().slice(-4000)}`)), timeoutMs);
  });
  try {
    const { code } = await Promise.race([cli.exited, timedOut]);
    const results = readResults(outDir);
    return {
      code,
      output: cli.output(),
      results,
      byId: new Map(scenariosOf(results).map((s) => [s.id, s])),
      outDir,
      discard: () => rmSync(outDir, { recursive: true, force: true }),
    };
  } finally {
    clearTimeout(timer);
    await cli.stop();
  }
}

/** `id → status` of every scenario in the run, sorted by id, for one deep-equal against the measured table. */
export function statusTable(run: FullRun): Record<string, string> {
  return Object.fromEntries([...run.byId.values()].map((s) => [s.id, s.status] as const).sort(([a], [b]) => a.localeCompare(b)));
}

/** Each scenario's reason for being skipped or expected-fail, so an empty reason fails. */
export function unexplained(run: FullRun): string[] {
  return [...run.byId.values()].filter((s) => (s.status === 'skipped' || s.status === 'expected-fail') && !s.reason?.trim()).map((s) => s.id);
}
