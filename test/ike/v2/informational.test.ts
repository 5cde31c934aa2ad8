// INFORMATIONAL exchanges and the message window between two engines: liveness both ways and held
// for the owner, retransmission on the strongSwan schedule until giving up, cached answers to
// retransmitted requests, responses and requests with wrong message IDs, Delete, unprotected and
// badly protected messages, and INVALID_IKE_SPI from a peer that lost its state.
import { expect } from 'chai';
import { hex } from '../../../src/ike/bytes.js';
import { strongswanRetransmitMs } from '../../../src/ike/v2/ikev2-config.js';
import { IKEV2_NOTIFY_TYPES } from '../../../src/wire/ikev2/constants.js';
import { mirror, v2Config, V2Pair } from './ikev2-pair.js';

function upPair(seed: string, responder: Partial<Parameters<typeof v2Config>[1]> = {}): { pair: V2Pair; sa: string } {
  const a = v2Config(seed);
  const pair = new V2Pair(a, { ...mirror(a), random: v2Config(`${seed}-b`).random, ...responder });
  pair.initiate();
  const [sa] = pair.a.list();
  expect(pair.states('a', 'child')).to.deep.equal(['established']);
  return { pair, sa: sa! };
}

describe('IKEv2 engine: INFORMATIONAL and the message window', () => {
  it('sends an empty liveness request under the next message ID and reads the empty response (RFC 7296 §2.4)', () => {
    const { pair, sa } = upPair('live');
    const [request, response] = pair.run('a', pair.a.sendLiveness(sa, 0n));
    expect(request!.datagram.summary).to.deep.include({ exchange: 'INFORMATIONAL', messageId: 2, response: false, payloads: [], liveness: true });
    // On the wire it is one SK payload with nothing inside.
    expect([request!.datagram.bytes[16], request!.datagram.bytes[28]]).to.deep.equal([46, 0]);
    expect(request!.result.summary).to.deep.include({ liveness: true, payloads: [] });
    expect(response!.result.summary).to.deep.include({ messageId: 2, response: true, liveness: true });
    expect(pair.events.a.filter((e) => e.kind === 'liveness-response')).to.deep.equal([{ kind: 'liveness-response', messageId: 2 }]);
    expect(pair.events.b.filter((e) => e.kind === 'liveness-request')).to.have.length(1);
    expect(pair.timers.a).to.deep.equal([]);
  });

  it("answers the responder's own liveness requests, which use its own message IDs from 0", () => {
    const { pair, sa } = upPair('live-b');
    const [request, response] = pair.run('b', pair.b.sendLiveness(sa, 0n));
    expect(request!.datagram.summary.messageId).to.equal(0);
    expect(response!.result.rejected).to.equal(undefined);
    expect(pair.events.b.some((e) => e.kind === 'liveness-response')).to.equal(true);
  });

  it('holds liveness requests for the owner (liveness: owner), who answers late; retransmissions meanwhile are not answered', () => {
    const { pair, sa } = upPair('owner', { liveness: 'owner' });
    const first = pair.run('a', pair.a.sendLiveness(sa, 0n));
    expect(first).to.have.length(1);
    const retransmit = pair.fire('a');
    expect(retransmit.ms).to.equal(4000);
    expect(retransmit.deliveries).to.have.length(1);
    const held = pair.events.b.filter((e) => e.kind === 'liveness-request');
    expect(held.map((e) => e.kind === 'liveness-request' && e.ticket)).to.deep.equal([2, 2]);
    const late = pair.run('b', pair.b.respondNow(sa, 2, 0n));
    expect(late.map((d) => d.result.rejected)).to.deep.equal([undefined]);
    expect(pair.events.a.some((e) => e.kind === 'liveness-response')).to.equal(true);
    expect(() => pair.b.respondNow(sa, 2, 0n)).to.throw().with.property('code', 'ERR_IKE_UNEXPECTED');
  });

  it('retransmits on the strongSwan schedule (4 s × 1.8^n, five tries) and gives up with an event', () => {
    const { pair, sa } = upPair('give-up');
    pair.deaf.add('a');
    pair.run('a', pair.a.sendLiveness(sa, 0n));
    const waits: number[] = [];
    while (pair.timers.a.length > 0) waits.push(pair.fire('a').ms);
    expect(waits).to.deep.equal(strongswanRetransmitMs());
    expect(waits).to.deep.equal([4000, 7200, 12960, 23328, 41990, 75583]);
    expect(pair.dropped.map((d) => d.datagram.summary.messageId)).to.deep.equal([2, 2, 2, 2, 2, 2]);
    // Every transmission is the same datagram (RFC 7296 §2.1).
    expect(new Set(pair.dropped.map((d) => hex(d.datagram.bytes))).size).to.equal(1);
    expect(pair.events.a.filter((e) => e.kind === 'retransmit').map((e) => e.kind === 'retransmit' && e.attempt)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(pair.events.a.find((e) => e.kind === 'gave-up')).to.deep.equal({ kind: 'gave-up', exchange: 'INFORMATIONAL', messageId: 2, transmissions: 6 });
    expect(pair.states('a', 'ike').at(-1)).to.equal('expired');
    expect(pair.states('a', 'child').at(-1)).to.equal('expired');
    expect(pair.a.list()).to.deep.equal([]);
  });

  it('follows a configured schedule', () => {
    const a = v2Config('custom', { retransmitMs: [500, 1000] });
    const pair = new V2Pair(a);
    pair.deaf.add('a');
    pair.initiate();
    expect([pair.fire('a').ms, pair.fire('a').ms]).to.deep.equal([500, 1000]);
    expect(pair.dropped).to.have.length(2);
    expect(pair.events.a.find((e) => e.kind === 'gave-up')).to.include({ exchange: 'IKE_SA_INIT', transmissions: 2 });
  });

  it("answers a retransmitted request with the cached response, byte for byte, without acting twice (RFC 7296 §2.1)", () => {
    const { pair, sa } = upPair('cache');
    const [request, response] = pair.run('a', pair.a.deleteChild(sa, 0n));
    const again = pair.redeliver('a', request!.datagram);
    const resent = again.find((d) => d.from === 'b')!;
    expect(hex(resent.datagram.bytes)).to.equal(hex(response!.datagram.bytes));
    expect(pair.events.b.filter((e) => e.kind === 'cached-response')).to.deep.equal([{ kind: 'cached-response', messageId: 2 }]);
    expect(pair.states('b', 'child')).to.deep.equal(['established', 'deleted']);
    // The initiator already had this response: the second copy answers nothing outstanding.
    expect(resent.result.rejected?.code).to.equal('ERR_IKE_UNEXPECTED');
  });

  it('names a retransmitted liveness request a liveness request again: the responder opens it before answering from its cache', () => {
    const { pair, sa } = upPair('cache-live');
    const [request] = pair.run('a', pair.a.sendLiveness(sa, 0n));
    const again = pair.redeliver('a', request!.datagram);
    expect(again[0]!.result.summary).to.deep.include({ messageId: 2, liveness: true, payloads: [] });
    expect(pair.events.b.filter((e) => e.kind === 'cached-response')).to.deep.equal([{ kind: 'cached-response', messageId: 2 }]);
  });

  it('resends its answered request byte for byte with retransmit: true, and builds a new one when no request had that ID (RFC 7296 §2.1)', () => {
    const { pair, sa } = upPair('repeat');
    const [first] = pair.run('a', pair.a.sendLiveness(sa, 0n));
    const [repeat, answer] = pair.run('a', pair.a.sendLiveness(sa, 0n, { messageId: 2, retransmit: true }));
    expect(hex(repeat!.datagram.bytes)).to.equal(hex(first!.datagram.bytes));
    expect(repeat!.result.summary).to.deep.include({ messageId: 2, liveness: true });
    expect(answer!.result.rejected).to.equal(undefined);
    expect(pair.events.a.filter((e) => e.kind === 'liveness-response')).to.have.length(2);
    const [fresh] = pair.run('a', pair.a.sendLiveness(sa, 0n, { messageId: 1, retransmit: true }));
    expect(fresh!.datagram.summary.messageId).to.equal(1);
    expect(hex(fresh!.datagram.bytes)).to.not.equal(hex(first!.datagram.bytes));
  });

  it('names the answer to a one-shot request as what it is, and acts on nothing', () => {
    const { pair, sa } = upPair('one-shot');
    // Under the next message ID, so this responder (which drops requests outside its window) answers it.
    const [request, answer] = pair.run('a', pair.a.sendLiveness(sa, 0n, { oneShot: true }));
    expect(request!.datagram.summary.messageId).to.equal(2);
    expect(answer!.result.rejected).to.equal(undefined);
    expect(answer!.result.summary).to.deep.include({ messageId: 2, response: true, liveness: true });
    expect(pair.events.a.some((e) => e.kind === 'liveness-response')).to.equal(false);
    expect(pair.timers.a).to.deep.equal([]);
  });

  it('ignores and logs a response with a wrong message ID and keeps retransmitting its request', () => {
    const { pair, sa } = upPair('wrong-id', { liveness: 'owner' });
    pair.run('a', pair.a.sendLiveness(sa, 0n));
    const [wrong] = pair.run('b', pair.b.respondNow(sa, 2, 0n, { messageId: 7 }));
    expect(wrong!.result.rejected?.code).to.equal('ERR_IKE_UNEXPECTED');
    expect(pair.events.a.find((e) => e.kind === 'ignored')).to.include({ code: 'ERR_IKE_UNEXPECTED', messageId: 7 });
    expect(pair.events.a.some((e) => e.kind === 'liveness-response')).to.equal(false);
    expect(pair.timers.a).to.have.length(1);
    // Our answer moved the responder's window on, so the retransmission gets the cached (wrong) answer again.
    const { deliveries } = pair.fire('a');
    expect(deliveries.map((d) => d.result.rejected?.code)).to.deep.equal([undefined, 'ERR_IKE_UNEXPECTED']);
  });

  it('ignores a request under a message ID outside the window (a fault the owner asked for)', () => {
    const { pair, sa } = upPair('request-id');
    const [request] = pair.run('a', pair.a.sendLiveness(sa, 0n, { messageId: 9 }));
    expect(request!.result.rejected?.code).to.equal('ERR_IKE_REPLAY');
    expect(pair.events.b.find((e) => e.kind === 'ignored')).to.include({ code: 'ERR_IKE_REPLAY', messageId: 9 });
  });

  for (const protection of ['clear', 'bad-icv'] as const) {
    it(`drops a ${protection === 'clear' ? 'unprotected' : 'badly protected'} INFORMATIONAL without answering (RFC 7296 §2.21.2)`, () => {
      const { pair, sa } = upPair(`prot-${protection}`);
      const out = pair.run('a', pair.a.sendLiveness(sa, 0n, { protection }));
      expect(out).to.have.length(1);
      expect(out[0]!.result.rejected?.code).to.equal(protection === 'clear' ? 'ERR_IKE_UNENCRYPTED' : 'ERR_IKE_BAD_HASH');
      expect(pair.events.b.some((e) => e.kind === 'liveness-request')).to.equal(false);
    });
  }

  it('deletes the IKE SA and its CHILD_SA on both sides with Delete (RFC 7296 §1.4.1)', () => {
    const { pair, sa } = upPair('delete-ike');
    const [request, response] = pair.run('a', pair.a.deleteIke(sa, 0n));
    expect(request!.result.summary!.payloads).to.deep.equal(['delete']);
    expect(response!.result.summary!.payloads).to.deep.equal([]);
    for (const side of ['a', 'b'] as const) {
      expect(pair.states(side, 'ike').at(-1)).to.equal('deleted');
      expect(pair.states(side, 'child').at(-1)).to.equal('deleted');
      expect(pair.engine(side).list()).to.deep.equal([]);
    }
    expect(pair.events.b.find((e) => e.kind === 'delete-received')).to.deep.equal({ kind: 'delete-received', protocolId: 1, spis: [] });
  });

  it('deletes the CHILD_SA: the answer names the peer’s inbound SPI of the pair', () => {
    const { pair, sa } = upPair('delete-child');
    const child = pair.a.get(sa)!.ctx.children[0]!;
    pair.run('a', pair.a.deleteChild(sa, 0n));
    expect(pair.events.b.find((e) => e.kind === 'delete-received')).to.deep.equal({ kind: 'delete-received', protocolId: 3, spis: [hex(child.spiIn)] });
    expect(pair.states('a', 'child').at(-1)).to.equal('deleted');
    expect(pair.states('b', 'child').at(-1)).to.equal('deleted');
    expect(pair.a.list()).to.deep.equal([sa]);
  });

  it('reports an unprotected INVALID_IKE_SPI from a peer that lost its state (RFC 7296 §2.21.4)', () => {
    const { pair, sa } = upPair('lost', { answerUnknownSpi: true });
    pair.b.loseState(sa);
    const [request, answer] = pair.run('a', pair.a.sendLiveness(sa, 0n));
    expect(request!.result.rejected?.code).to.equal('ERR_IKE_UNKNOWN_SA');
    expect(answer!.datagram.summary).to.deep.include({ response: true, notifyTypes: [IKEV2_NOTIFY_TYPES.INVALID_IKE_SPI], messageId: 2 });
    expect(answer!.result.rejected?.code).to.equal('ERR_IKE_UNENCRYPTED');
    expect(pair.events.a.find((e) => e.kind === 'notify-received')).to.deep.equal({ kind: 'notify-received', notifyType: IKEV2_NOTIFY_TYPES.INVALID_IKE_SPI, response: true, unprotected: true });
  });

  it('stays silent for an SA it does not hold unless asked to answer', () => {
    const { pair, sa } = upPair('lost-silent');
    pair.b.loseState(sa);
    const out = pair.run('a', pair.a.sendLiveness(sa, 0n));
    expect(out).to.have.length(1);
    expect(out[0]!.result.rejected?.code).to.equal('ERR_IKE_UNKNOWN_SA');
  });

  it('refuses a second request while one is outstanding (window size 1, RFC 7296 §2.3)', () => {
    const { pair, sa } = upPair('window');
    pair.deaf.add('a');
    pair.run('a', pair.a.sendLiveness(sa, 0n));
    expect(() => pair.a.sendLiveness(sa, 0n)).to.throw().with.property('code', 'ERR_IKE_UNEXPECTED');
  });
});
