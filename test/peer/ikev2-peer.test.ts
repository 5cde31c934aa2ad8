// The IKEv2 fake peer over real loopback UDP: two peers (each an IKEv2 engine) bring up an IKE SA and
// its CHILD_SA, exchange liveness checks, and one falls silent so the other retransmits on its schedule
// and declares the SA dead; the event stream names the IKEv2 messages and holds the SA states.
import { expect } from 'chai';
import type { DatagramEvent } from '../../src/events.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import { IcmpInjector } from '../../src/peer/icmp-injector.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { recordingSocket } from './recording-raw-socket.js';
import { mirror, v2Config } from '../ike/v2/ikev2-pair.js';

const LOOPBACK = { address: '127.0.0.1', port: 0 };
const SCHEDULE = [60, 120, 240];

describe('Ikev2Peer over loopback UDP', function () {
  this.timeout(10_000);
  let a: Ikev2Peer;
  let b: Ikev2Peer;
  let config: ReturnType<typeof v2Config>;

  beforeEach(async () => {
    config = v2Config('peer-a', { retransmitMs: SCHEDULE, proposals: [{ encryption: 'aes-gcm-16-256', prf: 'hmac-sha256', group: 19 }], childProposals: [{ encryption: 'aes-gcm-16-128' }] });
    a = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine(config) });
    b = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine({ ...mirror(config), random: v2Config('peer-b').random }) });
  });

  afterEach(async () => {
    await a?.close();
    await b?.close();
  });

  async function bringUp(): Promise<string> {
    const sa = a.initiate(a.endpoints[0]!, b.endpoints[0]!);
    await a.waitForSaState(2, 'established', 3000);
    await b.waitForSaState(2, 'established', 3000);
    return a.sas()[0] ?? sa;
  }

  const kinds = (peer: Ikev2Peer, direction: 'in' | 'out') =>
    peer.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === direction).map((e) => e.summary?.kind);

  it('brings up the SAs, answers liveness both ways and logs IKEv2 messages by name, with the keys for Wireshark', async () => {
    const sa = await bringUp();
    a.sendLiveness(sa);
    await a.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 2000);
    b.sendLiveness(sa);
    await b.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 2000);
    expect(kinds(a, 'out')).to.deep.equal(['ike-sa-init', 'ike-auth', 'liveness', 'liveness-response']);
    expect(kinds(a, 'in')).to.deep.equal(['ike-sa-init', 'ike-auth', 'liveness-response', 'liveness']);
    expect(a.log.events.filter((e) => e.type === 'sa-state').map((e) => e.type === 'sa-state' && `${e.phase}:${e.state}`)).to.deep.equal(['1:negotiating', '1:established', '2:established']);
    expect(a.keys).to.have.length(1);
    expect(a.keys[0]).to.deep.equal(b.keys[0]);
  });

  it('retransmits an unanswered liveness check on its schedule and declares the SA dead when the peer falls silent', async () => {
    const sa = await bringUp();
    b.setBehaviour({ silence: 'both' });
    a.sendLiveness(sa);
    const dead = await a.waitForSaState(1, 'expired', 3000);
    const probes = a.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'liveness');
    expect(probes).to.have.length(SCHEDULE.length);
    const gapsMs = probes.slice(1).map((p, i) => Number(p.t - probes[i]!.t) / 1e6);
    // Timers never fire early; late only by the event loop's latency.
    gapsMs.forEach((gap, i) => expect(gap).to.be.within(SCHEDULE[i]! - 1, SCHEDULE[i]! + 200));
    const totalMs = Number(dead.t - probes[0]!.t) / 1e6;
    expect(totalMs).to.be.within(420 - 1, 420 + 300);
    expect(b.log.events.filter((e) => e.type === 'datagram' && e.direction === 'in' && e.behaviour === 'silence-both')).to.have.length(SCHEDULE.length);
  });

  it('lostState: each request on the lost SA gets an unprotected INVALID_IKE_SPI and nothing else; a new IKE SA is served normally', async () => {
    // As the scenario targets run it: the peer holds the DUT's liveness requests (engine liveness 'owner').
    await b.close();
    b = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine({ ...mirror(config), random: v2Config('peer-b').random, liveness: 'owner' }), holdsLiveness: true });
    const sa = await bringUp();
    b.setBehaviour({ lostState: true });
    a.sendLiveness(sa);
    await a.waitForSaState(1, 'expired', 3000);
    const notifies = a.engineEvents.filter((r) => r.event.kind === 'notify-received').map((r) => r.event);
    expect(notifies).to.have.length(SCHEDULE.length);
    expect(notifies.every((n) => n.kind === 'notify-received' && n.notifyType === 4 && n.unprotected === true && n.response)).to.equal(true);
    const out = b.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.sa === sa);
    const sent = a.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'liveness');
    // The engine still reads the DUT's requests (the timeline names them), but only the notify leaves, under the request's message ID.
    expect(out.slice(-SCHEDULE.length).map((e) => `${e.summary?.kind}:${e.summary?.notifyType}:${e.summary?.messageId}`)).to.deep.equal(sent.map((e) => `notify:4:${e.summary?.messageId}`));
    expect(b.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'liveness')).to.have.length(SCHEDULE.length);
    expect(kinds(b, 'out')).to.not.include('liveness-response');
    const since = systemClock.now();
    a.initiate(a.endpoints[0]!, b.endpoints[0]!);
    await a.waitForSaState(2, 'established', 3000, since);
  });

  it('icmp: each datagram the other side sends is read, answered with one ICMP error built from it, and no IKE leaves', async () => {
    const raw = recordingSocket();
    await b.close();
    b = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine({ ...mirror(config), random: v2Config('peer-b').random, liveness: 'owner' }), holdsLiveness: true, openIcmp: () => IcmpInjector.open({ clock: systemClock, socketFactory: raw.factory }) });
    const sa = await bringUp();
    b.setBehaviour({ silence: 'out', liveness: 'ignore', icmp: { label: 'icmp-port-unreachable', code: 'port' } });
    a.sendLiveness(sa);
    await a.waitForSaState(1, 'expired', 3000);
    const dropped = b.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.behaviour === 'icmp-port-unreachable');
    expect(dropped.map((e) => e.summary?.kind)).to.deep.equal(Array(SCHEDULE.length).fill('liveness'));
    await waitUntil(() => raw.sends.length === SCHEDULE.length, 'an ICMP error per datagram', 1000);
    for (const send of raw.sends) {
      send.before();
      send.after(null, send.buffer.length);
    }
    // Type 3 code 3 (port unreachable) back to the sender, carrying the datagram's IP header and UDP start (RFC 792).
    expect(raw.sends.map((x) => `${x.address} ${x.buffer[20]}/${x.buffer[21]}`)).to.deep.equal(Array(SCHEDULE.length).fill('127.0.0.1 3/3'));
    await waitUntil(() => b.log.events.filter((e) => e.type === 'mark' && e.icmp?.sent === true).length === SCHEDULE.length, 'the ICMP marks', 1000);
    expect(b.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.t >= dropped[0]!.t)).to.deep.equal([]);
  });

  it('rejects waitForSaState with ERR_DUT_REFUSED carrying the notify when the DUT refuses AUTH', async () => {
    await b.close();
    b = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine({ ...mirror(config), random: v2Config('peer-c').random, psk: () => new TextEncoder().encode('wrong') }) });
    a.initiate(a.endpoints[0]!, b.endpoints[0]!);
    const err = await a.waitForSaState(1, 'established', 3000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.have.property('code', 'ERR_DUT_REFUSED');
    expect(String((err as Error).message)).to.contain('AUTHENTICATION_FAILED (24)');
  });

  it('rejects a wait for the CHILD_SA at once when the DUT refuses the IKE SA under it (IKE_SA_INIT, AUTH)', async () => {
    const refusedWith = async (engine: Ikev2Engine): Promise<unknown> => {
      await b.close();
      b = await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine });
      a.initiate(a.endpoints[0]!, b.endpoints[0]!);
      return a.waitForSaState(2, 'established', 3000, systemClock.now()).then(() => undefined, (e: unknown) => e);
    };
    const wrongIke = await refusedWith(new Ikev2Engine({ ...mirror(config), random: v2Config('peer-d').random, proposals: [{ encryption: 'aes-cbc-128', integrity: 'hmac-sha256-128', prf: 'hmac-sha256', group: 14 }] }));
    expect(wrongIke).to.have.property('code', 'ERR_DUT_REFUSED');
    expect(String((wrongIke as Error).message)).to.contain('IKE_SA_INIT with NO_PROPOSAL_CHOSEN (14)');
    const wrongPsk = await refusedWith(new Ikev2Engine({ ...mirror(config), random: v2Config('peer-e').random, psk: () => new TextEncoder().encode('wrong') }));
    expect(wrongPsk).to.have.property('code', 'ERR_DUT_REFUSED');
    expect(String((wrongPsk as Error).message)).to.contain('IKE_AUTH with AUTHENTICATION_FAILED (24)');
  });
});
