/**
 * The IKEv2 suites below against the IKEv2 reference DUT through the reference target
 * (profiles/reference-ikev2*.yaml, real time on loopback): every scenario the profile plans passes, and each is made to fail by the
 * reference-DUT fault switch meant for it (mutation evidence, judged by the same checks). All
 * runs start at once in `before`, so the file takes about as long as its longest scenario.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import type { DeviceProfile } from '../../src/profile/device-profile.js';
import { IcmpInjector } from '../../src/peer/icmp-injector.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { failedChecks, runOnReference, withFaults } from './reference-run.js';

/** The ICMP scenarios need a raw socket: run as root (CI), skipped with that reason otherwise. */
const rawSocket = IcmpInjector.available();
const profileFile = (name: string): string => new URL(`../../profiles/${name}.yaml`, import.meta.url).pathname;
const SUITES = ['ikev2-responder', 'ikev2-lost-state', 'ikev2-failover', 'ikev2-unreachable'];
const reference = loadProfile(profileFile('reference-ikev2'));
const threePeers = loadProfile(profileFile('reference-ikev2-failover'));
/** The same DUT declared to give the peer up at INVALID_IKE_SPI, as a device with that deviation would be. */
const believesInvalidSpi: DeviceProfile = { ...reference, ikev2Dpd: { ...reference.ikev2Dpd!, invalidIkeSpi: 'peer-dead' } };
/** `action: restart` (IKE_SA_INIT to the same, only, set peer): the DUT sets up a new IKE SA with the rebooted peer. */
const restarting = (p: DeviceProfile): DeviceProfile => ({ ...p, dpd: { ...p.dpd, action: 'restart' }, ikev2Dpd: { ...p.ikev2Dpd!, action: 'restart' } });

function planned(profile: DeviceProfile): Map<string, PlannedScenario> {
  return new Map(SUITES.flatMap((name) => {
    const { src, raw } = readSuite(new URL(`../../suites/${name}.yaml`, import.meta.url).pathname);
    return compileSuite(src, raw, profile, { rawSocket }).scenarios;
  }).map((s) => [s.id, s]));
}

interface Run {
  id: string;
  profile: DeviceProfile;
  faults: Ikev2DpdFaults;
  want: 'passed' | 'failed';
  label: string;
}

/** Scenario → the fault switches that must each make it fail against `profile`. */
const CASES: Array<{ id: string; profile?: DeviceProfile; healthy?: Ikev2DpdFaults; caughtBy: Ikev2DpdFaults[] }> = [
  { id: 'ikev2-responder/answer-echoes-message-id', caughtBy: [{ noLivenessAnswer: true }, { answerWrongMessageId: true }] },
  { id: 'ikev2-responder/answer-within-bound', caughtBy: [{ noLivenessAnswer: true }] },
  { id: 'ikev2-responder/answers-as-initiator-and-responder', caughtBy: [{ noLivenessAnswer: true }, { answerWrongMessageId: true }] },
  { id: 'ikev2-lost-state/invalid-spi-is-no-answer', caughtBy: [{ invalidIkeSpiIsDeath: true }] },
  { id: 'ikev2-lost-state/dead-on-schedule', caughtBy: [{ invalidIkeSpiIsDeath: true }, { retransmissions: 2 }] },
  { id: 'ikev2-lost-state/restart-on-schedule', profile: restarting(reference), caughtBy: [{ invalidIkeSpiIsDeath: true }, { retransmissions: 2 }] },
  // The deviation declared: the DUT that believes the notify passes, the one that follows the RFC fails.
  { id: 'ikev2-lost-state/dead-at-notify', profile: believesInvalidSpi, healthy: { invalidIkeSpiIsDeath: true }, caughtBy: [{}] },
  { id: 'ikev2-lost-state/restart-at-notify', profile: restarting(believesInvalidSpi), healthy: { invalidIkeSpiIsDeath: true }, caughtBy: [{}] },
  { id: 'ikev2-failover/primary-to-secondary', profile: threePeers, caughtBy: [{ noFailover: true }, { failoverSkipsPeer: true }, { retransmissions: 2 }] },
  { id: 'ikev2-failover/order-respected', profile: threePeers, caughtBy: [{ failoverSkipsPeer: true }] },
  { id: 'ikev2-failover/secondary-to-third', profile: threePeers, caughtBy: [{ noFailover: true }] },
  // ICMP never reaches the in-process DUT's logic (its socket is not connected); what the suite can catch is a schedule that is not Cisco's.
  { id: 'ikev2-unreachable/port-unreachable', caughtBy: [{ retransmissions: 2 }, { retransmissions: 7 }] },
  { id: 'ikev2-unreachable/admin-prohibited', caughtBy: [{ retransmissions: 2 }] },
];

const needsRawSocket = (id: string): boolean => id.startsWith('ikev2-unreachable/');
const RUNS: Run[] = CASES.filter((c) => rawSocket || !needsRawSocket(c.id)).flatMap((c) => {
  const profile = c.profile ?? reference;
  const healthy = c.healthy ?? {};
  return [
    { id: c.id, profile, faults: healthy, want: 'passed' as const, label: `${c.id} passes${c.healthy ? ` with ${JSON.stringify(healthy)}` : ' against the healthy DUT'}` },
    ...c.caughtBy.map((faults) => ({ id: c.id, profile, faults, want: 'failed' as const, label: `${c.id} fails with ${JSON.stringify(faults)}` })),
  ];
});

describe('IKEv2 suites against the IKEv2 reference DUT (profiles/reference-ikev2.yaml)', function () {
  this.timeout(120_000);
  const results = new Map<Run, ScenarioResult>();

  before(async function () {
    await Promise.all(RUNS.map(async (r) => {
      const scenario = planned(r.profile).get(r.id)!;
      results.set(r, await runOnReference({ ...scenario, expectFail: undefined } as PlannedScenario, withFaults(r.profile, r.faults)));
    }));
  });

  it('with test/dut/mutation-v2.test.ts (the four first IKEv2 suites) covers every suites/ikev2-*.yaml', () => {
    const mutationV2 = ['ikev2-delayed-response', 'ikev2-message-id', 'ikev2-robustness', 'ikev2-silence'];
    const shipped = readdirSync(new URL('../../suites/', import.meta.url)).filter((f) => f.startsWith('ikev2-')).map((f) => f.replace(/\.yaml$/, ''));
    expect([...mutationV2, ...SUITES].sort()).to.deep.equal(shipped.sort());
    expect([...new Set(CASES.map((c) => c.id.split('/')[0]))].sort()).to.deep.equal([...SUITES].sort());
  });

  it('the shipped reference profile (clear, RFC behaviour) skips the restart, failover and declared-deviation scenarios, saying why', () => {
    const skipped = [...planned(reference).values()].filter((s) => s.skip !== undefined).map((s) => `${s.id}: ${s.skip}`).sort();
    const icmp = skipped.filter((s) => s.startsWith('ikev2-unreachable/'));
    expect(icmp).to.have.length(rawSocket ? 0 : 2);
    expect(icmp.every((s) => / needs a raw socket to answer with ICMP/.test(s))).to.equal(true);
    expect(skipped.filter((s) => !s.startsWith('ikev2-failover/') && !s.startsWith('ikev2-unreachable/'))).to.deep.equal([
      'ikev2-lost-state/dead-at-notify: requires ikev2_dpd.invalid_ike_spi peer-dead (profile: ignore)',
      'ikev2-lost-state/restart-at-notify: requires dpd.action restart (profile: clear)',
      'ikev2-lost-state/restart-on-schedule: requires dpd.action restart (profile: clear)',
    ]);
    // One peer, action clear: the failover suite needs a peer list (profiles/reference-ikev2-failover.yaml has three).
    expect(skipped.filter((s) => s.startsWith('ikev2-failover/'))).to.have.length(3);
    expect(skipped.filter((s) => s.startsWith('ikev2-failover/')).every((s) => s.endsWith('requires dpd.action failover (profile: clear)'))).to.equal(true);
    expect([...planned(reference).keys()].sort()).to.deep.equal(CASES.map((c) => c.id).sort());
    expect([...planned(threePeers).values()].filter((s) => s.suite === 'ikev2-failover' && s.skip !== undefined)).to.deep.equal([]);
  });

  for (const r of RUNS) {
    it(r.label, () => {
      const result = results.get(r)!;
      expect(result.status, failedChecks(result)).to.equal(r.want);
      if (r.want === 'failed') expect(result.checks.some((c) => !c.pass), 'a failed check, not a set-up error').to.equal(true);
    });
  }
});
