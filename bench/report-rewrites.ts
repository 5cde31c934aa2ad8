/**
 * What rewriting the run's report files after each scenario costs the event loop: the
 * ReportWriter (junit.xml, results.json, report.html, README.md) fed a run of scenarios shaped
 * like a lab run against pluto at plutodebug=base (each with a few thousand daemon-log lines),
 * timing every scenarioFinished(). The writer runs on the harness's one thread, so each rewrite
 * is a stall for every other scenario running in parallel jobs (their timers, their answers).
 *
 * BENCH_BEFORE: a checkout of an older revision; its writer runs in alternation with this one.
 * BENCH_SCENARIOS (default 60), BENCH_LOG_LINES per scenario (default 2,500).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from '../src/report/result-model.js';
import { compiledModule } from './compiled-checkout.js';
import { median } from './loopback-pair.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Writer = typeof import('../src/report/report-writer.js');

export function scenario(i: number, lines: number): ScenarioResult {
  const startedAt = BigInt(i) * 20_000_000_000n;
  return {
    id: `suite-${i % 9}/scenario-${i}`,
    suite: `suite-${i % 9}`,
    title: `scenario ${i}: a DUT keeps its DPD timers`,
    status: i % 7 === 0 ? 'failed' : 'passed',
    startedAt,
    startedWallMs: Date.UTC(2026, 11, 7) + i * 20_000,
    durationMs: 15_000,
    checks: Array.from({ length: 6 }, (_, c) => ({ name: `check ${c}`, expected: 2, observed: 2.004, tolerance: 0.6, unit: 's', pass: true, detail: `over ${c + 3} probes` })),
    events: [],
    daemonLogs: [{
      daemon: 'libreswan (lab)',
      lines: Array.from({ length: lines }, (_, n) => ({
        t: startedAt + BigInt(n) * 5_000_000n,
        line: `Dec  7 23:35:${String(n % 60).padStart(2, '0')}.${n} pluto[4242]: | #${i} dpd: processing R_U_THERE_ACK seq ${n} for "peer-${i}" from 203.0.113.${2 + (n % 90)}:500`,
      })),
    }],
  };
}

/** One run through `writer`: the milliseconds each scenarioFinished() took. */
function runOnce(writer: Writer, scenarios: readonly ScenarioResult[]): number[] {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  try {
    const w = new writer.ReportWriter({ outDir, toolVersion: 'bench', profile: { vendor: 'Libreswan', product: 'pluto', version: '4.10', target: 'libreswan' }, dataPlane: 'emulated', startedWallMs: Date.UTC(2026, 11, 7), secrets: ['dpd-harness-lab-libreswan'] });
    return scenarios.map((s) => {
      const t0 = performance.now();
      w.scenarioFinished(s);
      return performance.now() - t0;
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function reportRewrites(): Promise<string[]> {
  const count = Number(process.env.BENCH_SCENARIOS ?? 60);
  const lines = Number(process.env.BENCH_LOG_LINES ?? 2500);
  const writers: [string, Writer][] = [['this checkout', (await import(compiledModule(ROOT, 'src/report/report-writer.ts'))) as Writer]];
  const before = process.env.BENCH_BEFORE;
  if (before) writers.push([`BENCH_BEFORE ${before}`, (await import(compiledModule(before, 'src/report/report-writer.ts'))) as Writer]);
  const runs = new Map<string, number[][]>(writers.map(([name]) => [name, []]));
  for (let round = 0; round < 3; round++) {
    // Fresh scenario objects per run: no writer sees another's (a memo keyed on them would carry over).
    for (const [name, writer] of round % 2 ? [...writers].reverse() : writers) runs.get(name)!.push(runOnce(writer, Array.from({ length: count }, (_, i) => scenario(i, lines))));
  }
  const out = [`Report rewrites: ${count} scenarios of ${lines} daemon-log lines each through ReportWriter.scenarioFinished() (all four run files rewritten each time), 3 alternating runs per writer, medians over runs:`];
  for (const [name, perRun] of runs) {
    const total = median(perRun.map((ms) => ms.reduce((a, b) => a + b, 0)));
    const last = median(perRun.map((ms) => ms.at(-1)!));
    const worst = median(perRun.map((ms) => Math.max(...ms)));
    out.push(`  ${name}: ${total.toFixed(0)} ms in all, the last scenario's rewrite ${last.toFixed(1)} ms, the longest ${worst.toFixed(1)} ms`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const line of await reportRewrites()) console.log(line);
