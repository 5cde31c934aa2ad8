/**
 * Profile `peer.io` reaches every socket the fake peer binds for a scenario (IKE and NAT-T, IKEv1
 * and IKEv2, the bind entries lab and external targets share), and on the reference targets the
 * sockets really run on the batched backend: what they receive carries the kernel's own stamp,
 * which Node's dgram sockets never have without a raw capture socket.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { peerBindings, withPeerSockets } from '../../src/target/engine-config.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { ScenarioTarget } from '../../src/target/target.js';
import { shortTimerProfile } from '../dut/short-timer-profile.js';

const TIMERS = { interval: 0.6, retryInterval: 0.2, failoverWithin: 2, toleranceAbsolute: 0.5 };
const NAT_T = 'nat_t: { keepalive_interval: 20, keepalives_count_as_liveness: false }\n';
const BATCHED = 'peer:\n  io: batched\n';
const ikev1 = (extra = '') => profileFromSource(YamlSource.parse('t.yaml', shortTimerProfile('socket-io', TIMERS) + NAT_T + extra));
const ikev2 = (extra = '') => profileFromSource(YamlSource.parse('t.yaml', readFileSync('profiles/reference-ikev2.yaml', 'utf8') + extra));
const received = (events: readonly HarnessEvent[]): DatagramEvent[] => events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in');

describe('target: profile peer.io on the fake peer\'s bind entries', () => {
  const endpoints = [{ address: '192.0.2.10', port: 500 }, { address: '192.0.2.11', port: 500 }];

  it('every IKEv1 bind entry, NAT-T ones included, and every IKEv2 one carries the backend', () => {
    expect(peerBindings(ikev1(BATCHED), endpoints).map((b) => b.io)).to.deep.equal(['batched', 'batched', 'batched', 'batched']);
    expect(withPeerSockets(ikev2(BATCHED), endpoints).map((b) => b.io)).to.deep.equal(['batched', 'batched']);
  });

  it('without the key no bind entry names one (Node\'s dgram)', () => {
    expect(peerBindings(ikev1(), endpoints).map((b) => b.io)).to.deep.equal([undefined, undefined, undefined, undefined]);
  });
});

describe('target: reference targets on the batched backend (loopback)', function () {
  this.timeout(30_000);
  const opened: ScenarioTarget[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.teardown();
  });
  const open = async (profile: ReturnType<typeof ikev1>): Promise<ScenarioTarget> => {
    const t = await (await createReferenceTargetFactory(profile, systemClock)).open('socket-io');
    opened.push(t);
    return t;
  };

  it('IKEv1: Main and Quick Mode come up, and every datagram received carries a kernel stamp', async () => {
    const t = await open(ikev1(BATCHED));
    await t.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    const inbound = received(t.events());
    expect(inbound.length).to.be.at.least(4);
    expect(inbound.map((e) => e.stampedBy)).to.deep.equal(inbound.map(() => 'kernel'));
  });

  it('IKEv1 on Node\'s dgram, for contrast: the event loop stamps them', async () => {
    const t = await open(ikev1());
    await t.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    const inbound = received(t.events());
    expect(inbound.length).to.be.at.least(4);
    expect(new Set(inbound.map((e) => e.stampedBy))).to.deep.equal(new Set(['event-loop']));
  });

  it('IKEv2: IKE_SA_INIT and IKE_AUTH come up with kernel stamps', async () => {
    const t = await open(ikev2(BATCHED));
    await t.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    const inbound = received(t.events());
    expect(inbound.length).to.be.at.least(2);
    expect(inbound.map((e) => e.stampedBy)).to.deep.equal(inbound.map(() => 'kernel'));
  });
});
