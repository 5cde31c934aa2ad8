import { expect } from 'chai';
import type { EngineEffect, OutboundDatagram, PlaintextMessage } from '../../src/ike/index.js';
import { NO_HOOKS } from '../../src/ike/index.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

/**
 * The Informational path writes IVs and HASH checks into buffers each SA reuses, and decodes
 * decrypted plaintext into views: whatever a caller keeps — a sent datagram, the request kept
 * for a retransmission, the payloads a behaviour saw — must still hold its own bytes after the
 * next message went through the same buffers.
 */
describe('IKE engine: buffers reused per SA never reach what a caller keeps', () => {
  const sends = (effects: EngineEffect[]): OutboundDatagram[] => effects.flatMap((e) => (e.type === 'send' ? [e.datagram] : []));

  function pairWithKeptPayloads(): { pair: EnginePair; sa: string; seen: { message: PlaintextMessage; copy: Uint8Array[] }[] } {
    const seen: { message: PlaintextMessage; copy: Uint8Array[] }[] = [];
    const keeping = {
      ...NO_HOOKS,
      mutate(_sa: string, _summary: unknown, message: PlaintextMessage): PlaintextMessage {
        seen.push({ message, copy: message.payloads.map((p) => (p.kind === 'hash' || p.kind === 'notify' ? p.data.slice() : new Uint8Array(0))) });
        return message;
      },
    };
    const pair = new EnginePair(baseConfig('reuse-a'), baseConfig('reuse-b'), { b: keeping });
    const sa = pair.initiate(false);
    seen.length = 0;
    return { pair, sa, seen };
  }

  function answer(pair: EnginePair, request: OutboundDatagram): OutboundDatagram {
    const got = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: request.bytes }, 0n);
    const asked = got.effects.find((e) => e.type === 'event' && e.event.kind === 'dpd-request');
    if (asked?.type !== 'event' || asked.event.kind !== 'dpd-request') throw new Error('no dpd-request');
    const [ack] = sends(pair.b.answerDpd(asked.sa, asked.event.ticket, asked.event.seq, 0n));
    return ack;
  }

  it('an ACK sent, its request and the payloads a behaviour kept are unchanged by the next R-U-THERE', () => {
    const { pair, sa, seen } = pairWithKeptPayloads();
    const [first] = sends(pair.a.sendDpd(sa, 0n, 0x1111));
    const firstRequest = first.bytes.slice();
    const firstAck = answer(pair, first);
    const firstAckCopy = firstAck.bytes.slice();
    const [second] = sends(pair.a.sendDpd(sa, 0n, 0x2222));
    const secondAck = answer(pair, second);

    expect(first.bytes).to.deep.equal(firstRequest);
    expect(firstAck.bytes).to.deep.equal(firstAckCopy);
    expect(secondAck.bytes).to.not.deep.equal(firstAck.bytes);
    expect(seen).to.have.length(2);
    expect(seen[0].message.payloads.map((p) => (p.kind === 'hash' || p.kind === 'notify' ? p.data : new Uint8Array(0)))).to.deep.equal(seen[0].copy);
    expect(seen[0].copy[0]).to.not.deep.equal(seen[1].copy[0]);

    // Both ACKs still decrypt and verify at the prober, in the reverse order.
    const acked = (d: OutboundDatagram): number[] =>
      pair.a.receive({ local: INITIATOR, remote: RESPONDER, bytes: d.bytes }, 0n).effects.flatMap((e) => (e.type === 'event' && e.event.kind === 'dpd-ack' ? [e.event.seq] : []));
    expect(acked(secondAck)).to.deep.equal([0x2222]);
    expect(acked(firstAck)).to.deep.equal([0x1111]);
  });

  it('a retransmitted R-U-THERE gets its own ACK again, byte for byte, after other messages used the buffers', () => {
    const { pair, sa } = pairWithKeptPayloads();
    const [first] = sends(pair.a.sendDpd(sa, 0n, 7));
    const firstAck = answer(pair, first);
    const firstAckCopy = firstAck.bytes.slice();
    answer(pair, sends(pair.a.sendDpd(sa, 0n, 8))[0]);
    const again = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: first.bytes }, 0n);
    expect(again.rejected?.code).to.equal('ERR_IKE_REPLAY');
    expect(sends(again.effects).map((d) => d.bytes)).to.deep.equal([firstAckCopy]);
  });
});
