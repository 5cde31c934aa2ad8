/**
 * Profile `peer.socket_buffers` reaches every socket the fake peer binds for a scenario: the bind
 * entries the targets build (IKE and NAT-T, IKEv1 and IKEv2; lab and external bind through the same
 * functions) and, on the reference targets, the sockets themselves: asked for more than
 * net.core.rmem_max allows a non-root process, each says so in the scenario's timeline.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { HarnessEvent } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { peerBindings, withPeerSockets } from '../../src/target/engine-config.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { ScenarioTarget } from '../../src/target/target.js';
import { shortTimerProfile } from '../dut/short-timer-profile.js';

const MIB = 1024 * 1024;
const TIMERS = { interval: 0.6, retryInterval: 0.2, failoverWithin: 2, toleranceAbsolute: 0.5 };
const NAT_T = 'nat_t: { keepalive_interval: 20, keepalives_count_as_liveness: false }\n';
const peerSection = (receive: string): string => `peer:\n  socket_buffers: { receive: ${receive}, send: 1MiB }\n`;
const ikev1 = (extra = '') => profileFromSource(YamlSource.parse('t.yaml', shortTimerProfile('socket-buffers', TIMERS) + NAT_T + extra));
const ikev2 = (extra = '') => profileFromSource(YamlSource.parse('t.yaml', readFileSync('profiles/reference-ikev2.yaml', 'utf8') + extra));
const cappedMarks = (events: readonly HarnessEvent[]): string[] => events.flatMap((e) => (e.type === 'mark' && /^socket buffers on .* capped: /.test(e.label) ? [e.label] : []));

describe('target: profile peer.socket_buffers on the fake peer\'s bind entries', () => {
  const endpoints = [{ address: '192.0.2.10', port: 500 }, { address: '192.0.2.11', port: 500 }];

  it('every IKEv1 bind entry, NAT-T ones included, carries the profile\'s buffers', () => {
    const binds = peerBindings(ikev1(peerSection('2MiB')), endpoints);
    expect(binds).to.have.length(4);
    expect(binds.filter((b) => b.natT)).to.have.length(2);
    for (const b of binds) expect(b.buffers).to.deep.equal({ receive: 2 * MIB, send: MIB });
  });

  it('every IKEv2 bind entry carries them', () => {
    const binds = withPeerSockets(ikev2(peerSection('512KiB')), endpoints);
    expect(binds.map((b) => b.buffers)).to.deep.equal([{ receive: 512 * 1024, send: MIB }, { receive: 512 * 1024, send: MIB }]);
  });

  it('without the key no bind entry asks for any', () => {
    expect(peerBindings(ikev1(), endpoints).map((b) => b.buffers)).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect(withPeerSockets(ikev2(), endpoints).map((b) => b.buffers)).to.deep.equal([undefined, undefined]);
  });
});

describe('target: reference targets bind with the profile\'s socket buffers (loopback)', function () {
  this.timeout(30_000);
  const opened: ScenarioTarget[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.teardown();
  });
  const open = async (profile: ReturnType<typeof ikev1>): Promise<ScenarioTarget> => {
    const t = await (await createReferenceTargetFactory(profile, systemClock)).open('socket-buffers');
    opened.push(t);
    return t;
  };

  it('IKEv1: asked for 64 MiB, each of the 3 IKE and 3 NAT-T sockets is marked capped at rmem_max in the timeline', async () => {
    const marks = cappedMarks((await open(ikev1(peerSection('64MiB')))).events());
    expect(marks).to.have.length(6);
    for (const m of marks) expect(m).to.match(new RegExp(`capped: receive \\d+ of ${64 * MIB} bytes asked \\(net\\.core\\.rmem_max caps it\\)$`));
  });

  it('IKEv1: the many SAs of dpd_at_scale bind with the buffers too', async () => {
    const t = await open(ikev1(peerSection('64MiB')));
    const before = cappedMarks(t.events()).length;
    await t.bringUpMany!(2, 10_000);
    expect(cappedMarks(t.events()).length - before).to.equal(2);
  });

  it('IKEv2: asked for 64 MiB, its socket is marked capped', async () => {
    expect(cappedMarks((await open(ikev2(peerSection('64MiB')))).events())).to.have.length(1);
  });

  it('without the key, no capped mark', async () => {
    expect(cappedMarks((await open(ikev1())).events())).to.deep.equal([]);
    expect(cappedMarks((await open(ikev2())).events())).to.deep.equal([]);
  });
});
