import { expect } from 'chai';
import type { EngineEffect } from '../../src/ike/index.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

/**
 * A responder keeps MM6 for a retransmitted MM5 (its peer may not have got it). Once the peer
 * sends DPD it has phase 1 up, so the kept message pair is dropped: at 10,000 SAs it is memory
 * that nothing will ask for again.
 */
describe('IKE engine: the kept phase-1 answer after DPD', () => {
  const sendCount = (effects: EngineEffect[]): number => effects.filter((e) => e.type === 'send').length;

  function upWithMm5(): { pair: EnginePair; sa: string; mm5: Uint8Array } {
    const pair = new EnginePair(baseConfig('kept-a'), baseConfig('kept-b'));
    const sa = pair.initiate(false);
    const [, , mm5] = pair.deliveries.filter((d) => d.from === 'a').map((d) => d.datagram.bytes);
    return { pair, sa, mm5 };
  }
  /** `bytes` from the initiator, as if retransmitted. */
  const again = (pair: EnginePair, mm5: Uint8Array) => pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: mm5 }, 0n);

  it('before any DPD, a retransmitted MM5 gets MM6 again', () => {
    const { pair, mm5 } = upWithMm5();
    expect(sendCount(again(pair, mm5).effects)).to.equal(1);
    expect(sendCount(again(pair, mm5).effects)).to.equal(1);
  });

  it('after an R-U-THERE from the peer, an MM5 is no longer answered but refused as unexpected', () => {
    const { pair, sa, mm5 } = upWithMm5();
    const [probe] = pair.run('a', pair.a.sendDpd(sa, 0n, 7));
    expect(probe.result.summary?.kind).to.equal('r-u-there');
    const late = again(pair, mm5);
    expect(sendCount(late.effects)).to.equal(0);
    expect(late.rejected?.code).to.equal('ERR_IKE_UNEXPECTED');
  });

  it('a Quick Mode answer kept for a retransmitted QM1 stays through DPD', () => {
    const { pair, sa } = upWithMm5();
    pair.connected = false;
    pair.run('a', pair.a.quickMode(sa, 0n));
    const [qm1] = pair.dropped.map((d) => d.datagram.bytes);
    const first = again(pair, qm1);
    expect(sendCount(first.effects)).to.equal(1);
    pair.connected = true;
    pair.run('a', pair.a.sendDpd(sa, 0n, 8));
    expect(sendCount(again(pair, qm1).effects)).to.equal(1);
  });
});
