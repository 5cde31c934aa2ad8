import { expect } from 'chai';
import { ReceiveStampQueue } from '../../src/peer/receive-stamp-queue.js';

const DUT = { address: '198.51.100.2', port: 500 };
const PEER = { address: '198.51.100.1', port: 500 };
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('peer/receive-stamp-queue', () => {
  it('gives the stamp of the packet with the same addresses, ports and payload, once', () => {
    const q = new ReceiveStampQueue(2_000_000_000n);
    q.add({ t: 100n, src: DUT, dst: PEER, payload: bytes(1, 2, 3) });
    q.add({ t: 200n, src: DUT, dst: PEER, payload: bytes(4, 5, 6) });
    expect(q.take(DUT, PEER, bytes(4, 5, 6), 1_000n)).to.equal(200n);
    expect(q.take(DUT, PEER, bytes(4, 5, 6), 1_000n), 'a stamp is claimed only once').to.equal(undefined);
    expect(q.take(DUT, PEER, bytes(1, 2, 3), 1_000n)).to.equal(100n);
    expect(q.size).to.equal(0);
  });

  it('gives identical retransmissions their stamps oldest first', () => {
    const q = new ReceiveStampQueue(2_000_000_000n);
    for (const t of [300n, 400n, 500n]) q.add({ t, src: DUT, dst: PEER, payload: bytes(9, 9) });
    expect([1, 2, 3].map(() => q.take(DUT, PEER, bytes(9, 9), 1_000n))).to.deep.equal([300n, 400n, 500n]);
  });

  it('does not give a stamp for another source port, destination, direction or payload', () => {
    const q = new ReceiveStampQueue(2_000_000_000n);
    q.add({ t: 100n, src: DUT, dst: PEER, payload: bytes(1, 2, 3) });
    expect(q.take({ ...DUT, port: 4500 }, PEER, bytes(1, 2, 3), 1_000n)).to.equal(undefined);
    expect(q.take(DUT, { ...PEER, address: '198.51.100.3' }, bytes(1, 2, 3), 1_000n)).to.equal(undefined);
    expect(q.take(PEER, DUT, bytes(1, 2, 3), 1_000n)).to.equal(undefined);
    expect(q.take(DUT, PEER, bytes(1, 2), 1_000n)).to.equal(undefined);
    expect(q.take(DUT, PEER, bytes(1, 2, 4), 1_000n)).to.equal(undefined);
    expect(q.size).to.equal(1);
  });

  it('drops stamps nobody claimed within the keep time', () => {
    const q = new ReceiveStampQueue(1_000n);
    q.add({ t: 100n, src: DUT, dst: PEER, payload: bytes(1) });
    q.add({ t: 900n, src: DUT, dst: PEER, payload: bytes(2) });
    q.expire(1_500n);
    expect(q.size).to.equal(1);
    expect(q.take(DUT, PEER, bytes(1), 1_500n)).to.equal(undefined);
    expect(q.take(DUT, PEER, bytes(2), 1_900n), 'still within the keep time').to.equal(900n);
  });
});
