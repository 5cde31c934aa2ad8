/**
 * The IKEv2 suites of this file's list against the IKEv2 reference DUT (profiles/reference-ikev2.yaml,
 * real time on loopback): every scenario the profile plans passes, and each is made to fail by the
 * reference-DUT fault switch meant for it (mutation evidence, judged by the same checks).
 */
import { expect } from 'chai';
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { failedChecks, runOnReferenceV2, withFaults } from './ikev2-reference-run.js';

const profile = loadProfile(new URL('../../profiles/reference-ikev2.yaml', import.meta.url).pathname);
const suite = (name: string): PlannedScenario[] => {
  const { src, raw } = readSuite(new URL(`../../suites/${name}.yaml`, import.meta.url).pathname);
  return compileSuite(src, raw, profile).scenarios;
};
const scenarios = new Map(['ikev2-responder'].flatMap(suite).map((s) => [s.id, s]));

const run = (id: string, faults: Ikev2DpdFaults = {}) => runOnReferenceV2({ ...scenarios.get(id)!, expectFail: undefined } as PlannedScenario, withFaults(profile, faults));

/** Scenario → the fault switches that must each make it fail. */
const CAUGHT_BY: Record<string, Ikev2DpdFaults[]> = {
  'ikev2-responder/answer-echoes-message-id': [{ noLivenessAnswer: true }, { answerWrongMessageId: true }],
  'ikev2-responder/answer-within-bound': [{ noLivenessAnswer: true }],
  'ikev2-responder/answers-as-initiator-and-responder': [{ noLivenessAnswer: true }, { answerWrongMessageId: true }],
};

describe('IKEv2 suites against the IKEv2 reference DUT (profiles/reference-ikev2.yaml)', function () {
  this.timeout(60_000);

  it('plans every scenario of these suites (none skipped)', () => {
    expect([...scenarios.values()].filter((s) => s.skip !== undefined).map((s) => `${s.id}: ${s.skip}`)).to.deep.equal([]);
    expect([...scenarios.keys()].sort()).to.deep.equal(Object.keys(CAUGHT_BY).sort());
  });

  for (const id of Object.keys(CAUGHT_BY)) {
    it(`${id} passes against the healthy DUT`, async () => {
      const r = await run(id);
      expect(r.status, failedChecks(r)).to.equal('passed');
    });
    for (const faults of CAUGHT_BY[id]!) {
      it(`${id} fails with ${JSON.stringify(faults)}`, async () => {
        const r = await run(id, faults);
        expect(r.status, failedChecks(r)).to.equal('failed');
        expect(r.checks.some((c) => !c.pass), 'a failed check, not a set-up error').to.equal(true);
      });
    }
  }
});
