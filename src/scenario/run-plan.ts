/**
 * A run: planned suites → concurrent scenarios (scenario-pool) → mocha tests
 * that await their scenario's result and assert with chai → reports written
 * as each scenario finishes. SIGINT (the caller's AbortSignal) stops the
 * scenarios, the reports are closed as interrupted and the target torn down.
 */
import { assert } from 'chai';
import Mocha from 'mocha';
import type { Clock } from '../events.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { profileHash } from '../profile/profile-hash.js';
import { checkLine } from '../report/check-text.js';
import type { ScenarioResult } from '../report/result-model.js';
import { ReportWriter } from '../report/report-writer.js';
import type { Progress } from './execute-scenario.js';
import type { PlannedScenario, PlannedSuite } from './plan.js';
import { runPool } from './scenario-pool.js';
import { runSpeed, type RunSpeed } from './run-speed.js';
import { expectedDurationS } from './expected-duration.js';
import { selectShard, type ShardSpec } from './shard-plan.js';
import type { TargetFactory } from '../target/target.js';

export interface RunPlanOptions {
  suites: PlannedSuite[];
  profile: DeviceProfile;
  factory: TargetFactory;
  clock: Clock;
  jobs: number;
  /** Keeps scenarios whose id or title matches. */
  grep?: RegExp;
  /** Runs only this shard of the (grep-filtered) plan. */
  shard?: ShardSpec;
  outDir: string;
  /** A mocha reporter name (spec, dot, tap, json…) or class. */
  reporter: string | Mocha.ReporterConstructor;
  toolVersion: string;
  /** Git state of the suites (the caller knows where they came from); absent: history carries null. */
  suitesRevision?: { revision: string; dirty: boolean } | null;
  signal: AbortSignal;
  onProgress?(p: Progress): void;
}

export interface RunOutcome {
  /** 0 all passed / expected-fail / skipped, 1 any failed, unexpected-pass or interrupted. */
  exitCode: 0 | 1;
  results: ScenarioResult[];
  outDir: string;
  speed: RunSpeed;
}

const OK_STATUSES = new Set(['passed', 'expected-fail', 'skipped']);

export async function runPlan(o: RunPlanOptions): Promise<RunOutcome> {
  const matching = o.suites.map((s) => ({ ...s, scenarios: s.scenarios.filter((x) => !o.grep || o.grep.test(x.id) || o.grep.test(x.title)) }));
  const durationS = (s: PlannedScenario): number => expectedDurationS(s, { firstProbeS: o.profile.dpd.interval });
  const inShard = o.shard ? new Set(selectShard(matching.flatMap((s) => s.scenarios), o.shard, durationS).map((s) => s.id)) : undefined;
  const suites = matching
    .map((s) => ({ ...s, scenarios: inShard ? s.scenarios.filter((x) => inShard.has(x.id)) : s.scenarios }))
    .filter((s) => s.scenarios.length > 0);
  const hash = profileHash(o.profile);
  const writer = new ReportWriter({
    outDir: o.outDir,
    toolVersion: o.toolVersion,
    history: () => {
      const daemon = o.factory.dutVersion?.();
      return {
        profileHash: hash,
        dutVersion: daemon === undefined ? { value: o.profile.identity.version, source: 'profile' } : { value: daemon, source: 'daemon' },
        suitesRevision: o.suitesRevision?.revision ?? null,
        suitesDirty: o.suitesRevision?.dirty ?? null,
      };
    },
    profile: { ...o.profile.identity, target: o.profile.target.kind, file: o.profile.file },
    dataPlane: o.factory.dataPlane,
    ...(o.shard ? { shard: o.shard } : {}),
    startedWallMs: o.clock.wall(),
    suites: suites.map((s) => ({ name: s.name, file: s.file })),
    secrets: [o.profile.psk.reveal()],
  });
  const results: ScenarioResult[] = [];
  const startedAt = o.clock.now();
  const pending = runPool(suites.flatMap((s) => s.scenarios), {
    factory: o.factory,
    clock: o.clock,
    jobs: o.jobs,
    durationS,
    signal: o.signal,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    onFinished: (r) => {
      results.push(r);
      writer.scenarioFinished(r);
    },
  });

  const mocha = new Mocha({ reporter: o.reporter, timeout: 0 });
  for (const suite of suites) {
    const mochaSuite = Mocha.Suite.create(mocha.suite, `${suite.name} (${suite.file})`);
    for (const s of suite.scenarios) {
      mochaSuite.addTest(new Mocha.Test(`${s.id.slice(suite.name.length + 1)}: ${s.title}`, async function (this: Mocha.Context) {
        const r = await pending.get(s.id)!;
        assertScenario(this, r);
      }));
    }
  }
  try {
    await new Promise<number>((resolve) => mocha.run(resolve));
  } finally {
    await Promise.all(pending.values());
    writer.finish({ interrupted: o.signal.aborted, finishedWallMs: o.clock.wall() });
    await o.factory.close();
    // Its runner keeps process-wide uncaughtException / unhandledRejection listeners until disposed:
    // left there, a later run's errors would reach this finished one.
    mocha.dispose();
  }
  const wallMs = Number(o.clock.now() - startedAt) / 1e6;
  return { exitCode: results.every((r) => OK_STATUSES.has(r.status)) ? 0 : 1, results, outDir: writer.outDir, speed: runSpeed(results, wallMs, o.jobs) };
}

function assertScenario(ctx: Mocha.Context, r: ScenarioResult): void {
  switch (r.status) {
    case 'passed':
      return;
    case 'expected-fail':
      ctx.test!.title += ` (expected fail: ${r.reason?.split('\n')[0]?.replace(/^known deviation: /, '')})`;
      return;
    case 'skipped':
      ctx.test!.title += ` (skipped: ${r.reason})`;
      ctx.skip();
      return;
    case 'unexpected-pass':
      assert.fail(`unexpected pass: ${r.reason}`);
      return;
    case 'interrupted':
      assert.fail('interrupted');
      return;
    case 'error':
      assert.fail(`set-up error (the scenario could not start): ${r.reason}`);
      return;
    case 'failed': {
      const failed = r.checks.filter((c) => !c.pass).map(checkLine);
      assert.fail(failed.length > 0 ? failed.join('\n') : (r.reason ?? 'failed'));
    }
  }
}
