/**
 * A scenario that cannot start is a set-up error, apart from a DUT that fails
 * DPD: the DUT's refusal at bring-up, a failing control command, or no SA at
 * the first bring-up gives status 'error'; JUnit says <error> with the code,
 * report.html "set-up error", and a declared deviation does not hide it.
 */
import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { renderJunitXml } from '../../src/report/junit-xml.js';
import { renderReportHtml } from '../../src/report/report-html.js';
import type { RunReport, ScenarioResult } from '../../src/report/result-model.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { FakeClock } from '../support/fake-clock.js';
import { SimulatedTarget, type SimulatedDut } from './simulated-target.js';

const profileFile = new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname;
const suiteFile = new URL('../../suites/silence.yaml', import.meta.url).pathname;
const CISCO: SimulatedDut = { interval: 10, retry: 2, probes: 5, deleteOnDead: true, failoverAfter: 1, peers: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };

function scenario(): PlannedScenario {
  const { src, raw } = readSuite(suiteFile);
  return compileSuite(src, raw, loadProfile(profileFile)).scenarios.find((s) => !s.skip)!;
}

async function runWith(bringUp: () => Promise<string>, planned: PlannedScenario = scenario()): Promise<ScenarioResult> {
  const clock = new FakeClock();
  const target = new SimulatedTarget(clock, CISCO);
  target.bringUp = bringUp;
  let done = false;
  const promise = executeScenario(planned, target, { clock, pollMs: 100 }).finally(() => { done = true; });
  for (let i = 0; !done && i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(50);
  }
  return promise;
}

const refused = (): Promise<string> =>
  Promise.reject(new HarnessError('ERR_DUT_REFUSED', 'the DUT refused phase 2 with INVALID-ID-INFORMATION (18); offered …; check ike.traffic_selectors'));

describe('scenario: set-up errors are not DPD failures', () => {
  it('the DUT refusing the bring-up is status error, with the code and the notify in the reason', async () => {
    const r = await runWith(refused);
    expect(r.status).to.equal('error');
    expect(r.reason).to.match(/^ERR_DUT_REFUSED: .*INVALID-ID-INFORMATION/);
    expect(r.checks).to.deep.equal([]);
  });

  it('a control command failing is status error', async () => {
    const r = await runWith(() => Promise.reject(new HarnessError('ERR_CONTROL_COMMAND', "status command exited 255: ssh: connect to host rtr port 22: No route to host")));
    expect(r.status).to.equal('error');
  });

  it('no SA at the first bring-up is a set-up error; a declared deviation does not turn it into expected-fail', async () => {
    const r = await runWith(() => Promise.reject(new HarnessError('ERR_PEER_TIMEOUT', 'waiting for phase 2 established: no answer')), { ...scenario(), expectFail: 'known deviation' });
    expect(r.status).to.equal('error');
  });

  it('any other exception stays a failure', async () => {
    const r = await runWith(() => Promise.reject(new HarnessError('ERR_SCENARIO_ABORTED', 'no SA: bring_up first')));
    expect(r.status).to.equal('failed');
  });

  it('JUnit writes <error type=CODE>, report.html labels it a set-up error', async () => {
    const r = await runWith(refused);
    const report: RunReport = {
      toolVersion: '0.1.0', startedWallMs: 0, finishedWallMs: 1, dataPlane: 'n/a', interrupted: false,
      profile: { vendor: 'Cisco', product: 'ISR', version: '17', target: 'external' },
      suites: [{ name: 'silence', file: 'suites/silence.yaml', scenarios: [r] }],
    };
    const xml = renderJunitXml(report);
    expect(xml).to.match(/<testsuite [^>]*failures="0" errors="1"/);
    expect(xml).to.match(/<error type="ERR_DUT_REFUSED" message="ERR_DUT_REFUSED: the DUT refused phase 2 with INVALID-ID-INFORMATION/);
    expect(xml).not.to.contain('<failure');
    expect(renderReportHtml(report)).to.contain('set-up error');
  });
});
