/**
 * suites/dpd-at-scale.yaml against the reference DUT on loopback with short timers: 100 SAs
 * from ports of one address, each with its own keepalive. A correct DUT passes every check;
 * one that gives up after 3 probes (faults.probesBeforeDead) fails on retries and dead time,
 * with the numbers, while its interval checks still pass.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { systemClock } from '../../src/peer/system-clock.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import { runPlan } from '../../src/scenario/run-plan.js';
import { createTargetFactory } from '../../src/target/target-registry.js';
import type { DpdFaults } from '../../src/dut/keepalive-config.js';
import { shortTimerProfile } from './short-timer-profile.js';

const suite = fileURLToPath(new URL('../../suites/dpd-at-scale.yaml', import.meta.url));

async function runScale(test: string, faults: DpdFaults) {
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-scale-'));
  const profile = join(dir, 'profile.yaml');
  writeFileSync(profile, shortTimerProfile(test, { interval: 2, retryInterval: 1, failoverWithin: 1, toleranceAbsolute: 0.3, faults }));
  const inputs = loadRunInputs([suite], profile);
  const outcome = await runPlan({
    suites: inputs.suites, profile: inputs.profile, factory: await createTargetFactory(inputs.profile, systemClock), clock: systemClock,
    jobs: 1, outDir: join(dir, 'out'), reporter: Mocha.reporters.Base, toolVersion: 'test', signal: new AbortController().signal,
  });
  return outcome.results[0]!;
}

describe('dut/dpd-at-scale: 100 SAs against one reference DUT', function () {
  this.timeout(120_000);

  it('keeps interval, retries and dead time on every SA: all checks pass, one timeline line per SA', async () => {
    const result = await runScale('scale-ok', {});
    expect(result.status, result.reason).to.equal('passed');
    expect(result.checks.find((c) => c.name === 'SAs up at once')).to.include({ observed: 100 });
    expect(result.checks.find((c) => c.name === 'dead time p50')?.expected).to.equal(5);
    expect(result.events.filter((e) => e.type === 'mark' && e.label.startsWith('scale ')).length).to.equal(100);
  });

  it('a DUT that declares dead after 3 probes fails retries and dead time, not the interval', async () => {
    const result = await runScale('scale-3-probes', { probesBeforeDead: 3 });
    expect(result.status).to.equal('failed');
    const failed = result.checks.filter((c) => !c.pass).map((c) => c.name);
    expect(failed).to.include.members(['R-U-THEREs before dead per silent SA (p50)', 'dead time mean', 'dead time p99']);
    expect(failed.filter((n) => n.startsWith('probe interval'))).to.deep.equal([]);
    expect(result.checks.find((c) => c.name === 'R-U-THEREs before dead per silent SA (p50)')).to.include({ expected: 5, observed: 3 });
  });
});
