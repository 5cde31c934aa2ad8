/**
 * The R-U-THERE sequence policy (RFC 3706 §6.1 and the two behaviours of
 * protocol-digest.md §4.3), alone and through the engine's sendDpd().
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DpdSequence } from '../../src/ike/dpd-sequence.js';
import type { Random } from '../../src/events.js';
import { baseConfig, EnginePair } from './engine-pair.js';

const fixedRandom = (bytes: number[]): Random => ({ bytes: (n) => Uint8Array.from(bytes.slice(0, n)) });

describe('DpdSequence', () => {
  it('starts at a random 31-bit value (RFC 3706 §6.1: MSB clear so the counter does not wrap soon)', () => {
    expect(new DpdSequence({ retry: 'increment' }, fixedRandom([0xff, 0x12, 0x34, 0x56])).take()).to.equal(0x7f123456);
    expect(new DpdSequence({ retry: 'increment' }, fixedRandom([0x00, 0x00, 0x00, 0x07])).take()).to.equal(7);
  });

  it('draws its start from uint32() when the random source has one, not from bytes()', () => {
    const random: Random = { bytes: () => Uint8Array.of(0, 0, 0, 1), uint32: () => 0xfedcba98 };
    expect(new DpdSequence({ retry: 'increment' }, random).take()).to.equal(0x7edcba98);
  });

  it("'increment' takes the next number on every probe, answered or not (Libreswan)", () => {
    const seq = new DpdSequence({ start: 100, retry: 'increment' }, fixedRandom([]));
    expect([seq.take(), seq.take(), seq.take()]).to.deep.equal([100, 101, 102]);
    expect(seq.acknowledge(102)).to.equal(true);
    expect(seq.take()).to.equal(103);
  });

  it("'repeat-until-ack' repeats the unanswered number and moves on after its ACK (strongSwan, isakmpd)", () => {
    const seq = new DpdSequence({ start: 500, retry: 'repeat-until-ack' }, fixedRandom([]));
    expect([seq.take(), seq.take(), seq.take()]).to.deep.equal([500, 500, 500]);
    expect(seq.acknowledge(499)).to.equal(false);
    expect(seq.acknowledge(501)).to.equal(false);
    expect(seq.take()).to.equal(500);
    expect(seq.acknowledge(500)).to.equal(true);
    expect([seq.take(), seq.take()]).to.deep.equal([501, 501]);
  });

  it('an ACK for an older unanswered probe counts; one for a number never sent does not', () => {
    const seq = new DpdSequence({ start: 10, retry: 'increment' }, fixedRandom([]));
    seq.take();
    seq.take();
    seq.take();
    expect(seq.acknowledge(13)).to.equal(false);
    expect(seq.acknowledge(11)).to.equal(true);
    expect(seq.acknowledge(10)).to.equal(false);
    expect(seq.acknowledge(12)).to.equal(true);
    expect(seq.acknowledge(12)).to.equal(false);
  });

  it('ACKs match across the 32-bit wrap', () => {
    const seq = new DpdSequence({ start: 0xffffffff, retry: 'increment' }, fixedRandom([]));
    expect([seq.take(), seq.take(), seq.take()]).to.deep.equal([0xffffffff, 0, 1]);
    expect(seq.acknowledge(2)).to.equal(false);
    expect(seq.acknowledge(0)).to.equal(true);
    expect(seq.acknowledge(0xffffffff)).to.equal(false);
    expect(seq.acknowledge(1)).to.equal(true);
  });

  it("'increment' is +1 modulo 2^32 from any start (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 20 }), (start, n) => {
        const seq = new DpdSequence({ start, retry: 'increment' }, fixedRandom([]));
        for (let i = 0; i < n; i++) expect(seq.take()).to.equal((start + i) % 2 ** 32);
      }),
    );
  });
});

describe('IkeEngine sendDpd sequence numbers', () => {
  const seqsSent = (pair: EnginePair) => pair.deliveries.filter((d) => d.from === 'a' && d.datagram.summary.kind === 'r-u-there').map((d) => d.datagram.summary.seq);

  it("'repeat-until-ack': unanswered probes repeat the seq, each in a fresh M-ID; after an ACK the next probe takes seq+1", () => {
    const pair = new EnginePair(baseConfig('seq-a', { dpdSequence: { start: 0x1000, retry: 'repeat-until-ack' } }), baseConfig('seq-b'));
    pair.initiate(false);
    const sa = pair.a.list()[0];
    pair.run('a', pair.a.sendDpd(sa, 0n));
    pair.run('a', pair.a.sendDpd(sa, 0n));
    const probes = pair.deliveries.filter((d) => d.datagram.summary.kind === 'r-u-there');
    expect(probes.map((d) => d.datagram.summary.seq)).to.deep.equal([0x1000, 0x1000]);
    expect(probes[0].datagram.summary.messageId).to.not.equal(probes[1].datagram.summary.messageId);
    const [request] = pair.eventsOf('b', 'dpd-request');
    pair.run('b', pair.b.answerDpd(sa, request.ticket, request.seq, 0n));
    pair.run('a', pair.a.sendDpd(sa, 0n));
    expect(seqsSent(pair)).to.deep.equal([0x1000, 0x1000, 0x1001]);
  });

  it("'increment': every probe takes the next seq; an explicit seq goes out as given", () => {
    const pair = new EnginePair(baseConfig('inc-a', { dpdSequence: { start: 0xfffffffe, retry: 'increment' } }), baseConfig('inc-b'));
    pair.initiate(false);
    const sa = pair.a.list()[0];
    for (let i = 0; i < 3; i++) pair.run('a', pair.a.sendDpd(sa, 0n));
    pair.run('a', pair.a.sendDpd(sa, 0n, 42));
    expect(seqsSent(pair)).to.deep.equal([0xfffffffe, 0xffffffff, 0, 42]);
  });

  it('an explicit message ID (0xffffffff, or one already used) goes out as given, with HASH(1) and IV for it: the other side opens it', () => {
    const pair = new EnginePair(baseConfig('mid-a'), baseConfig('mid-b'));
    pair.initiate(false);
    const sa = pair.a.list()[0];
    pair.run('a', pair.a.sendDpd(sa, 0n, undefined, { messageId: 0xffffffff }));
    pair.run('a', pair.a.sendDpd(sa, 0n, undefined, { messageId: 0xffffffff }));
    const probes = pair.deliveries.filter((d) => d.from === 'a' && d.datagram.summary.kind === 'r-u-there');
    expect(probes.map((d) => d.datagram.summary.messageId)).to.deep.equal([0xffffffff, 0xffffffff]);
    // The first opens and verifies; the second is a replay of its message ID (a new seq, so not a retransmission).
    expect(pair.eventsOf('b', 'dpd-request').map((e) => e.messageId)).to.deep.equal([0xffffffff]);
  });
});
