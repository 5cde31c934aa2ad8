/**
 * The suites in suites/ compile against every kind of profile, pass against a
 * correct simulated Cisco-like DUT, and fail against the faults they are meant
 * to catch (a suite that cannot fail is a defect).
 */
import { expect } from 'chai';
import { loadProfile } from '../../src/profile/load-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { compileSuite, readSuite } from '../../src/scenario/compile-suite.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import { expandSuitePaths } from '../../src/scenario/load-inputs.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { FakeClock } from '../support/fake-clock.js';
import { SimulatedTarget, type SimulatedDut } from './simulated-target.js';

const fixture = (name: string): string => new URL(`../profile/fixtures/${name}`, import.meta.url).pathname;
const suiteDir = new URL('../../suites/', import.meta.url).pathname;
const CISCO: SimulatedDut = { interval: 10, retry: 2, probes: 5, deleteOnDead: true, failoverAfter: 1, peers: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };

/** Profiles for external devices read their PSK from the environment; any value does for compiling. */
const anyPsk = new Proxy({}, { get: () => 'psk-for-compiling' }) as Record<string, string>;

function planned(profileFile: string): PlannedScenario[] {
  const profile = loadProfile(profileFile, { env: anyPsk });
  return expandSuitePaths([suiteDir]).flatMap((file) => {
    const { src, raw } = readSuite(file);
    return compileSuite(src, raw, profile).scenarios;
  });
}

async function run(scenario: PlannedScenario, dut: SimulatedDut): Promise<ScenarioResult> {
  const clock = new FakeClock();
  let done = false;
  const promise = executeScenario(scenario, new SimulatedTarget(clock, dut), { clock, pollMs: 100 }).finally(() => { done = true; });
  while (!done) {
    await new Promise((r) => setImmediate(r));
    clock.advance(50);
  }
  return promise;
}

describe('shipped suites (suites/*.yaml)', function () {
  this.timeout(60_000);

  it('compile against the Cisco-like and the strongSwan lab profile', () => {
    const cisco = planned(fixture('cisco-like.yaml'));
    const strongswan = planned(fixture('strongswan-lab.yaml'));
    const suites = new Set(cisco.map((s) => s.suite));
    const ikev2 = ['ikev2-delayed-response', 'ikev2-failover', 'ikev2-lost-state', 'ikev2-message-id', 'ikev2-responder', 'ikev2-robustness', 'ikev2-silence', 'ikev2-unreachable'];
    expect([...suites].sort()).to.deep.equal(['delayed-ack', 'dpd-at-scale', ...ikev2, 'multi-peer-failover', 'nat-t', 'negotiation', 'on-demand', 'responder', 'robustness', 'sequence-mismatch', 'silence', 'traffic', 'unreachable']);
    // An IKEv1 profile plans the IKEv2 suites as skipped, saying why.
    expect([...new Set([...cisco, ...strongswan].filter((s) => ikev2.includes(s.suite)).map((s) => s.skip))]).to.deep.equal(['requires ike.version 2 (profile: 1)']);
    // Planned without a raw socket (the default), the ICMP suite is skipped for that reason, not run as plain silence.
    expect(cisco.filter((s) => s.suite === 'unreachable').map((s) => s.skip)).to.deep.equal(['needs a raw socket to answer with ICMP (icmp-port-unreachable): run as root or give node CAP_NET_RAW', 'needs a raw socket to answer with ICMP (icmp-admin-prohibited): run as root or give node CAP_NET_RAW']);
    expect(strongswan.filter((s) => s.suite === 'multi-peer-failover').every((s) => s.skip !== undefined)).to.equal(true);
    expect(cisco.filter((s) => s.suite === 'on-demand').every((s) => s.skip === 'requires dpd.mode on-demand (profile: periodic)')).to.equal(true);
  });

  it('an IKEv2 lab profile plans the IKEv2 suites and skips every IKEv1 one with the reason', () => {
    const scenarios = planned(new URL('../../profiles/strongswan-ikev2.yaml', import.meta.url).pathname);
    const v2 = scenarios.filter((s) => s.suite.startsWith('ikev2-'));
    expect(v2.length).to.be.greaterThan(10);
    // strongSwan: action clear, one peer, RFC behaviour on INVALID_IKE_SPI; planned without a raw socket.
    expect(v2.filter((s) => s.skip !== undefined).map((s) => `${s.id}: ${s.skip}`)).to.deep.equal([
      'ikev2-failover/primary-to-secondary: requires dpd.action failover (profile: clear)',
      'ikev2-failover/order-respected: requires dpd.action failover (profile: clear)',
      'ikev2-failover/secondary-to-third: requires dpd.action failover (profile: clear)',
      'ikev2-lost-state/restart-on-schedule: requires dpd.action restart (profile: clear)',
      'ikev2-lost-state/dead-at-notify: requires ikev2_dpd.invalid_ike_spi peer-dead (profile: ignore)',
      'ikev2-lost-state/restart-at-notify: requires dpd.action restart (profile: clear)',
      'ikev2-unreachable/port-unreachable: needs a raw socket to answer with ICMP (icmp-port-unreachable): run as root or give node CAP_NET_RAW',
      'ikev2-unreachable/admin-prohibited: needs a raw socket to answer with ICMP (icmp-admin-prohibited): run as root or give node CAP_NET_RAW',
    ]);
    expect([...new Set(scenarios.filter((s) => !s.suite.startsWith('ikev2-')).map((s) => s.skip))]).to.deep.equal(['requires ike.version 1 (profile: 2)']);
  });

  it('the IKEv2 restart and failover lab profiles plan the scenarios the clear one skips', () => {
    const unskipped = (name: string, suite: string): string[] => planned(new URL(`../../profiles/${name}.yaml`, import.meta.url).pathname).filter((s) => s.suite === suite && s.skip === undefined).map((s) => s.id);
    expect(unskipped('strongswan-ikev2-restart', 'ikev2-lost-state')).to.deep.equal(['ikev2-lost-state/invalid-spi-is-no-answer', 'ikev2-lost-state/restart-on-schedule']);
    expect(unskipped('strongswan-ikev2-failover', 'ikev2-failover')).to.deep.equal(['ikev2-failover/primary-to-secondary', 'ikev2-failover/order-respected', 'ikev2-failover/secondary-to-third']);
  });

  it('compile against every profile in profiles/', () => {
    const dir = new URL('../../profiles/', import.meta.url).pathname;
    for (const file of expandSuitePaths([dir])) {
      const scenarios = planned(file);
      expect(scenarios.length, file).to.be.greaterThan(30);
    }
  });

  it('every applicable scenario passes against a correct Cisco-like DUT', async () => {
    const failures: string[] = [];
    // The simulated DUT holds one SA; dpd-at-scale runs against the reference DUT (test/dut/dpd-at-scale.test.ts).
    for (const s of planned(fixture('cisco-like.yaml')).filter((x) => !x.skip && x.suite !== 'dpd-at-scale')) {
      const r = await run({ ...s, expectFail: undefined } as PlannedScenario, CISCO);
      if (r.status !== 'passed') failures.push(`${s.id}: ${r.reason}`);
    }
    expect(failures).to.deep.equal([]);
  });

  const faults: [string, Partial<SimulatedDut>, string[]][] = [
    ['retry interval 3 s instead of 2', { retry: 3 }, ['silence/retries-after-silence', 'silence/dead-time-and-delete']],
    ['too few probes (4)', { probes: 4 }, ['silence/retries-after-silence', 'silence/dead-time-and-delete', 'sequence-mismatch/ack-plus-one', 'delayed-ack/just-outside-dead-time']],
    ['too many probes (6)', { probes: 6 }, ['silence/retries-after-silence', 'silence/silence-inbound-only', 'multi-peer-failover/primary-to-secondary']],
    ['no Delete', { deleteOnDead: false }, ['silence/dead-time-and-delete']],
    ['no failover', { failoverAfter: undefined }, ['multi-peer-failover/primary-to-secondary', 'multi-peer-failover/order-respected']],
    ['failover too slow', { failoverAfter: 5 }, ['multi-peer-failover/primary-to-secondary']],
  ];
  for (const [fault, change, caughtBy] of faults) {
    it(`a DUT with ${fault} fails ${caughtBy.join(', ')}`, async () => {
      const byId = new Map(planned(fixture('cisco-like.yaml')).map((s) => [s.id, s]));
      for (const id of caughtBy) {
        const r = await run({ ...byId.get(id)!, expectFail: undefined } as PlannedScenario, { ...CISCO, ...change });
        expect(r.status, id).to.equal('failed');
      }
    });
  }
});
