import { expect } from 'chai';
import fc from 'fast-check';
import { datagramBytes } from '../../src/ike/datagram-slab.js';

describe('datagramBytes: outbound datagrams carved from shared slabs', () => {
  it('every datagram is zeroed, exactly as long as asked, and no write to one reaches another', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 40 }), (lengths) => {
        const got = lengths.map((n) => datagramBytes(n));
        got.forEach((d, i) => {
          expect(d.length).to.equal(lengths[i]);
          expect(d.every((b) => b === 0)).to.equal(true);
        });
        got.forEach((d, i) => d.fill(i + 1));
        got.forEach((d, i) => expect(d.every((b) => b === i + 1)).to.equal(true));
      }),
    );
  });

  it('a datagram over half a slab has a buffer of its own', () => {
    const big = datagramBytes(600);
    expect(big.byteOffset).to.equal(0);
    expect(big.buffer.byteLength).to.equal(600);
  });
});
