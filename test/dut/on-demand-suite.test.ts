/**
 * The on-demand suite needs a DUT in on-demand mode: the reference DUT configured as
 * `crypto isakmp keepalive 10` (the IOS default) must pass all of it, with the real
 * Cisco timers, on loopback.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { systemClock } from '../../src/peer/system-clock.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import { runPlan } from '../../src/scenario/run-plan.js';
import { createTargetFactory } from '../../src/target/target-registry.js';

const at = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('dut/on-demand: suites/on-demand.yaml against the reference DUT in on-demand mode', function () {
  this.timeout(120_000);
  it('probes only with traffic to send: every scenario passes', async () => {
    const inputs = loadRunInputs([at('suites/on-demand.yaml')], at('profiles/cisco-iosxe-on-demand.yaml'));
    const outcome = await runPlan({
      suites: inputs.suites,
      profile: inputs.profile,
      factory: await createTargetFactory(inputs.profile, systemClock),
      clock: systemClock,
      jobs: 3,
      outDir: mkdtempSync(join(tmpdir(), 'dpdh-on-demand-')),
      reporter: Mocha.reporters.Base,
      toolVersion: 'test',
      signal: new AbortController().signal,
    });
    expect(outcome.results.map((r) => [r.id, r.status]).sort()).to.deep.equal([
      ['on-demand/idle-no-probes', 'passed'],
      ['on-demand/traffic-stops-probes-stop', 'passed'],
      ['on-demand/traffic-triggers-probes', 'passed'],
    ]);
    expect(outcome.exitCode).to.equal(0);
  });
});
