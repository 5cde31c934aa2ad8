/**
 * Mutation evidence (issue 6): each fault switch of the reference DUT makes the suite
 * scenario meant to catch it fail, and the correct reference DUT passes the same
 * scenarios. Real suites from suites/, the real runner step executor, the real IKE
 * engine on both sides over loopback UDP. Timers are scaled down (allow_short_timers:
 * keepalive 2 s, retry 0.5 s) and every scenario runs concurrently, so the whole file
 * takes about as long as its slowest scenario.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DpdFaults } from '../../src/dut/keepalive-config.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { loadShippedScenario, runOnReference } from '../scenario/reference-run.js';
import { shortTimerProfile } from './short-timer-profile.js';

interface Case {
  /** `<suite>/<scenario id>`. */
  scenario: string;
  faults: DpdFaults;
  mode?: 'periodic' | 'on-demand';
}

/** Fault → the scenario meant to catch it. */
const MUTANTS: Case[] = [
  { scenario: 'silence/retries-after-silence', faults: { retrySeconds: 1 } },
  { scenario: 'silence/dead-time-and-delete', faults: { probesBeforeDead: 3 } },
  { scenario: 'silence/dead-time-and-delete', faults: { probesBeforeDead: 8 } },
  { scenario: 'silence/dead-time-and-delete', faults: { noTeardown: true } },
  { scenario: 'silence/dead-time-and-delete', faults: { noDelete: true } },
  { scenario: 'responder/ack-echoes-sequence', faults: { ackSeqNotEchoed: true } },
  { scenario: 'sequence-mismatch/ack-plus-one', faults: { acceptWrongSeqAck: true } },
  { scenario: 'negotiation/without-vendor-id-no-probes', faults: { probeWithoutDpdVendorId: true } },
  { scenario: 'multi-peer-failover/primary-to-secondary', faults: { noFailover: true } },
  { scenario: 'multi-peer-failover/order-respected', faults: { failoverToWrongPeer: true } },
  { scenario: 'robustness/quick-mode-message-id', faults: { quickModeIdTearsDown: true } },
  { scenario: 'robustness/message-id-max', faults: { maxMessageIdTearsDown: true } },
];

/** The same scenarios against the correct DUT (and on-demand, which needs its own profile). */
const CONTROLS: Case[] = [
  ...new Set(MUTANTS.map((m) => m.scenario)),
].map((scenario) => ({ scenario, faults: {} }) as Case).concat([
  { scenario: 'on-demand/idle-no-probes', faults: {}, mode: 'on-demand' },
  { scenario: 'on-demand/traffic-triggers-probes', faults: {}, mode: 'on-demand' },
]);

const label = (c: Case): string => `${c.scenario} ${c.mode ?? 'periodic'} ${JSON.stringify(c.faults)}`;

describe('dut/mutation: fault switches against the suites (loopback, real engine)', function () {
  this.timeout(120_000);
  const results = new Map<string, ScenarioResult>();
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rdx-mutation-'));
    const run = async (c: Case, i: number): Promise<void> => {
      const file = join(dir, `profile-${i}.yaml`);
      writeFileSync(file, shortTimerProfile('mutation-test', { mode: c.mode, interval: 2, retryInterval: 0.5, failoverWithin: 1, toleranceAbsolute: 0.3, faults: c.faults }));
      const { scenario, profile } = loadShippedScenario(c.scenario, file);
      results.set(label(c), await runOnReference(scenario, profile));
    };
    await Promise.all([...MUTANTS, ...CONTROLS].map(run));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const failedChecks = (r: ScenarioResult): string => r.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.detail ?? ''}`).join('; ');

  for (const c of CONTROLS) {
    it(`correct DUT passes ${c.scenario}${c.mode ? ` (${c.mode})` : ''}`, () => {
      const r = results.get(label(c))!;
      expect(r.status, `${r.reason ?? ''} ${failedChecks(r)}`).to.equal('passed');
    });
  }

  for (const m of MUTANTS) {
    it(`fault ${JSON.stringify(m.faults)} fails ${m.scenario}`, () => {
      const r = results.get(label(m))!;
      expect(r.status).to.equal('failed');
      // Failed on a check (a timing, count, sequence or Delete expectation), not on a broken bring-up.
      expect(r.checks.filter((c) => !c.pass), r.reason).to.not.be.empty;
    });
  }
});
