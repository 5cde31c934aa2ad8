/**
 * The run summary's speed line: how close the run came to its lower bound. With enough
 * jobs a run cannot finish before its longest scenario, so wall time ÷ longest scenario
 * says what more jobs could still buy (1.0 = nothing).
 */
import type { ScenarioResult } from '../report/result-model.js';

export interface RunSpeed {
  wallMs: number;
  jobs: number;
  longestMs: number;
  longestId?: string;
  /** wall ÷ longest scenario; undefined when no scenario ran. */
  ratio?: number;
}

export function runSpeed(results: readonly ScenarioResult[], wallMs: number, jobs: number): RunSpeed {
  const longest = results.reduce<ScenarioResult | undefined>((a, r) => (a === undefined || r.durationMs > a.durationMs ? r : a), undefined);
  if (!longest || longest.durationMs <= 0) return { wallMs, jobs, longestMs: 0 };
  return { wallMs, jobs, longestMs: longest.durationMs, longestId: longest.id, ratio: wallMs / longest.durationMs };
}

export function speedLine(s: RunSpeed): string {
  const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const base = `wall time ${secs(s.wallMs)} with ${s.jobs} job${s.jobs === 1 ? '' : 's'}`;
  if (s.ratio === undefined) return base;
  return `${base}; longest scenario ${s.longestId} ${secs(s.longestMs)}; wall ÷ longest = ${s.ratio.toFixed(2)}`;
}
