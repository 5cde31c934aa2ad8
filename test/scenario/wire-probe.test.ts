/**
 * A target that cannot read the DUT's status, against a DUT that drops a dead
 * peer without Delete: the SA-gone expectation is settled by one R-U-THERE at
 * the end of the window, and the verdict says so.
 */
import { expect } from 'chai';
import { loadProfile } from '../../src/profile/load-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { FakeClock } from '../support/fake-clock.js';
import { SimulatedTarget, type SimulatedDut } from './simulated-target.js';

const profileFile = new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname;
const suiteFile = new URL('../../suites/silence.yaml', import.meta.url).pathname;
// Deletes nothing on death (strongSwan, FortiOS): only a probe can tell it is gone.
const SILENT_DROPPER: SimulatedDut = { interval: 10, retry: 2, probes: 5, deleteOnDead: false, statusFromWire: true, peers: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };

function byId(id: string): PlannedScenario {
  const { src, raw } = readSuite(suiteFile);
  return compileSuite(src, raw, loadProfile(profileFile)).scenarios.find((x) => x.id === `silence/${id}`)!;
}

async function run(scenario: PlannedScenario, dut: SimulatedDut, saStatus: 'dut' | 'wire'): Promise<ScenarioResult> {
  const clock = new FakeClock();
  const target = new SimulatedTarget(clock, dut);
  let done = false;
  const promise = executeScenario(scenario, target, { clock, pollMs: 100, saStatus }).finally(() => { done = true; });
  for (let i = 0; !done && i < 100_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(50);
  }
  return promise;
}

describe('scenario: SA gone judged by a wire probe (no status command, no Delete)', () => {
  it('a DUT that dropped the SA silently: gone by the window end, by wire probe', async () => {
    const r = await run(byId('silence-inbound-only'), SILENT_DROPPER, 'wire');
    expect(r.status, r.reason).to.equal('passed');
    const check = r.checks.find((c) => c.name.includes('by wire probe'))!;
    expect(check.observed).to.match(/^gone by t = [\d.]+ s \(wire probe: no answer within 3 s\)$/);
    // The probe went out at the end of the window: time_to_dead 10 s + tolerance after the first probe.
    const t = Number(/t = ([\d.]+)/.exec(String(check.observed))![1]);
    expect(t).to.be.within(10, 12);
    expect(check.detail).to.contain('time of death itself is not observable');
  });

  it('a DUT that never declares the peer dead: still alive at the window end, the check fails', async () => {
    const r = await run(byId('silence-inbound-only'), { ...SILENT_DROPPER, probes: 1000 }, 'wire');
    expect(r.status).to.equal('failed');
    expect(r.checks.find((c) => c.name.includes('by wire probe'))!.observed).to.match(/^still alive at t = [\d.]+ s \(the DUT answered the R-U-THERE\)$/);
  });

  it('without the wire probe the same silent DUT could never be seen to drop the SA', async () => {
    const r = await run(byId('silence-inbound-only'), SILENT_DROPPER, 'dut');
    expect(r.status).to.equal('failed');
  });

  it('an SA expected to stay: the probe must be answered', async () => {
    const r = await run(byId('periodic-interval'), SILENT_DROPPER, 'wire');
    expect(r.status, r.reason).to.equal('passed');
    expect(r.checks.find((c) => c.name.includes('by wire probe'))!.observed).to.match(/^alive at t = /);
  });
});

describe('scenario: a late event is reported with its time, not as nothing observed', () => {
  it('a DUT that dies 6 s late: the SA-gone check fails and says when the SA went', async () => {
    // 8 probes instead of 5: dead 6 s after the expected 10 s.
    const r = await run(byId('silence-inbound-only'), { ...SILENT_DROPPER, statusFromWire: false, probes: 8 }, 'dut');
    expect(r.status).to.equal('failed');
    const check = r.checks.find((c) => c.name.startsWith('SA gone from the DUT status'))!;
    expect(check.observed).to.be.within(15.5, 16.5);
    expect(check.detail).to.match(/^outside the window: it came at 1[56]\.?\d* s \(watched up to 2\d(\.\d+)? s\)/);
  });

  it('a DUT that never dies: "never within" the bound', async () => {
    const r = await run(byId('silence-inbound-only'), { ...SILENT_DROPPER, statusFromWire: false, probes: 1000 }, 'dut');
    const check = r.checks.find((c) => c.name.startsWith('SA gone from the DUT status'))!;
    expect(check.observed).to.equal(null);
    expect(check.detail).to.match(/^never within 2\d(\.\d+)? s/);
  });
});
