// The IKEv2 scenario target over loopback UDP: its fake peer (liveness held for the behaviour) against a
// second IKEv2 peer playing the DUT. bring_up, probes under chosen message IDs, silence that still names
// the DUT's liveness requests, answers under a wrong message ID, and teardown by Delete.
import { expect } from 'chai';
import type { DatagramEvent } from '../../src/events.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { ikev2Behaviour, Ikev2PeerScenarioTarget } from '../../src/target/ikev2-peer-target.js';
import { mirror, v2Config } from '../ike/v2/ikev2-pair.js';
import { waitUntil } from '../support/wait-until.js';

const LOOPBACK = { address: '127.0.0.1', port: 0 };

describe('target/ikev2-peer-target (loopback)', function () {
  this.timeout(10_000);
  let peer: Ikev2Peer;
  let dut: Ikev2Peer;
  let target: Ikev2PeerScenarioTarget;
  let dutHasSa: boolean;

  beforeEach(async () => {
    const config = v2Config('v2s-peer', { retransmitMs: [80, 160, 320], liveness: 'owner' });
    peer = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine(config), holdsLiveness: true });
    dut = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine({ ...mirror(config), liveness: 'auto', random: v2Config('v2s-dut').random }) });
    dutHasSa = false;
    dut.log.on((e) => {
      if (e.type === 'sa-state' && e.phase === 1) dutHasSa = e.state === 'established';
    });
    target = new Ikev2PeerScenarioTarget({
      peer, clock: systemClock, dut: dut.endpoints[0]!, peerEndpoints: peer.endpoints,
      control: { hasSa: async () => dutHasSa },
      release: () => peer.close(),
    });
  });

  afterEach(async () => {
    await peer.close();
    await dut.close();
  });

  const datagrams = (p: Ikev2Peer, direction: 'in' | 'out'): DatagramEvent[] => p.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === direction);

  it('bring_up as the peer takes its own IKE SA, not one the DUT sets up by itself at the same moment', async () => {
    const since = systemClock.now();
    dut.initiate(dut.endpoints[0]!, peer.endpoints[0]!);
    await waitUntil(() => datagrams(peer, 'in').some((d) => d.summary?.kind === 'ike-sa-init'), "the DUT's IKE_SA_INIT", 2000, 1);
    const sa = await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    const first = await peer.waitForSaState(2, 'established', 3000, since);
    expect(peer.sas()).to.have.length(2);
    // The DUT's SA was up first; the scenario's is the one whose IKE_SA_INIT the fake peer sent.
    expect(first.sa).not.to.equal(sa);
  });

  it('brings up IKE_SA_INIT + IKE_AUTH, probes with an empty INFORMATIONAL and tears down with a Delete the DUT acts on', async () => {
    const sa = await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    expect(await target.dutHasSa(0)).to.equal(true);
    await target.sendProbe({ kind: 'next' });
    await peer.waitForEngineEvent((r) => r.sa === sa && r.event.kind === 'liveness-response', 2000);
    expect((await target.wireProbe(1000)).alive).to.equal(true);
    await target.teardown();
    await dut.waitForSaState(1, 'deleted', 2000);
    expect(await target.dutHasSa(0)).to.equal(false);
    expect(target.events().filter((e) => e.type === 'datagram' && e.direction === 'out').map((e) => (e as DatagramEvent).summary?.kind))
      .to.deep.equal(['ike-sa-init', 'ike-auth', 'liveness', 'liveness', 'delete']);
  });

  it('a repeated probe reuses the message ID the DUT answered (it answers from its cache), a value probe carries the given ID', async () => {
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    await target.sendProbe({ kind: 'next' });
    await peer.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 2000);
    const since = systemClock.now();
    await target.sendProbe({ kind: 'repeat' });
    await dut.waitForEngineEvent((r) => r.event.kind === 'cached-response', 2000);
    await peer.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 2000, since);
    await target.sendProbe({ kind: 'value', value: 77 });
    // Far outside the DUT's window: ignored (RFC 7296 §2.3), so the peer retransmits it.
    const ignored = await dut.waitForEngineEvent((r) => r.event.kind === 'ignored', 2000, since);
    expect(ignored.event).to.include({ messageId: 77 });
    expect(datagrams(peer, 'out').filter((d) => d.summary?.kind === 'liveness').map((d) => d.summary?.messageId).slice(0, 3)).to.deep.equal([2, 2, 77]);
  });

  it('silence in: the DUT’s liveness requests are read and named but never answered, so it declares the peer dead', async () => {
    const sa = await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    target.setBehaviour({ silence: 'in' });
    dut.sendLiveness(dut.sas()[0]!);
    await dut.waitForSaState(1, 'expired', 3000);
    const requests = datagrams(peer, 'in').filter((d) => d.summary?.kind === 'liveness');
    expect(requests.length).to.be.greaterThan(1);
    expect(new Set(requests.map((d) => d.summary?.messageId)).size).to.equal(1);
    expect(datagrams(peer, 'out').filter((d) => d.summary?.kind === 'liveness-response')).to.have.length(0);
    expect(peer.sas()).to.include(sa);
  });

  it('answers under the next message ID with ackSeq plus-one: the DUT never takes it for its answer', async () => {
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    target.setBehaviour({ ackSeq: { kind: 'plus-one' } });
    const dutSa = dut.sas()[0]!;
    dut.sendLiveness(dutSa);
    await dut.waitForSaState(1, 'expired', 3000);
    const answers = datagrams(peer, 'out').filter((d) => d.summary?.kind === 'liveness-response').map((d) => d.summary?.messageId);
    const asked = datagrams(peer, 'in').find((d) => d.summary?.kind === 'liveness')!.summary!.messageId;
    expect(answers.length).to.be.greaterThan(0);
    expect(new Set(answers)).to.deep.equal(new Set([asked + 1]));
    expect(dut.engineEvents.some((r) => r.event.kind === 'liveness-response')).to.equal(false);
  });

  it('delays answers by answerDelayMs', async () => {
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 3000 });
    target.setBehaviour({ answerDelayMs: 150 });
    const since = systemClock.now();
    dut.sendLiveness(dut.sas()[0]!);
    const answer = await dut.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 2000, since);
    // The first transmission: the DUT's retransmissions of it are liveness requests too.
    const request = datagrams(peer, 'in').find((d) => d.summary?.kind === 'liveness' && d.t >= since)!;
    expect(Number(answer.t - request.t) / 1e6).to.be.within(150, 400);
  });

  it('refuses behaviours IKEv2 has no counterpart for with ERR_TARGET_UNAVAILABLE, and maps the rest', () => {
    expect(() => ikev2Behaviour({ hideDpdVendorId: true })).to.throw().with.property('code', 'ERR_TARGET_UNAVAILABLE');
    // A later silence clears an earlier ICMP answer.
    expect(ikev2Behaviour({ silence: 'both' })).to.deep.equal({ icmp: undefined, silence: 'out', liveness: 'ignore', dropAnswers: false });
    expect(ikev2Behaviour({ silence: 'icmp-port-unreachable' })).to.deep.include({ silence: 'out', liveness: 'ignore' }).and.to.have.nested.property('icmp.code', 'port');
  });
});
