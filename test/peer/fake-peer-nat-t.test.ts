/**
 * NAT traversal at the socket: two fake peers with the real engine over loopback, each with an
 * IKE socket and a NAT-T socket (ephemeral ports standing in for 500 and 4500). Forced
 * encapsulation floats the SA to the NAT-T sockets with the non-ESP marker on the wire (judged by
 * tshark from the pcap), NAT-keepalives leave at their interval and stop when told, and a NAT
 * rebinding moves the peer's source port while DPD keeps working. The fake clock drives every timer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DatagramEvent, Endpoint } from '../../src/events.js';
import { IkeEngine, type IkeEngineConfig } from '../../src/ike/index.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { datagramFromEvent, pcapFile } from '../../src/report/pcap-writer.js';
import { FakeClock } from '../support/fake-clock.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitUntil } from '../support/wait-until.js';
import { datagramsOf } from './peer-datagrams.js';

const bind = [{ address: '127.0.0.1', port: 0 }, { address: '127.0.0.1', port: 0, natT: true }];

function config(seed: string, natTPort: number, otherNatT: () => number): IkeEngineConfig {
  return {
    random: seededRandom(seed),
    psk: () => new TextEncoder().encode('nat-t-psk'),
    proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 }],
    espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', lifetimeSeconds: 1200 }],
    natTraversal: { localPort: natTPort, remotePort: otherNatT },
  };
}

const port = (e: Endpoint): number => e.port;
const ike = datagramsOf;

describe('peer/fake-peer NAT traversal (RFC 3947/3948) over loopback', function () {
  this.timeout(30_000);
  let clock: FakeClock;
  let a: FakePeer;
  let b: FakePeer;
  let sa: string;

  beforeEach(async () => {
    clock = new FakeClock();
    const natTOf = (p: () => FakePeer): (() => number) => () => p().endpoints[1].port;
    a = await FakePeer.start({ bind, clock, createEngine: (hooks, bound) => new IkeEngine(config('a', bound[1].port, natTOf(() => b)), hooks) });
    b = await FakePeer.start({ bind, clock, createEngine: (hooks, bound) => new IkeEngine(config('b', bound[1].port, natTOf(() => a)), hooks) });
    a.setBehaviour('*', { nat: { forceEncapsulation: true } });
    sa = a.initiate({ from: a.endpoints[0], to: b.endpoints[0], quickMode: true });
    await waitUntil(() => b.log.events.some((e) => e.type === 'sa-state' && e.phase === 2 && e.state === 'established'), 'Quick Mode on the responder', 10_000);
  });

  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('floats from MM5 on to the NAT-T sockets, with the non-ESP marker on the wire and off for the engine', () => {
    const out = a.log.datagrams().filter((d) => d.direction === 'out');
    expect(out.map((d) => `${d.summary?.kind}:${d.summary?.step} ${port(d.local) === port(a.endpoints[1]) ? 'nat-t' : 'ike'} ${d.udpEncapsulation ?? '-'}`)).to.deep.equal([
      'main-mode:1 ike -', 'main-mode:3 ike -', 'main-mode:5 nat-t non-esp-marker', 'quick-mode:1 nat-t non-esp-marker', 'quick-mode:3 nat-t non-esp-marker',
    ]);
    expect(b.log.datagrams().filter((d) => d.direction === 'in').map((d) => d.rejected)).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
    expect(ike(b, 'out', 'main-mode').at(-1)!.remote.port).to.equal(a.endpoints[1].port);

    const dir = mkdtempSync(join(tmpdir(), 'nat-t-pcap-'));
    try {
      const file = join(dir, 'a.pcap');
      writeFileSync(file, pcapFile(a.log.datagrams().map((d) => datagramFromEvent(d, (t) => t))));
      const fields = execFileSync('tshark', ['-r', file, '-d', `udp.port==${a.endpoints[1].port},udpencap`, '-d', `udp.port==${b.endpoints[1].port},udpencap`, '-d', `udp.port==${a.endpoints[0].port},isakmp`, '-T', 'fields', '-e', 'udp.srcport', '-e', 'frame.protocols', '-e', 'isakmp.exchangetype'], { encoding: 'utf8' });
      const rows = fields.trim().split('\n').map((l) => l.split('\t'));
      const floated = rows.filter((r) => Number(r[0]) === a.endpoints[1].port || Number(r[0]) === b.endpoints[1].port);
      expect(floated.length).to.be.greaterThan(3);
      for (const r of floated) {
        expect(r[1], r.join(' ')).to.include('udpencap:isakmp');
        expect(r[2], r.join(' ')).to.be.oneOf(['2', '32']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends NAT-keepalives (one 0xFF) at the interval, the DUT side counts them against the SA, and they stop when told', async () => {
    a.setBehaviour('*', { nat: { forceEncapsulation: true, keepaliveS: 2, stopKeepaliveAtS: 7 } });
    const keepalives = (): DatagramEvent[] => b.log.datagrams().filter((d) => d.direction === 'in' && d.udpEncapsulation === 'keepalive');
    for (let s = 1; s <= 12; s++) {
      clock.advance(1000);
      if (s % 2 === 0 && s < 7) await waitUntil(() => keepalives().length === s / 2, `keepalive ${s / 2}`, 5000);
    }
    await new Promise((r) => setTimeout(r, 100));
    const sent = a.log.datagrams().filter((d) => d.direction === 'out' && d.udpEncapsulation === 'keepalive');
    expect(sent.map((d) => Number(d.t - sent[0].t) / 1e9)).to.deep.equal([0, 2, 4]);
    expect(sent.every((d) => d.bytes.length === 1 && d.bytes[0] === 0xff && port(d.local) === port(a.endpoints[1]))).to.equal(true);
    expect(keepalives()).to.have.length(3);
    expect(keepalives().every((d) => d.sa?.slice(0, 16) === sa.slice(0, 16))).to.equal(true);
    expect(a.log.events.some((e) => e.type === 'mark' && e.label.startsWith('nat-keepalives stopped after 7s'))).to.equal(true);
  });

  it('a NAT rebinding: the peer sends from a new port, the other side follows it and DPD answers reach the new port', async () => {
    const [fresh] = await a.rebindNat();
    expect(fresh.port).to.not.equal(a.endpoints[0].port);
    a.probe(sa);
    await waitUntil(() => ike(a, 'in', 'r-u-there-ack').length === 1, 'the ACK at the new port', 10_000);
    expect(ike(a, 'out', 'r-u-there')[0].local.port).to.equal(fresh.port);
    expect(ike(a, 'in', 'r-u-there-ack')[0].local.port).to.equal(fresh.port);
    expect(ike(b, 'out', 'r-u-there-ack')[0].remote.port).to.equal(fresh.port);
    expect(b.log.events.some((e) => e.type === 'mark' && e.label.includes(`127.0.0.1:${fresh.port}`))).to.equal(true);
    expect(a.log.events.some((e) => e.type === 'mark' && e.label.startsWith('nat rebinding'))).to.equal(true);
  });
});
