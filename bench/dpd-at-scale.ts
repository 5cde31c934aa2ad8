/**
 * `node --import tsx bench/dpd-at-scale.ts`: suites/dpd-at-scale.yaml with more SAs than the
 * shipped scenario's 100 — BENCH_SAS (default 1000), a tenth of them silent — against one DUT,
 * in its own `dpd-harness run` process. Default DUT: the reference DUT with 2 s keepalive and
 * 1 s retries (allow_short_timers); BENCH_PROFILE names another (a lab profile runs as root,
 * one SA per lab.peer_addresses entry: under `flock /tmp/dpd-lab.lock`). Prints every check
 * (expected, observed) and the process's wall time; results go in docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('./cli-main.ts', import.meta.url));
const SAS = Number(process.env.BENCH_SAS ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'dpdh-bench-scale-'));

const shipped = readFileSync(join(ROOT, 'suites/dpd-at-scale.yaml'), 'utf8');
const suite = join(dir, 'dpd-at-scale.yaml');
writeFileSync(suite, shipped.replace('id: sas-100', `id: sas-${SAS}`).replace('sas: 100', `sas: ${SAS}`).replace('silent: 10', `silent: ${Math.round(SAS / 10)}`));

const profile = process.env.BENCH_PROFILE ?? join(dir, 'reference-2s.yaml');
if (process.env.BENCH_PROFILE === undefined) {
  writeFileSync(profile, `identity: { vendor: Cisco, product: IOS XE, version: reference DUT (bench) }
target: { kind: reference, peer_addresses: [127.0.0.2] }
psk: { value: bench-dpd-at-scale }
dpd: { mode: periodic, interval: 2, retry_interval: 1, probes_before_dead: 5, dead_time_from: first-unanswered-probe, retry_seq: increment, delete_on_dead: true, action: clear, tolerance: { absolute: 0.3, relative: 0.05 } }
dut: { allow_short_timers: true, faults: {} }
`);
}

const cpu = cpus();
console.log(`dpd-at-scale bench, ${new Date().toISOString()}: ${SAS} SAs against ${process.env.BENCH_PROFILE ?? 'the reference DUT (2 s / 1 s)'}`);
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const out = join(dir, 'out');
const started = process.hrtime.bigint();
const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', suite, '--profile', profile, '--reporter', 'dot', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
const wallS = Number(process.hrtime.bigint() - started) / 1e9;

interface CheckJson { name: string; expected: number | string; observed: number | string | null; tolerance: number | null; unit: string | null; pass: boolean; detail: string | null }
const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { suites: { scenarios: { id: string; status: string; durationMs: number; checks: CheckJson[] }[] }[] };
for (const s of results.suites.flatMap((x) => x.scenarios)) {
  console.log(`${s.id}: ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s (process ${wallS.toFixed(1)} s, exit ${code})`);
  for (const c of s.checks) {
    console.log(`  ${c.pass ? 'ok  ' : 'FAIL'} ${c.name}: expected ${c.expected}${c.tolerance === null ? '' : ` ± ${c.tolerance}`}, observed ${c.observed} ${c.unit ?? ''}${c.detail ? ` (${c.detail})` : ''}`);
  }
}
console.log(`report: ${out}`);
