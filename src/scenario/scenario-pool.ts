/**
 * Runs scenarios concurrently, at most `jobs` at a time, each on its own
 * target from the factory. Every scenario's result is a promise available
 * before it starts, so mocha tests (which run serially) can simply await
 * theirs while the pool keeps `jobs` scenarios in flight.
 */
import type { HarnessError } from '../errors.js';
import type { Clock } from '../events.js';
import type { ScenarioResult } from '../report/result-model.js';
import { executeScenario, type Progress } from './execute-scenario.js';
import type { PlannedScenario } from './plan.js';
import type { TargetFactory } from '../target/target.js';

export interface PoolOptions {
  factory: TargetFactory;
  clock: Clock;
  jobs: number;
  signal: AbortSignal;
  onProgress?(p: Progress): void;
  onFinished(result: ScenarioResult): void;
  /**
   * Expected seconds of a scenario: with it, the longest start first (LPT), so a long
   * scenario does not start late on a copy that already ran others and set the wall time.
   */
  durationS?(s: PlannedScenario): number;
}

export function skippedResult(s: PlannedScenario, clock: Clock, reason: string, status: 'skipped' | 'interrupted' = 'skipped'): ScenarioResult {
  return { id: s.id, suite: s.suite, title: s.title, status, reason, startedAt: clock.now(), startedWallMs: clock.wall(), durationMs: 0, checks: [], events: [] };
}

export function runPool(scenarios: readonly PlannedScenario[], o: PoolOptions): Map<string, Promise<ScenarioResult>> {
  const settle = new Map<string, (r: ScenarioResult) => void>();
  const results = new Map<string, Promise<ScenarioResult>>();
  for (const s of scenarios) results.set(s.id, new Promise((resolve) => settle.set(s.id, resolve)));
  const finish = (r: ScenarioResult): void => {
    o.onFinished(r);
    settle.get(r.id)!(r);
  };

  const queue = scenarios.filter((s) => {
    if (s.skip === undefined) return true;
    finish(skippedResult(s, o.clock, s.skip));
    return false;
  });
  if (o.durationS && o.jobs > 1) {
    const expected = new Map(queue.map((s) => [s.id, o.durationS!(s)]));
    // Array.prototype.sort is stable: equal estimates keep suite order.
    queue.sort((a, b) => expected.get(b.id)! - expected.get(a.id)!);
  }
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      if (o.signal.aborted) {
        finish(skippedResult(s, o.clock, 'run interrupted before the scenario started', 'interrupted'));
        continue;
      }
      let result: ScenarioResult;
      try {
        const target = await o.factory.open(s.id);
        result = await executeScenario(s, target, {
          clock: o.clock, signal: o.signal, saStatus: o.factory.capabilities.saStatus,
          ...(o.factory.statusPollMs === undefined ? {} : { statusPollMs: o.factory.statusPollMs }),
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        });
      } catch (err) {
        // The target could not even be opened: a set-up error with the reason, the run goes on.
        const code = (err as Partial<HarnessError>).code;
        result = { ...skippedResult(s, o.clock, `${code ? `${code}: ` : ''}target: ${(err as Error).message}`), status: 'error' };
      }
      finish(result);
    }
  };
  const workers = Math.max(1, Math.min(o.jobs, queue.length));
  for (let i = 0; i < workers; i++) void worker();
  return results;
}
