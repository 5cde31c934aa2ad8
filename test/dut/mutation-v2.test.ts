/**
 * Mutation evidence for the IKEv2 reference DUT (issue 11): each IKEv2 suite is made to fail
 * by at least one of its fault switches, and the correct DUT passes the same scenarios. The
 * shipped profile (profiles/reference-ikev2.yaml: crypto ikev2 dpd 3 2 periodic, dead 10 s
 * after the first request) with one switch set, the real suites, the runner's step executor,
 * the IKEv2 fake peer and DUT over loopback; every case runs at once.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { loadShippedScenario, runOnReference } from '../scenario/reference-run.js';

const PROFILE = readFileSync('profiles/reference-ikev2.yaml', 'utf8');

interface Case {
  /** `<suite>/<scenario id>`. */
  scenario: string;
  faults: Ikev2DpdFaults;
}

/** Fault → the scenario meant to catch it; the other IKEv2 suites' mutants are in test/scenario/ikev2-suites-reference.test.ts. */
const MUTANTS: Case[] = [
  { scenario: 'ikev2-silence/liveness-while-answering', faults: { intervalSeconds: 5 } },
  // Answers arrive and are dropped unread: the request is resent at the first retransmission moment.
  { scenario: 'ikev2-silence/liveness-while-answering', faults: { ignoreLivenessResponses: true } },
  { scenario: 'ikev2-silence/retransmissions-and-death', faults: { retransmissions: 2 } },
  { scenario: 'ikev2-silence/retransmissions-and-death', faults: { retransmissions: 6 } },
  { scenario: 'ikev2-silence/retransmissions-and-death', faults: { noDeleteOnDeath: true } },
  { scenario: 'ikev2-delayed-response/short-delay-keeps-sa', faults: { intervalSeconds: 5 } },
  // A live peer declared dead: the late answers kept the SA only while the DUT read them.
  { scenario: 'ikev2-delayed-response/delay-past-one-retransmission', faults: { ignoreLivenessResponses: true } },
  { scenario: 'ikev2-delayed-response/delay-past-one-retransmission', faults: { retransmissions: 0 } },
  { scenario: 'ikev2-message-id/duplicate-request-answered', faults: { answerWrongMessageId: true } },
  { scenario: 'ikev2-message-id/response-next-message-id', faults: { noDeleteOnDeath: true } },
  { scenario: 'ikev2-robustness/bad-icv', faults: { noLivenessAnswer: true } },
];

const CONTROLS: Case[] = [...new Set(MUTANTS.map((m) => m.scenario))].map((scenario) => ({ scenario, faults: {} }));

const label = (c: Case): string => `${c.scenario} ${JSON.stringify(c.faults)}`;

describe('dut/mutation-v2: IKEv2 fault switches against the IKEv2 suites (loopback, real engines)', function () {
  this.timeout(120_000);
  const results = new Map<string, ScenarioResult>();
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rdx-mutation-v2-'));
    const run = async (c: Case, i: number): Promise<void> => {
      const file = join(dir, `profile-${i}.yaml`);
      writeFileSync(file, PROFILE.replace('faults: {}', `faults: ${JSON.stringify(c.faults)}`));
      const { scenario, profile } = loadShippedScenario(c.scenario, file);
      results.set(label(c), await runOnReference(scenario, profile));
    };
    await Promise.all([...MUTANTS, ...CONTROLS].map(run));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const failedChecks = (r: ScenarioResult): string => r.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.detail ?? ''}`).join('; ');

  it('covers every IKEv2 suite', () => {
    const shipped = ['ikev2-delayed-response', 'ikev2-message-id', 'ikev2-robustness', 'ikev2-silence'];
    expect([...new Set(MUTANTS.map((m) => m.scenario.split('/')[0]))].sort()).to.deep.equal(shipped);
  });

  for (const c of CONTROLS) {
    it(`correct DUT passes ${c.scenario}`, () => {
      const r = results.get(label(c))!;
      expect(r.status, `${r.reason ?? ''} ${failedChecks(r)}`).to.equal('passed');
    });
  }

  for (const m of MUTANTS) {
    it(`fault ${JSON.stringify(m.faults)} fails ${m.scenario}`, () => {
      const r = results.get(label(m))!;
      expect(r.status, r.reason).to.equal('failed');
      // Failed on a check (timing, count, answer, SA status), not on a broken bring-up.
      expect(r.checks.filter((c) => !c.pass), r.reason).to.not.be.empty;
    });
  }
});
