import { expect } from 'chai';
import { loadProfile } from '../../src/profile/load-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import type { PlannedScenario, Step } from '../../src/scenario/plan.js';
import { FakeClock } from '../support/fake-clock.js';
import { SimulatedTarget, type SimulatedDut } from './simulated-target.js';

const profileFile = new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname;
const suiteFile = new URL('../../suites/silence.yaml', import.meta.url).pathname;

// Cisco IOS XE reference doc: keepalive 10 s, retry 2 s, one R_U_THERE + four retransmissions, then delete, next peer.
const CISCO: SimulatedDut = { interval: 10, retry: 2, probes: 5, deleteOnDead: true, failoverAfter: 1, peers: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };

function silenceScenarios(): PlannedScenario[] {
  const { src, raw } = readSuite(suiteFile);
  return compileSuite(src, raw, loadProfile(profileFile)).scenarios;
}

/** Runs a scenario on a FakeClock, advancing virtual time in 50 ms steps while the executor awaits. */
async function run(scenario: PlannedScenario, dut: SimulatedDut = CISCO, signal?: AbortSignal): Promise<{ result: ScenarioResult; target: SimulatedTarget }> {
  const clock = new FakeClock();
  const target = new SimulatedTarget(clock, dut);
  let done = false;
  const promise = executeScenario(scenario, target, { clock, pollMs: 100, ...(signal ? { signal } : {}) }).finally(() => { done = true; });
  for (let i = 0; !done && i < 100_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(50);
  }
  return { result: await promise, target };
}

const byId = (id: string): PlannedScenario => {
  const s = silenceScenarios().find((x) => x.id === `silence/${id}`);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};

describe('scenario/execute-scenario (simulated Cisco-like DUT, fake clock)', () => {
  it('every applicable silence scenario passes against a correct DUT; the others are skipped with a reason', async () => {
    const results = [];
    for (const s of silenceScenarios()) {
      if (s.skip) {
        results.push([s.id, 'skip', s.skip]);
        continue;
      }
      const { result, target } = await run(s);
      expect(result.status, `${s.id}: ${result.reason}`).to.equal('passed');
      expect(target.tornDown).to.equal(true);
      results.push([s.id, result.status]);
    }
    expect(results).to.deep.include(['silence/restart-after-dead', 'skip', 'requires dpd.action restart (profile: failover)']);
    expect(results.filter((r) => r[1] === 'passed')).to.have.length(5);
  });

  it('measures the retry spacing and fails a DUT that retries every 3 s, in numbers', async () => {
    const { result } = await run(byId('retries-after-silence'), { ...CISCO, retry: 3 });
    expect(result.status).to.equal('failed');
    const spacing = result.checks.find((c) => c.name === 'R-U-THERE spacing 1→2');
    expect(spacing).to.deep.include({ expected: 2, observed: 3, tolerance: 0.6, pass: false });
    expect(result.reason).to.contain('R-U-THERE spacing 1→2: expected 2 ± 0.6 s, observed 3 s');
  });

  it('fails a DUT that gives up after 4 probes, and one that sends no Delete', async () => {
    const few = await run(byId('dead-time-and-delete'), { ...CISCO, probes: 4 });
    expect(few.result.checks.find((c) => c.name.startsWith('R-U-THERE count'))).to.deep.include({ expected: 5, observed: 4, pass: false });
    expect(few.result.checks.find((c) => c.name.startsWith('SA gone'))).to.deep.include({ expected: 10, observed: 8, pass: false });
    const noDelete = await run(byId('dead-time-and-delete'), { ...CISCO, deleteOnDead: false });
    expect(noDelete.result.checks.find((c) => c.name.startsWith('delete'))).to.deep.include({ observed: null, pass: false });
  });

  it('times are relative to the scenario start and every event is kept for the reports', async () => {
    const { result } = await run(byId('periodic-interval'));
    expect(result.checks.find((c) => c.name.startsWith('first R-U-THERE'))).to.deep.include({ expected: 10, observed: 10, pass: true });
    expect(result.events.filter((e) => e.type === 'mark' && e.label.startsWith('step '))).to.have.length(3);
    expect(result.durationMs).to.be.closeTo(36_000, 200);
    // For the report's timeline: the probe window from bring-up, the status window after it.
    expect(result.expectedWindows?.map((w) => [w.label, Math.round(w.from), Math.round(w.to)])).to.deep.equal([
      ['3 R-U-THERE, 10 s apart', 0, 35],
      ['SA kept in DUT status', 35, 36],
    ]);
  });

  it('a declared deviation turns failed into expected-fail and passed into unexpected-pass', async () => {
    const failing = await run({ ...byId('retries-after-silence'), expectFail: 'retries every 3 s' }, { ...CISCO, retry: 3 });
    expect(failing.result.status).to.equal('expected-fail');
    expect(failing.result.reason).to.match(/^known deviation: retries every 3 s/);
    const passing = await run({ ...byId('retries-after-silence'), expectFail: 'retries every 3 s' });
    expect(passing.result.status).to.equal('unexpected-pass');
  });

  it('an abort interrupts the scenario and still tears the target down', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const { result, target } = await run(byId('periodic-interval'), CISCO, controller.signal);
    expect(result.status).to.equal('interrupted');
    expect(target.tornDown).to.equal(true);
  });
});

describe('scenario/execute-scenario: expectations counted from the first probe', () => {
  const silent = (...expectations: Step[]): PlannedScenario => ({
    id: 'first-probe/x', suite: 'first-probe', title: 'x', tolerance: { absolute: 0.6, relative: 0.05 }, peerAddresses: CISCO.peers, firstProbeWithinS: 21.5, ikeVersion: 1,
    steps: [{ kind: 'bring-up', initiator: 'peer', peerIndex: 0, timeoutS: 30 }, { kind: 'behave', change: { silence: 'both' }, label: 'silence' }, ...expectations]
      .map((step) => ({ step: step as Step, where: 'first-probe.yaml:1' })),
  });
  const retry = (n: number): Step => ({ kind: 'expect-message', message: 'r-u-there', direction: 'in', present: true, timing: { kind: 'window', from: n * 0.5, to: n * 0.5, origin: 'first-probe' } });

  it('wait for the first probe before their window opens, however short the window', async () => {
    // The first R-U-THERE comes 10 s after bring-up; the window closes 0.5 s + tolerance after it.
    const { result } = await run(silent(retry(1)), { ...CISCO, retry: 0.5 });
    expect(result.status, result.reason).to.equal('passed');
    expect(result.checks[0]).to.deep.include({ observed: 0.5, pass: true });
  });

  it('fail as "no probe from the DUT" when none comes within the profile bound, after that bound', async () => {
    const { result } = await run(silent(retry(1)), { ...CISCO, interval: 100 });
    expect(result.status).to.equal('failed');
    expect(result.checks[0]).to.deep.include({ observed: null, pass: false });
    expect(result.checks[0]!.detail).to.contain('no probe from the DUT in this phase, waited 21.5 s from the phase start');
    expect(result.durationMs).to.be.closeTo(21_500, 300);
  });

  it('each retransmission expectation takes its own R-U-THERE, even with a tolerance wider than the retry wait', async () => {
    // Retries 0.5 s apart, tolerance 0.6 s: windows overlap, the messages they match must not.
    const { result } = await run(silent(retry(1), retry(2), retry(3)), { ...CISCO, retry: 0.5 });
    expect(result.checks.map((c) => [c.observed, c.pass])).to.deep.equal([[0.5, true], [1, true], [1.5, true]]);
    const two = await run(silent(retry(1), retry(2), retry(3)), { ...CISCO, retry: 0.5, probes: 3 });
    expect(two.result.checks.map((c) => [c.observed, c.pass])).to.deep.equal([[0.5, true], [1, true], [null, false]]);
  });
});

describe('scenario/execute-scenario: abort during a bring-up', () => {
  it('does not wait for the bring-up to time out', async () => {
    const clock = new FakeClock();
    const target = new SimulatedTarget(clock, CISCO);
    target.bringUp = () => new Promise(() => undefined);
    const controller = new AbortController();
    const promise = executeScenario(byId('periodic-interval'), target, { clock, signal: controller.signal });
    controller.abort();
    const result = await promise;
    expect(result.status).to.equal('interrupted');
    expect(target.tornDown).to.equal(true);
  });
});
