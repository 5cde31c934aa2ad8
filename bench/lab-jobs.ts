/**
 * `npm run bench:lab` (root): what `run --jobs N` buys on a lab DUT. The whole shipped
 * suite (suites/) against profiles/strongswan.yaml, with --jobs 1 and --jobs N
 * interleaved (1, N, 1, N…) so a change in the machine's load hits both alike. Each run
 * is `dpd-harness run` in its own process; recorded per run: its own speed line (wall
 * time of the scenarios, the longest scenario, wall ÷ longest, which the issue's goal of
 * 1.5 is about) and the process's whole wall time, which adds bringing N lab copies up
 * and down. Results go in docs/performance.md.
 *
 * Knobs: BENCH_JOBS (N, default 12), BENCH_ROUNDS (pairs of runs, default 1),
 * BENCH_PROFILE (default profiles/strongswan.yaml), BENCH_BEFORE (a checkout of an older
 * revision, with node_modules: then each pair is --jobs N there, then --jobs N here, the
 * before/after of a change to how jobs are used). Run it under the lab lock:
 *   sudo flock /tmp/dpd-lab.lock npm run bench:lab
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const JOBS = Number(process.env.BENCH_JOBS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const PROFILE = process.env.BENCH_PROFILE ?? 'profiles/strongswan.yaml';
const BEFORE = process.env.BENCH_BEFORE;

interface Measured {
  /** 'before' (BENCH_BEFORE's checkout) or 'this'. */
  side: 'before' | 'this';
  jobs: number;
  exitCode: number | null;
  processWallS: number;
  /** From the run's speed line. */
  wallS: number;
  longestId: string;
  longestS: number;
  ratio: number;
  scenarios: Record<string, number>;
}

const SPEED = /wall time ([\d.]+) s with (\d+) jobs?; longest scenario (\S+) ([\d.]+) s; wall ÷ longest = ([\d.]+)/;

async function runOnce(jobs: number, side: Measured['side']): Promise<Measured> {
  const root = side === 'before' ? BEFORE! : ROOT;
  const out = mkdtempSync(join(tmpdir(), `dpd-bench-jobs${jobs}-`));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/cli-main.ts'), 'run', 'suites', '--profile', PROFILE, '--jobs', String(jobs), '--reporter', 'dot', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const processWallS = Number(process.hrtime.bigint() - started) / 1e9;
  const m = SPEED.exec(text);
  if (!m) throw new Error(`--jobs ${jobs}: no speed line in the run's output (exit ${exitCode}):\n${text.slice(-4000)}`);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { summary: Record<string, number> };
  rmSync(out, { recursive: true, force: true });
  return { side, jobs: Number(m[2]), exitCode, processWallS, wallS: Number(m[1]), longestId: m[3]!, longestS: Number(m[4]), ratio: Number(m[5]), scenarios: results.summary };
}

const cpu = cpus();
console.log(`dpd-harness bench:lab, ${new Date().toISOString()}, ${PROFILE}, suites/, ${BEFORE ? `--jobs ${JOBS} in ${BEFORE} vs here` : `--jobs 1 vs ${JOBS}`}, ${ROUNDS} round(s)`);
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const all: Measured[] = [];
const pair: Array<[number, Measured['side']]> = BEFORE ? [[JOBS, 'before'], [JOBS, 'this']] : [[1, 'this'], [JOBS, 'this']];
const label = (jobs: number, side: Measured['side']): string => `${side === 'before' ? 'before ' : BEFORE ? 'after ' : ''}--jobs ${jobs}`;
for (let round = 0; round < ROUNDS; round++) {
  for (const [jobs, side] of pair) {
    const m = await runOnce(jobs, side);
    all.push(m);
    console.log(`${label(jobs, side)} (ran with ${m.jobs}): scenarios ${m.wallS.toFixed(1)} s, longest ${m.longestId} ${m.longestS.toFixed(1)} s, wall ÷ longest ${m.ratio.toFixed(2)}; process ${m.processWallS.toFixed(1)} s; exit ${m.exitCode}; ${JSON.stringify(m.scenarios)}; load ${loadavg()[0]!.toFixed(2)}`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
for (const [jobs, side] of pair) {
  // A run may use fewer jobs than asked (the target's maxJobs): group by what was asked.
  const runs = all.filter((m, i) => m.side === side && pair[i % pair.length]![0] === jobs);
  if (runs.length === 0) continue;
  console.log(`median ${label(jobs, side)}: scenarios ${median(runs.map((r) => r.wallS)).toFixed(1)} s, wall ÷ longest ${median(runs.map((r) => r.ratio)).toFixed(2)}, process ${median(runs.map((r) => r.processWallS)).toFixed(1)} s`);
}
