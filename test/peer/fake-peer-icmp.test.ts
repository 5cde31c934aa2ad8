/**
 * The fake peer under an icmp-* silence, with a recording raw socket in place
 * of the addon: the dropped datagram is answered by exactly one ICMP error
 * built from it, the timeline says so, and a refused raw socket is a mark, not
 * a throw. (The real socket against strongSwan: fake-peer-icmp-strongswan.test.ts.)
 */
import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import type { Endpoint, MarkEvent } from '../../src/events.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { IcmpInjector } from '../../src/peer/icmp-injector.js';
import { ipv4Packet } from '../../src/peer/icmp-ipv4-udp.js';
import { icmpUnreachable } from '../../src/peer/icmp-message.js';
import { FakeClock } from '../support/fake-clock.js';
import { ScriptedEngine } from '../support/scripted-engine.js';
import { waitUntil } from '../support/wait-until.js';
import { recordingSocket } from './recording-raw-socket.js';
import { LoopbackDut } from './loopback-dut.js';

const SA = 'aa'.repeat(8) + 'bb'.repeat(8);

const marks = (peer: FakePeer): string[] => peer.log.events.filter((e): e is MarkEvent => e.type === 'mark').map((e) => e.label);

describe('peer/fake-peer answering with ICMP (recording raw socket)', () => {
  let clock: FakeClock;
  let peer: FakePeer;
  let engine: ScriptedEngine;
  let dut: LoopbackDut;
  let peerAt: Endpoint;
  let opened: number;
  let raw: ReturnType<typeof recordingSocket>;

  async function start(openIcmp: () => IcmpInjector): Promise<void> {
    peer = await FakePeer.start({
      bind: [{ address: '127.0.0.1', port: 0 }],
      clock,
      createEngine: (hooks) => (engine = new ScriptedEngine(hooks, () => peer.endpoints[0])),
      openIcmp: () => {
        opened++;
        return openIcmp();
      },
    });
    peerAt = peer.endpoints[0];
  }

  beforeEach(async () => {
    clock = new FakeClock();
    opened = 0;
    raw = recordingSocket();
    dut = await LoopbackDut.open();
  });

  afterEach(async () => {
    dut.close();
    await peer.close();
  });

  const probe = (seq: number) => dut.send(ScriptedEngine.packet(SA, 1, seq), peerAt);
  const dutPort = (): number => dut.endpoint.port;

  it('opens no raw socket while no icmp silence is in force', async () => {
    await start(() => IcmpInjector.open({ clock, socketFactory: raw.factory }));
    peer.setBehaviour('*', { silence: 'in' });
    probe(1);
    await waitUntil(() => peer.log.datagrams().length === 1, 'the probe');
    expect(opened).to.equal(0);
  });

  it('icmp-port-unreachable: the engine reads the probe (for the timeline) but nothing IKE goes out; one ICMP port unreachable quoting it does, stamped when sent', async () => {
    await start(() => IcmpInjector.open({ clock, socketFactory: raw.factory }));
    peer.setBehaviour('*', { silence: 'icmp-port-unreachable' });
    probe(7);
    await waitUntil(() => raw.sends.length === 1, 'the ICMP send');
    clock.advance(3);
    raw.sends[0].before();
    raw.sends[0].after(null, raw.sends[0].buffer.length);
    await waitUntil(() => marks(peer).some((l) => l.startsWith('icmp port')), 'the ICMP mark');
    expect(engine.received).to.have.length(1);
    expect(dut.received).to.have.length(0);
    const inbound = peer.log.datagrams(SA);
    expect(inbound.map((d) => [d.direction, d.behaviour])).to.deep.equal([['in', 'icmp-port-unreachable']]);

    const packet = ipv4Packet.decode(raw.sends[0].buffer);
    expect(packet.header).to.include({ source: '127.0.0.1', destination: '127.0.0.1', protocol: 1 });
    const icmp = icmpUnreachable.decode(packet.payload);
    expect(icmp).to.include({ code: 3, checksumValid: true });
    // The quote carries the DUT's datagram: its ports are what lets the DUT's stack find the socket.
    const quoted = ipv4Packet.decodeHeader(icmp.quote);
    expect(quoted).to.include({ source: '127.0.0.1', destination: '127.0.0.1', protocol: 17 });
    const udp = icmp.quote.subarray(quoted.headerLength);
    expect([(udp[0] << 8) | udp[1], (udp[2] << 8) | udp[3]]).to.deep.equal([dut.endpoint.port, peerAt.port]);

    const mark = peer.log.events.find((e): e is MarkEvent => e.type === 'mark' && e.label.startsWith('icmp port'));
    expect(mark?.t).to.equal(inbound[0].t + 3_000_000n);
    expect(mark?.label).to.equal(`icmp port unreachable (code 3) sent 127.0.0.1 → 127.0.0.1 [${inbound[0].sa}]`);
  });

  it('icmp-host-unreachable from a router address: code 1 from that address; the peer\'s own R-U-THEREs stay off the wire', async () => {
    await start(() => IcmpInjector.open({ clock, socketFactory: raw.factory }));
    peer.setBehaviour('*', { silence: 'icmp-host-unreachable', icmpFrom: '127.0.0.9' });
    probe(8);
    await waitUntil(() => raw.sends.length === 1, 'the ICMP send');
    const packet = ipv4Packet.decode(raw.sends[0].buffer);
    expect(packet.header.source).to.equal('127.0.0.9');
    expect(icmpUnreachable.decode(packet.payload).code).to.equal(1);
    peer.initiate({ from: peerAt, to: dut.endpoint });
    expect(marks(peer).some((l) => l.startsWith('icmp-host-unreachable: '))).to.equal(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(dut.received).to.have.length(0);
  });

  it('without permission to open a raw socket: one attempt, then every dropped datagram is a mark naming ERR_RAW_NOT_PERMITTED', async () => {
    await start(() => {
      throw new HarnessError('ERR_RAW_NOT_PERMITTED', 'raw ICMP socket needs CAP_NET_RAW');
    });
    peer.setBehaviour('*', { silence: 'icmp-admin-prohibited' });
    probe(1);
    probe(2);
    await waitUntil(() => marks(peer).filter((l) => l.includes('ERR_RAW_NOT_PERMITTED')).length === 2, 'two refusal marks');
    expect(opened).to.equal(1);
    expect(peer.log.datagrams().map((d) => d.behaviour)).to.deep.equal(['icmp-admin-prohibited', 'icmp-admin-prohibited']);
  });

  it('a send the kernel refuses is a mark, and the injector is closed with the peer', async () => {
    await start(() => IcmpInjector.open({ clock, socketFactory: raw.factory }));
    peer.setBehaviour('*', { silence: 'icmp-port-unreachable' });
    probe(3);
    await waitUntil(() => raw.sends.length === 1, 'the ICMP send');
    raw.sends[0].after(Object.assign(new Error('Network is unreachable'), { code: 'ENETUNREACH' }), 0);
    await waitUntil(() => marks(peer).some((l) => l.startsWith('icmp port unreachable not sent')), 'the failure mark');
    await peer.close();
    expect(raw.state.closed).to.equal(true);
  });
});
