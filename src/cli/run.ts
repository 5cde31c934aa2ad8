/**
 * `dpd-harness run [suites…] [--profile <file>] [--grep <pattern>] [--jobs N]
 * [--shard i/n] [--out <dir>] [--reporter <name>]`. Defaults: suites/ against
 * profiles/cisco-iosxe.yaml (the embedded reference DUT). Validation errors
 * stop the run with exit code 2 before anything touches the network.
 */
import { readFileSync } from 'node:fs';
import { EXIT, UsageError } from '../errors.js';
import { systemClock } from '../peer/system-clock.js';
import Mocha from 'mocha';
import { ConfigErrors, formatConfigError } from '../profile/yaml-source.js';
import { defaultReportDir } from '../report/report-writer.js';
import { IcmpInjector } from '../peer/icmp-injector.js';
import { loadRunInputs } from '../scenario/load-inputs.js';
import { plainProgress, ttyProgress } from '../scenario/progress-output.js';
import { speedLine } from '../scenario/run-speed.js';
import { runPlan } from '../scenario/run-plan.js';
import { parseShard, type ShardSpec } from '../scenario/shard-plan.js';
import { createTargetFactory } from '../target/target-registry.js';
import { suitesRevision } from './git-revision.js';
import { DEFAULT_PROFILE, RUN } from './commands.js';
import { parseCommandArgs } from './option-table.js';

export { DEFAULT_PROFILE };
export const DEFAULT_SUITES = ['suites'];
const EXIT_INTERRUPTED = 130;

export interface RunArgs {
  suites: string[];
  profile: string;
  grep?: RegExp;
  jobs?: number;
  shard?: ShardSpec;
  out?: string;
  reporter: string;
}

export function parseRunArgs(args: readonly string[]): RunArgs {
  const parsed = parseCommandArgs(RUN, args);
  const out: RunArgs = { suites: parsed.positionals.length > 0 ? parsed.positionals : [...DEFAULT_SUITES], profile: parsed.string('profile')!, reporter: parsed.string('reporter')! };
  const outDir = parsed.string('out');
  if (outDir !== undefined) out.out = outDir;
  const shard = parsed.string('shard');
  if (shard !== undefined) out.shard = parseShard(shard);
  const builtin = Object.keys(Mocha.reporters).filter((r) => /^[a-z-]+$/.test(r) && r !== 'base');
  if (!builtin.includes(out.reporter)) throw new UsageError(`run: --reporter: unknown mocha reporter '${out.reporter}' (one of ${builtin.join(', ')})`);
  const grep = parsed.string('grep');
  if (grep !== undefined) {
    try {
      out.grep = new RegExp(grep);
    } catch (err) {
      throw new UsageError(`run: --grep: ${(err as Error).message}`);
    }
  }
  const jobs = parsed.string('jobs');
  if (jobs !== undefined) {
    const n = Number(jobs);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`run: --jobs needs a whole number ≥ 1, got ${jobs}`);
    out.jobs = n;
  }
  return out;
}

function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function runCommand(args: string[]): Promise<number> {
  const opts = parseRunArgs(args);
  let inputs;
  try {
    inputs = loadRunInputs(opts.suites, opts.profile, { rawSocket: IcmpInjector.available() });
  } catch (err) {
    if (!(err instanceof ConfigErrors)) throw err;
    process.stderr.write(`${formatConfigError(err)}\n`);
    return EXIT.USAGE;
  }
  const clock = systemClock;
  const factory = await createTargetFactory(inputs.profile, clock, opts.jobs === undefined ? {} : { jobs: opts.jobs });
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\ninterrupted: stopping scenarios, writing reports, tearing down\n');
    controller.abort();
  };
  // `on`, not `once`: while a lab is up its exit guard re-raises a signal unless someone else still listens.
  // SIGTERM (a cancelled CI job) and SIGHUP (a closed terminal) stop a run the way Ctrl-C does.
  const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of STOP_SIGNALS) process.on(sig, onSigint);
  // A lab runs one copy per job; an external DUT serves one scenario at a time.
  const jobs = Math.min(opts.jobs ?? factory.maxJobs, factory.maxJobs);
  if (opts.jobs !== undefined && opts.jobs > jobs) {
    process.stderr.write(`--jobs ${opts.jobs}: this target runs at most ${jobs} scenario(s) at once; using ${jobs}\n`);
  }
  const progress = process.stderr.isTTY ? ttyProgress(process.stderr, clock) : plainProgress((l) => process.stderr.write(l));
  // The status line sits on the terminal under mocha's output: clear it before mocha writes.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: never, ...rest: never[]) => {
    progress.clear();
    return stdoutWrite(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    const outcome = await runPlan({
      suites: inputs.suites,
      profile: inputs.profile,
      factory,
      clock,
      jobs,
      ...(opts.grep ? { grep: opts.grep } : {}),
      ...(opts.shard ? { shard: opts.shard } : {}),
      outDir: opts.out ?? defaultReportDir(clock.wall()),
      reporter: opts.reporter,
      toolVersion: toolVersion(),
      suitesRevision: suitesRevision(opts.suites),
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    process.stdout.write(`${speedLine(outcome.speed)}\nreports: ${outcome.outDir}\n`);
    return controller.signal.aborted ? EXIT_INTERRUPTED : outcome.exitCode === 0 ? EXIT.OK : EXIT.FAILED;
  } finally {
    progress.stop();
    process.stdout.write = stdoutWrite;
    for (const sig of STOP_SIGNALS) process.off(sig, onSigint);
  }
}
