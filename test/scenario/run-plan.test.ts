import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Mocha from 'mocha';
import { loadProfile } from '../../src/profile/load-profile.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import { runPlan } from '../../src/scenario/run-plan.js';
import type { ScenarioTarget, TargetFactory } from '../../src/target/target.js';
import { FakeClock } from '../support/fake-clock.js';
import { SimulatedTarget, type SimulatedDut } from './simulated-target.js';

const profileFile = new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname;
const suiteFile = new URL('../../suites/silence.yaml', import.meta.url).pathname;
const CISCO: SimulatedDut = { interval: 10, retry: 2, probes: 5, deleteOnDead: true, peers: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };

function simulatedFactory(clock: FakeClock, dut: SimulatedDut): TargetFactory & { running: number; maxRunning: number; closed: boolean } {
  return {
    clock, capabilities: { saStatus: 'dut', initiate: true, traffic: true, esp: true, maxSas: 0 }, maxJobs: 4, dataPlane: 'n/a', running: 0, maxRunning: 0, closed: false,
    async open(): Promise<ScenarioTarget> {
      const target = new SimulatedTarget(clock, dut);
      this.running++
      this.maxRunning = Math.max(this.maxRunning, this.running);
      const teardown = target.teardown.bind(target);
      target.teardown = async () => {
        this.running--
        await teardown();
      };
      return target;
    },
    async close() {
      this.closed = true;
    },
  };
}

async function runSilence(dut: SimulatedDut, grep: RegExp, signalAfterMs?: number) {
  const clock = new FakeClock();
  const profile = loadProfile(profileFile);
  const { src, raw } = readSuite(suiteFile);
  const suites = [compileSuite(src, raw, profile)];
  const factory = simulatedFactory(clock, dut);
  const controller = new AbortController();
  // Virtual time runs 200× faster than real time while the run awaits.
  const ticker = setInterval(() => clock.advance(100), 0.5);
  if (signalAfterMs !== undefined) setTimeout(() => controller.abort(), signalAfterMs);
  const outDir = mkdtempSync(join(tmpdir(), 'dpdh-run-'));
  try {
    const startedAt = clock.now();
    const outcome = await runPlan({
      suites, profile, factory, clock, jobs: 4, grep, outDir, reporter: Mocha.reporters.Base, toolVersion: 'test', signal: controller.signal,
    });
    return { outcome, factory, outDir, virtualSeconds: Number(clock.now() - startedAt) / 1e9 };
  } finally {
    clearInterval(ticker);
  }
}

describe('scenario/run-plan (simulated DUT, fake clock)', function () {
  this.timeout(60_000);

  it('runs scenarios concurrently, exits 0 when all pass or skip, writes junit/results without the PSK', async () => {
    const { outcome, factory, outDir, virtualSeconds } = await runSilence(CISCO, /retries|dead-time|inbound|restart/);
    expect(outcome.exitCode).to.equal(0);
    expect(outcome.results.map((r) => [r.id, r.status]).sort()).to.deep.equal([
      ['silence/dead-time-and-delete', 'passed'],
      ['silence/restart-after-dead', 'skipped'],
      ['silence/retries-after-silence', 'passed'],
      ['silence/silence-inbound-only', 'passed'],
    ]);
    expect(factory.maxRunning).to.equal(3);
    expect(factory.closed).to.equal(true);
    // Each scenario lasts about 20 virtual seconds; run one after another they would take 60.
    expect(virtualSeconds).to.be.lessThan(30);
    const junit = readFileSync(join(outDir, 'junit.xml'), 'utf8');
    expect(junit).to.match(/tests="4"/);
    const results = readFileSync(join(outDir, 'results.json'), 'utf8');
    expect(results).to.contain('silence/dead-time-and-delete');
    expect(results + junit).not.to.contain('test-psk-do-not-print');
  });

  it('leaves no process listeners behind: an error after the run is not taken by its finished runner', async () => {
    const before = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    await runSilence(CISCO, /dead-time/);
    await runSilence(CISCO, /dead-time/);
    expect(['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e))).to.deep.equal(before);
  });

  it('exits 1 when a scenario fails, and the failure text carries expected/observed/tolerance', async () => {
    const { outcome, outDir } = await runSilence({ ...CISCO, retry: 3 }, /retries-after-silence/);
    expect(outcome.exitCode).to.equal(1);
    expect(outcome.results[0]!.status).to.equal('failed');
    expect(readFileSync(join(outDir, 'junit.xml'), 'utf8')).to.contain('R-U-THERE spacing 1→2: expected 2 ± 0.6 s, observed 3 s');
  });

  it('an abort leaves reports for every scenario, marked interrupted, and closes the target', async () => {
    const { outcome, factory, outDir } = await runSilence(CISCO, /silence/, 20);
    expect(outcome.results.some((r) => r.status === 'interrupted')).to.equal(true);
    expect(factory.closed).to.equal(true);
    expect(JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'))).to.have.property('interrupted', true);
  });
});
