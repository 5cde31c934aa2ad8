/**
 * The reference target for an IKEv2 profile: each scenario gets its own IKEv2 fake peer and
 * IKEv2 reference DUT on loopback (ephemeral ports, no root), scenarios run side by side, the
 * CHILD_SA comes up with the profile's traffic selectors (the DUT holds them mirrored), and
 * the DUT's marks join the scenario's event stream.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { HarnessEvent } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { ScenarioTarget } from '../../src/target/target.js';
import { waitUntil } from '../support/wait-until.js';

const SHIPPED = readFileSync('profiles/reference-ikev2.yaml', 'utf8');
// Asymmetric selectors: a DUT that took the peer's view unmirrored would refuse the CHILD_SA (TS_UNACCEPTABLE).
const SELECTORS = '  lifetime: { ike: 86400, ipsec: 3600 }   # IOS defaults\n  traffic_selectors: [{ local: 198.51.100.0/24, remote: 203.0.113.0/25 }]\n';
const profile = (faults = '{}') =>
  profileFromSource(YamlSource.parse('t.yaml', SHIPPED.replace('  lifetime: { ike: 86400, ipsec: 3600 }   # IOS defaults\n', SELECTORS).replace('faults: {}', `faults: ${faults}`)));

const childUp = (events: readonly HarnessEvent[]): boolean => events.some((e) => e.type === 'sa-state' && e.phase === 2 && e.state === 'established');

describe('target/reference-target with an IKEv2 profile (loopback, real engines)', function () {
  this.timeout(30_000);
  const opened: ScenarioTarget[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.teardown();
  });

  it('opens a fake peer and a DUT per scenario, side by side, and brings the CHILD_SA up with the profile selectors', async () => {
    const p = profile();
    expect(p.ike.trafficSelectors).to.have.length(1);
    const factory = await createReferenceTargetFactory(p, systemClock);
    expect(factory.maxJobs).to.be.greaterThan(1);
    const [a, b] = await Promise.all([factory.open('a'), factory.open('b')]);
    opened.push(a!, b!);
    const [saA, saB] = await Promise.all([a!.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 5_000 }), b!.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 5_000 })]);
    expect(saA).to.not.equal(saB);
    const dutPorts = [a!, b!].map((t) => t.events().find((e) => e.type === 'datagram' && e.direction === 'in')!).map((e) => (e.type === 'datagram' ? e.remote.port : 0));
    expect(new Set(dutPorts).size, 'each scenario has its own DUT').to.equal(2);
    expect(childUp(a!.events()) && childUp(b!.events())).to.equal(true);
    expect(await a!.dutHasSa(0)).to.equal(true);
    expect(await b!.dutHasSa(0)).to.equal(true);
  });

  it('the DUT initiates on request, and its marks land in the scenario event stream', async () => {
    const factory = await createReferenceTargetFactory(profile('{ noLivenessAnswer: true }'), systemClock);
    const t = await factory.open('dut-initiates');
    opened.push(t);
    await t.bringUp({ initiator: 'dut', peerIndex: 0, timeoutMs: 5_000 });
    expect(t.events().some((e) => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'ike-sa-init')).to.equal(true);
    await t.sendProbe({ kind: 'next' });
    await waitUntil(() => t.events().some((e) => e.type === 'mark' && /^reference-dut: liveness request \d+ left unanswered/.test(e.label)), 'the DUT mark', 3_000, 20);
  });
});
