/**
 * Two fake peers with the real IKE engine over loopback: the behaviours acting
 * on real ISAKMP (what a DUT would see), with a fake clock for every timer and
 * seeded randomness, so no assertion depends on machine speed.
 */
import { expect } from 'chai';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { IkeEngine, type IkeEngineConfig } from '../../src/ike/index.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { DPD_VENDOR_ID, decodeMessage } from '../../src/wire/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitUntil } from '../support/wait-until.js';
import { datagramsOf } from './peer-datagrams.js';

const PSK = 'peer-with-engine-psk';

function config(seed: string): IkeEngineConfig {
  return {
    random: seededRandom(seed),
    psk: () => new TextEncoder().encode(PSK),
    proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 }],
    espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', lifetimeSeconds: 1200 }],
    trafficSelectors: [{ local: { type: 'ipv4-subnet', address: '198.51.100.32', mask: '255.255.255.240' }, remote: { type: 'ipv4-subnet', address: '198.51.100.16', mask: '255.255.255.240' }, protocol: 0, port: 0 }],
  };
}

const datagrams = datagramsOf;

describe('peer/fake-peer with the IKE engine (two peers over loopback)', function () {
  this.timeout(30_000);
  let clock: FakeClock;
  let a: FakePeer;
  let b: FakePeer;
  let sa: string;

  beforeEach(async () => {
    clock = new FakeClock();
    const bind = [{ address: '127.0.0.1', port: 0 }];
    a = await FakePeer.start({ bind, clock, createEngine: (hooks) => new IkeEngine(config('a'), hooks) });
    b = await FakePeer.start({ bind, clock, createEngine: (hooks) => new IkeEngine(config('b'), hooks) });
  });

  afterEach(async () => {
    await a.close();
    await b.close();
  });

  const bringUp = async (): Promise<void> => {
    sa = a.initiate({ from: a.endpoints[0], to: b.endpoints[0], quickMode: true });
    await waitUntil(() => a.log.events.some((e) => e.type === 'sa-state' && e.phase === 2 && e.state === 'established'), 'Quick Mode on the initiator', 10_000);
    await waitUntil(() => b.log.events.some((e) => e.type === 'sa-state' && e.phase === 2 && e.state === 'established'), 'Quick Mode on the responder', 10_000);
  };

  const probeAndSettle = async (): Promise<DatagramEvent> => {
    const before = datagrams(b, 'in', 'r-u-there').length + b.log.datagrams().filter((d) => d.behaviour?.startsWith('silence')).length;
    a.probe(sa);
    await waitUntil(() => datagrams(b, 'in', 'r-u-there').length + b.log.datagrams().filter((d) => d.behaviour?.startsWith('silence')).length > before, 'the probe at b', 10_000);
    return datagrams(a, 'out', 'r-u-there').at(-1) as DatagramEvent;
  };

  it('completes Main Mode and Quick Mode, answers R-U-THERE with the echoed seq, and never logs the PSK', async () => {
    await bringUp();
    const probe = await probeAndSettle();
    await waitUntil(() => datagrams(a, 'in', 'r-u-there-ack').length === 1, 'the ACK', 10_000);
    expect(datagrams(a, 'in', 'r-u-there-ack')[0].summary?.seq).to.equal(probe.summary?.seq);
    expect(a.log.events.some((e) => e.type === 'sa-keys')).to.equal(true);
    const everything = JSON.stringify([...a.log.events, ...b.log.events], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(everything).to.not.include(PSK);
  });

  it('answers with a transformed sequence number the engine encrypts and authenticates properly', async () => {
    await bringUp();
    b.setBehaviour('*', { ackSeq: { kind: 'constant', value: 42 } });
    await probeAndSettle();
    await waitUntil(() => datagrams(a, 'in', 'r-u-there-ack').length === 1, 'the ACK', 10_000);
    const [ack] = datagrams(a, 'in', 'r-u-there-ack');
    expect(ack.summary?.seq).to.equal(42);
    expect(ack.rejected).to.equal(undefined);
  });

  it('a corrupted HASH(1) in the ACK is rejected by the receiving engine as a bad hash', async () => {
    await bringUp();
    b.setBehaviour('*', { corrupt: { field: 'hash', kinds: ['r-u-there-ack'] } });
    await probeAndSettle();
    await waitUntil(() => datagrams(a, 'in', 'r-u-there-ack').length === 1, 'the corrupted ACK', 10_000);
    const [ack] = datagrams(a, 'in', 'r-u-there-ack');
    // It decrypts (the corruption came after HASH(1) was computed), so it is named, and refused.
    expect(ack.rejected?.code).to.equal('ERR_IKE_BAD_HASH');
    expect(datagrams(a, 'in', 'r-u-there-ack').filter((d) => !d.rejected)).to.have.length(0);
  });

  it('silence-in drops the probe before the engine; dpd ignore receives it and does not answer', async () => {
    await bringUp();
    b.setBehaviour('*', { silence: 'in' });
    await probeAndSettle();
    b.setBehaviour('*', { silence: 'none', dpd: 'ignore' });
    await probeAndSettle();
    clock.advance(5000);
    await new Promise((r) => setTimeout(r, 100));
    const atB = b.log.datagrams().filter((d) => d.direction === 'in' && d.summary?.exchangeType === 5);
    expect(atB.map((d) => [d.summary?.kind, d.behaviour])).to.deep.equal([
      ['informational', 'silence-in'],
      ['r-u-there', undefined],
    ]);
    expect(b.log.events.filter((e): e is Extract<HarnessEvent, { type: 'mark' }> => e.type === 'mark').some((m) => m.label.startsWith('dpd-ignore'))).to.equal(true);
    expect(datagrams(a, 'in', 'r-u-there-ack')).to.have.length(0);
  });

  it('delays the ACK by exactly the configured time on the clock', async () => {
    await bringUp();
    b.setBehaviour('*', { answerDelayMs: 1500 });
    await probeAndSettle();
    const received = datagrams(b, 'in', 'r-u-there')[0].t;
    clock.advance(1499);
    await new Promise((r) => setTimeout(r, 50));
    expect(datagrams(b, 'out', 'r-u-there-ack')).to.have.length(0);
    clock.advance(1);
    await waitUntil(() => datagrams(a, 'in', 'r-u-there-ack').length === 1, 'the delayed ACK', 10_000);
    const sent = datagrams(b, 'out', 'r-u-there-ack')[0];
    expect(Number(sent.t - received) / 1e6).to.equal(1500);
    expect(sent.behaviour).to.equal('delay-1500ms');
  });

  it('a Delete from one peer is recognised by the other and ends the SA there', async () => {
    await bringUp();
    a.deleteSa(sa, 'isakmp');
    await waitUntil(() => b.log.events.some((e) => e.type === 'sa-state' && e.phase === 1 && e.state === 'deleted'), 'the deleted state at b', 10_000);
    expect(datagrams(b, 'in', 'delete')[0].summary?.deleteProtocol).to.equal(1);
  });

  it('leaves the DPD vendor ID out of Main Mode when told to hide it', async () => {
    a.setBehaviour('*', { hideDpdVendorId: true });
    await bringUp();
    const mm1 = decodeMessage(a.log.datagrams().find((d) => d.direction === 'out' && d.summary?.kind === 'main-mode')?.bytes as Uint8Array);
    const mm2 = decodeMessage(b.log.datagrams().find((d) => d.direction === 'out' && d.summary?.kind === 'main-mode')?.bytes as Uint8Array);
    const hasDpdVid = (m: typeof mm1): boolean => m.payloads.some((p) => p.kind === 'vendor-id' && Buffer.from(p.data).equals(Buffer.from(DPD_VENDOR_ID)));
    expect(hasDpdVid(mm1)).to.equal(false);
    expect(hasDpdVid(mm2)).to.equal(true);
  });

  it('brings an SA up in Aggressive Mode when asked, and answers DPD on it', async () => {
    sa = a.initiate({ from: a.endpoints[0], to: b.endpoints[0], mode: 'aggressive' });
    await waitUntil(() => a.log.events.some((e) => e.type === 'sa-state' && e.phase === 1 && e.state === 'established'), 'phase 1 on the initiator', 10_000);
    expect(a.log.datagrams().filter((d) => d.direction === 'out' && d.summary?.exchangeType === 4)).to.not.have.length(0);
    const probe = await probeAndSettle();
    await waitUntil(() => datagrams(a, 'in', 'r-u-there-ack').length === 1, 'the ACK', 10_000);
    expect(datagrams(a, 'in', 'r-u-there-ack')[0].summary?.seq).to.equal(probe.summary?.seq);
  });
});
