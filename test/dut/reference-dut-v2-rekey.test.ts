// The IKEv2 reference DUT answers the peer's IKE SA rekey (RFC 7296 §1.3.2, §2.18) and keeps
// its DPD on the new SA: in memory, on a fake clock, the DUT against a bare IKEv2 engine
// whose rekeying side is driven through its SA context (the engine does not start rekeys).
import { expect } from 'chai';
import { createDhKeyPair } from '../../src/crypto/dh-group.js';
import { ReferenceDutV2 } from '../../src/dut/reference-dut-v2.js';
import type { Endpoint } from '../../src/events.js';
import { hex } from '../../src/ike/bytes.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { ikeSaPayload } from '../../src/ike/v2/ikev2-proposals.js';
import type { Ikev2Effect } from '../../src/ike/v2/ikev2-effects.js';
import { openMessage } from '../../src/ike/v2/ikev2-protection.js';
import { IKEV2_EXCHANGE_TYPES } from '../../src/wire/ikev2/constants.js';
import { decodeIkev2Message } from '../../src/wire/ikev2/message.js';
import { FakeClock } from '../support/fake-clock.js';
import { seededRandom } from '../support/seeded-random.js';
import { INITIATOR, mirror, RESPONDER, v2Config } from '../ike/v2/ikev2-pair.js';

describe('IKEv2 reference DUT: IKE SA rekey by the peer', () => {
  it('answers CREATE_CHILD_SA, lists the new IKE SA with the CHILD_SA, survives the old one\'s Delete and probes on the new one', () => {
    const clock = new FakeClock();
    const wire: Array<{ from: Endpoint; to: Endpoint; bytes: Uint8Array }> = [];
    const peer = new Ikev2Engine(v2Config('rekey-peer'));
    const { random: _r, ...engine } = mirror(v2Config('rekey-dut'));
    const dut = new ReferenceDutV2({
      clock, random: seededRandom('rekey-dut'), local: RESPONDER, peerEndpoints: [INITIATOR],
      dpd: { interval: 10, retryInterval: 2, retransmissions: 4, mode: 'periodic', peers: [0], onDead: 'clear' }, engine,
    }, (from, to, bytes) => wire.push({ from, to, bytes }));
    const toDut: Uint8Array[] = [];
    /** Delivers the peer's sends to the DUT and the DUT's to the peer until both are quiet. */
    const run = (effects: Ikev2Effect[]): void => {
      for (const e of effects) if (e.type === 'send') toDut.push(e.datagram.bytes);
      while (toDut.length > 0 || wire.length > 0) {
        const b = toDut.shift();
        if (b) dut.receive({ local: RESPONDER, remote: INITIATOR, bytes: b });
        const out = wire.shift();
        if (out) for (const e of peer.receive({ local: INITIATOR, remote: RESPONDER, bytes: out.bytes }, 0n).effects) if (e.type === 'send') toDut.push(e.datagram.bytes);
      }
    };
    run(peer.initiate({ from: INITIATOR, to: RESPONDER }, 0n).effects);
    const [old] = peer.list();
    expect(dut.listSas().map((s) => s.children.length)).to.deep.equal([1]);

    const ctx = peer.get(old!)!.ctx;
    const proposal = ctx.config.proposals[0]!;
    const rnd = seededRandom('rekey-nonce');
    const newSpiI = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    run(ctx.request(IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA, [ikeSaPayload([proposal], newSpiI), { kind: 'nonce', data: rnd.bytes(32) }, { kind: 'ke', dhGroup: proposal.group, data: createDhKeyPair(proposal.group, rnd).publicKey }]).effects);
    // The new IKE SA is the one listed from the rekey on, with the CHILD_SA it took over.
    expect(dut.listSas().map((s) => s.children.length)).to.deep.equal([1]);
    run(peer.deleteIke(old!, 0n));
    const sas = dut.listSas();
    expect(sas).to.have.length(1);
    expect(sas[0]!.children).to.have.length(1);

    clock.advance(10_000);
    const probe = wire.at(-1)!;
    const msg = decodeIkev2Message(probe.bytes);
    expect(hex(msg.initiatorSpi)).to.equal(hex(newSpiI));
    expect(msg.exchangeType).to.equal(IKEV2_EXCHANGE_TYPES.INFORMATIONAL);
    // §2.18: a new IKE SA's message IDs start at 0.
    expect(msg.messageId).to.equal(0);
    expect(() => openMessage(ctx.crypto!, msg, probe.bytes)).to.throw();
  });
});
