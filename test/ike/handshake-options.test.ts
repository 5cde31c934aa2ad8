/**
 * Handshake knobs a scenario turns: INITIAL-CONTACT in MM5, the DPD vendor ID
 * hidden per SA, and Quick Mode retransmission and its answer to a
 * retransmitted QM1.
 */
import { expect } from 'chai';
import { NO_HOOKS } from '../../src/ike/index.js';
import { NOTIFY_TYPES as WIRE_NOTIFY_TYPES } from '../../src/wire/index.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

describe('IkeEngine handshake options', () => {
  it('initialContact puts N(INITIAL-CONTACT) in MM5, and the responder reports it', () => {
    const pair = new EnginePair(baseConfig('ic-a', { initialContact: true }), baseConfig('ic-b'));
    pair.initiate(false);
    expect(pair.eventsOf('b', 'notify-received')).to.deep.equal([{ kind: 'notify-received', notifyType: WIRE_NOTIFY_TYPES.INITIAL_CONTACT }]);
    const plain = new EnginePair(baseConfig('ic-a'), baseConfig('ic-b'));
    plain.initiate(false);
    expect(plain.eventsOf('b', 'notify-received')).to.deep.equal([]);
  });

  it('advertiseDpd false leaves the DPD vendor ID out of MM1, and the responder sees no DPD support', () => {
    const hidden = new EnginePair(baseConfig('vid-a'), baseConfig('vid-b'), { a: { ...NO_HOOKS, advertiseDpd: () => false } });
    hidden.initiate(false);
    const shown = new EnginePair(baseConfig('vid-a'), baseConfig('vid-b'));
    shown.initiate(false);
    const sa = (p: EnginePair) => p.b.get(p.b.list()[0])!;
    expect(sa(hidden).peerAdvertisedDpd).to.equal(false);
    expect(sa(shown).peerAdvertisedDpd).to.equal(true);
    // The vendor ID payload is 20 bytes: MM1 is that much shorter without it.
    expect(shown.deliveries[0].datagram.bytes.length - hidden.deliveries[0].datagram.bytes.length).to.equal(20);
  });

  it('an unanswered QM1 is retransmitted byte for byte; a retransmitted QM1 gets the same QM2 and one IPsec SA', () => {
    const pair = new EnginePair(baseConfig('qm-a', { retransmitMs: [300, 600] }), baseConfig('qm-b'));
    pair.initiate(false);
    const sa = pair.a.list()[0];
    pair.connected = false;
    pair.run('a', pair.a.quickMode(sa, 0n));
    expect(pair.timers.a.filter((t) => t.id.startsWith('qm:')).map((t) => t.ms)).to.deep.equal([300]);
    const qmTimer = pair.timers.a.find((t) => t.id.startsWith('qm:'))!.id;
    pair.fire('a', qmTimer);
    const [qm1, again] = pair.dropped.map((d) => d.datagram.bytes);
    expect(again).to.deep.equal(qm1);

    const first = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: qm1 }, 0n);
    const second = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: again }, 0n);
    const sent = (r: typeof first) => r.effects.flatMap((e) => (e.type === 'send' ? [e.datagram.bytes] : []));
    expect([first.rejected, second.rejected]).to.deep.equal([undefined, undefined]);
    expect(sent(second)).to.deep.equal(sent(first));
    pair.connected = true;
    pair.run('b', [{ type: 'send', datagram: first.effects.flatMap((e) => (e.type === 'send' ? [e.datagram] : []))[0] }]);
    expect(pair.timers.a.filter((t) => t.id.startsWith('qm:'))).to.deep.equal([]);
    expect(pair.a.get(sa)!.children).to.have.length(1);
    expect(pair.b.get(sa)!.children).to.have.length(1);
  });

  it('a QM1 never answered ends in a phase-2 failed event once the schedule is used up', () => {
    const pair = new EnginePair(baseConfig('qmf-a', { retransmitMs: [100] }), baseConfig('qmf-b'));
    pair.initiate(false);
    const sa = pair.a.list()[0];
    pair.connected = false;
    pair.run('a', pair.a.quickMode(sa, 0n));
    const id = pair.timers.a.find((t) => t.id.startsWith('qm:'))!.id;
    pair.fire('a', id);
    pair.fire('a', id);
    expect(pair.eventsOf('a', 'state').filter((e) => e.phase === 2).map((e) => e.state)).to.deep.equal(['failed']);
    // Phase 1 outlives a failed Quick Mode.
    expect(pair.a.get(sa)!.established).to.equal(true);
  });
});
