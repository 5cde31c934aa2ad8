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

interface Rewrite {
  /** From scenarioFinished() until the run files hold the scenario (settled(), where the writer has it). */
  ms: number;
  /** The longest the event loop was held in that time: scenarioFinished() itself, or one stretch between two turns. */
  stallMs: number;
}

/** Resolves after `done` with the longest gap between two event-loop turns meanwhile. */
async function longestGap(done: Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await done;
  running = false;
  return Math.max(longest, performance.now() - last);
}

/** One run through `writer`, each scenario's rewrite waited for before the next finishes (scenarios a few seconds apart, as in a lab run). */
async function runOnce(writer: Writer, scenarios: readonly ScenarioResult[]): Promise<Rewrite[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  try {
    const w = new writer.ReportWriter({ outDir, toolVersion: 'bench', profile: { vendor: 'Libreswan', product: 'pluto', version: '4.10', target: 'libreswan' }, dataPlane: 'emulated', startedWallMs: Date.UTC(2026, 11, 7), secrets: ['dpd-harness-lab-libreswan'] });
    const rewrites: Rewrite[] = [];
    for (const s of scenarios) {
      const t0 = performance.now();
      w.scenarioFinished(s);
      const syncMs = performance.now() - t0;
      // An older writer (BENCH_BEFORE) wrote everything inside scenarioFinished() and has no settled().
      const settled = (w as { settled?: () => Promise<void> }).settled?.() ?? Promise.resolve();
      const gap = await longestGap(settled);
      rewrites.push({ ms: performance.now() - t0, stallMs: Math.max(syncMs, gap) });
    }
    return rewrites;
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
  const runs = new Map<string, Rewrite[][]>(writers.map(([name]) => [name, []]));
  for (let round = 0; round < 3; round++) {
    // Fresh scenario objects per run: no writer sees another's (a memo keyed on them would carry over).
    for (const [name, writer] of round % 2 ? [...writers].reverse() : writers) runs.get(name)!.push(await runOnce(writer, Array.from({ length: count }, (_, i) => scenario(i, lines))));
  }
  const out = [`Report rewrites: ${count} scenarios of ${lines} daemon-log lines each through ReportWriter.scenarioFinished() (all four run files rewritten each time), 3 alternating runs per writer, medians over runs:`];
  for (const [name, perRun] of runs) {
    const total = median(perRun.map((r) => r.reduce((a, b) => a + b.ms, 0)));
    const last = median(perRun.map((r) => r.at(-1)!.ms));
    const stall = median(perRun.map((r) => Math.max(...r.map((x) => x.stallMs))));
    const lastStall = median(perRun.map((r) => r.at(-1)!.stallMs));
    out.push(`  ${name}: ${total.toFixed(0)} ms in all, the last scenario's rewrite ${last.toFixed(1)} ms; event loop held at most ${stall.toFixed(1)} ms at a time (${lastStall.toFixed(1)} ms in the last rewrite)`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const line of await reportRewrites()) console.log(line);
