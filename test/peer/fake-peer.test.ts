import { expect } from 'chai';
import type { Endpoint } from '../../src/events.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { encodeMessage } from '../../src/wire/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { ScriptedEngine } from '../support/scripted-engine.js';
import { waitUntil } from '../support/wait-until.js';
import { rejectionOf } from '../support/rejection-of.js';
import { LoopbackDut } from './loopback-dut.js';

const SA_A = 'aa'.repeat(8) + 'bb'.repeat(8);
const SA_B = 'cc'.repeat(8) + 'dd'.repeat(8);

describe('peer/fake-peer with a scripted engine (loopback)', () => {
  let clock: FakeClock;
  let peer: FakePeer;
  let engine: ScriptedEngine;
  let dut: LoopbackDut;
  let peerAt: Endpoint;

  beforeEach(async () => {
    clock = new FakeClock();
    peer = await FakePeer.start({
      bind: [{ address: '127.0.0.1', port: 0 }],
      clock,
      createEngine: (hooks) => (engine = new ScriptedEngine(hooks, () => peer.endpoints[0])),
    });
    peerAt = peer.endpoints[0];
    dut = await LoopbackDut.open();
  });

  afterEach(async () => {
    dut.close();
    await peer.close();
  });

  const probe = (sa: string, seq: number) => dut.send(ScriptedEngine.packet(sa, 1, seq), peerAt);
  const ackSeqs = () => dut.received.filter((b) => b[16] === 2).map((b) => b.readUInt32BE(17));

  it('answers R-U-THERE with the echoed seq and logs both datagrams with timestamps and summaries', async () => {
    probe(SA_A, 1733077984);
    await waitUntil(() => dut.received.length === 1, 'the ACK');
    expect(ackSeqs()).to.deep.equal([1733077984]);
    const d = peer.log.datagrams(SA_A);
    expect(d.map((e) => [e.direction, e.summary?.kind, e.summary?.seq])).to.deep.equal([
      ['in', 'r-u-there', 1733077984],
      ['out', 'r-u-there-ack', 1733077984],
    ]);
    expect(d[0].t).to.equal(clock.now());
    expect(d[1].remote.port).to.equal(dut.endpoint.port);
  });

  it('transforms the ACK seq for one SA only, and says so on the timeline', async () => {
    peer.setBehaviour(SA_A, { ackSeq: { kind: 'plus-one' } });
    probe(SA_A, 100);
    probe(SA_B, 200);
    await waitUntil(() => dut.received.length === 2, 'two ACKs');
    expect(ackSeqs().sort()).to.deep.equal([101, 200]);
    expect(peer.log.events.some((e) => e.type === 'mark' && e.label.startsWith('ack-seq-plus-one'))).to.equal(true);
  });

  it('answers stale with the seq of the previous probe on that SA', async () => {
    peer.setBehaviour('*', { ackSeq: { kind: 'stale' } });
    probe(SA_A, 10);
    await waitUntil(() => dut.received.length === 1, 'first ACK');
    probe(SA_A, 11);
    await waitUntil(() => dut.received.length === 2, 'second ACK');
    expect(ackSeqs()).to.deep.equal([9, 10]);
  });

  it('does not answer when DPD is ignored, and drops inbound unseen by the engine under silence-in', async () => {
    peer.setBehaviour(SA_A, { dpd: 'ignore' });
    peer.setBehaviour(SA_B, { silence: 'in' });
    probe(SA_A, 1);
    probe(SA_B, 2);
    await waitUntil(() => peer.log.datagrams().length === 2, 'both probes logged');
    expect(dut.received).to.have.length(0);
    expect(engine.received).to.have.length(1);
    expect(peer.log.datagrams(SA_B)[0]).to.include({ direction: 'in', behaviour: 'silence-in' });
    expect(peer.log.events.some((e) => e.type === 'mark' && e.label.startsWith('dpd-ignore'))).to.equal(true);
  });

  it('a behaviour set on a local address reaches SAs without their own, also ones that appear later; an SA\'s own still wins', async () => {
    peer.setBehaviour({ local: '127.0.0.1' }, { silence: 'out' });
    peer.setBehaviour(SA_B, { silence: 'none' });
    probe(SA_A, 1);
    probe(SA_B, 2);
    await waitUntil(() => dut.received.length === 1 && peer.log.events.some((e) => e.type === 'mark' && e.label.startsWith('silence-out')), 'one ACK and one silenced');
    expect(ackSeqs()).to.deep.equal([2]);
    expect(peer.behaviour(SA_A).silence).to.equal('out');
    expect(peer.behaviour(SA_B).silence).to.equal('none');
    // Another address (a failover target) keeps the default.
    expect(peer.behaviour(undefined).silence).to.equal('none');
  });

  it('silence-out keeps the answer off the wire but on the timeline as a mark', async () => {
    peer.setBehaviour('*', { silence: 'out' });
    probe(SA_A, 5);
    await waitUntil(() => peer.log.events.some((e) => e.type === 'mark' && e.label.startsWith('silence-out')), 'the silence mark');
    expect(dut.received).to.have.length(0);
    expect(peer.log.datagrams(SA_A).map((e) => e.direction)).to.deep.equal(['in']);
  });

  it('delays answers on the injected clock', async () => {
    peer.setBehaviour('*', { answerDelayMs: 2000 });
    probe(SA_A, 5);
    await waitUntil(() => peer.log.datagrams().length === 1, 'the probe');
    const tIn = peer.log.datagrams()[0].t;
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 50));
    expect(dut.received).to.have.length(0);
    clock.advance(1);
    await waitUntil(() => dut.received.length === 1, 'the delayed ACK');
    const out = peer.log.datagrams().find((e) => e.direction === 'out');
    expect(out?.behaviour).to.equal('delay-2000ms');
    expect(Number((out?.t ?? 0n) - tIn) / 1e6).to.equal(2000);
  });

  it('runs engine timers on the clock and cancels them on request', async () => {
    const sa = peer.initiate({ from: peerAt, to: dut.endpoint });
    await waitUntil(() => dut.received.length === 1, 'the first handshake message');
    clock.advance(499);
    expect(engine.timerCalls).to.deep.equal([]);
    clock.advance(1);
    expect(engine.timerCalls).to.deep.equal([`${sa}/retransmit`]);
    // Re-arm, then let the engine cancel it (the scripted sendDpd does): it must never fire.
    peer.initiate({ from: peerAt, to: dut.endpoint });
    peer.probe(sa);
    clock.advance(1000);
    expect(engine.timerCalls).to.have.length(1);
    expect(clock.pendingCount).to.equal(0);
  });

  it('corrupts outbound plaintext through the engine mutate hook, for the kinds asked only', async () => {
    peer.setBehaviour(SA_A, { corrupt: { field: 'hash', kinds: ['r-u-there-ack'] } });
    peer.setBehaviour(SA_B, { corrupt: { field: 'hash', kinds: ['delete'] } });
    probe(SA_A, 1);
    probe(SA_B, 2);
    await waitUntil(() => dut.received.length === 2, 'both ACKs');
    const tail = (seq: number) => dut.received.find((b) => b.readUInt32BE(17) === seq)?.[21];
    expect(tail(1)).to.equal(1);
    expect(tail(2)).to.equal(0);
    expect(peer.log.events.filter((e) => e.type === 'mark' && e.label.startsWith('corrupt hash: r-u-there-ack'))).to.have.length(1);
  });

  it('sends a crafted (malformed) message exactly as the codec encodes it, and logs it as raw', async () => {
    const message = {
      initiatorCookie: Uint8Array.from(Buffer.from('aa'.repeat(8), 'hex')),
      responderCookie: Uint8Array.from(Buffer.from('bb'.repeat(8), 'hex')),
      exchangeType: 5,
      flags: { encryption: false, commit: false, authOnly: false },
      messageId: 0x01020304,
      // Notify with SPI size 8 and 16 bytes of SPI: the inconsistency Libreswan answers with PAYLOAD-MALFORMED.
      payloads: [{ kind: 'notify' as const, doi: 1, protocolId: 1, spiSize: 8, notifyType: 36136, spi: new Uint8Array(16), data: Uint8Array.from([0, 0, 0, 1]) }],
    };
    await peer.sendMessage(peerAt, dut.endpoint, message);
    await waitUntil(() => dut.received.length === 1, 'the crafted message');
    expect(Array.from(dut.received[0])).to.deep.equal(Array.from(encodeMessage(message)));
    expect(dut.received[0][28 + 9]).to.equal(8);
    const [out] = peer.log.datagrams(SA_A);
    expect(out).to.include({ direction: 'out', behaviour: 'raw' });
    expect(out.summary).to.deep.equal({ exchangeType: 5, messageId: 0x01020304, kind: 'informational' });
  });

  it('logs what it can read from the clear header of a datagram dropped by silence-in', async () => {
    peer.setBehaviour('*', { silence: 'both' });
    const bytes = encodeMessage({ initiatorCookie: new Uint8Array(8).fill(0xaa), responderCookie: new Uint8Array(8).fill(0xbb), exchangeType: 5, flags: { encryption: true, commit: false, authOnly: false }, messageId: 77, payloads: [], encrypted: new Uint8Array(64) });
    dut.send(bytes, peerAt);
    await waitUntil(() => peer.log.datagrams().length === 1, 'the dropped datagram');
    expect(engine.received).to.have.length(0);
    expect(peer.log.datagrams(SA_A)[0].summary).to.deep.equal({ exchangeType: 5, messageId: 77, kind: 'informational' });
  });

  it('waits for an SA state by any id of the SA and by remote address', async () => {
    const early = '11'.repeat(8) + '00'.repeat(8);
    const established = peer.waitForSaState({ sa: early, phase: 1, state: 'established' }, 5000);
    const other = peer.waitForSaState({ remoteAddress: '127.0.0.9', phase: 1, state: 'established' }, 1000);
    dut.send(ScriptedEngine.packet('11'.repeat(8) + '22'.repeat(8), 3, 0), peerAt);
    const e = await established;
    expect(e.sa).to.equal('11'.repeat(8) + '22'.repeat(8));
    expect(e.remote.address).to.equal('127.0.0.1');
    clock.advance(1000);
    expect(await rejectionOf(other), 'no SA with 127.0.0.9').to.have.property('code', 'ERR_PEER_TIMEOUT');
  });

  it('tells the engine per SA whether to advertise the DPD vendor ID', () => {
    peer.setBehaviour(SA_A, { hideDpdVendorId: true });
    expect(engine.hooks.advertiseDpd(SA_A)).to.equal(false);
    expect(engine.hooks.advertiseDpd(SA_B)).to.equal(true);
  });
});
