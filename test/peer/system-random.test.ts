import { expect } from 'chai';
import { systemRandom } from '../../src/peer/system-random.js';

describe('peer/system-random', () => {
  it('returns the length asked for, across pool refills and beyond the pool size', () => {
    for (const n of [0, 1, 4, 8, 32, 4095, 4096, 4097, 10_000]) expect(systemRandom.bytes(n)).to.have.length(n);
  });

  it('never hands out the same bytes twice (1,000 × 8-byte cookies, all distinct)', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => Buffer.from(systemRandom.bytes(8)).toString('hex')));
    expect(seen.size).to.equal(1000);
  });

  it('gives each caller its own copy', () => {
    const a = systemRandom.bytes(16);
    const copy = a.slice();
    systemRandom.bytes(16).fill(0);
    expect(Array.from(a)).to.deep.equal(Array.from(copy));
  });

  it('uint32 draws 32-bit values across pool refills, never the same bytes as bytes() (2,000 draws between cookies)', () => {
    const values = Array.from({ length: 2000 }, () => (systemRandom.uint32 as () => number)());
    for (const v of values) expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).to.equal(true);
    // 2,000 draws span two 4 KiB refills; uniform 32-bit values repeat with odds about 1 in 2,000.
    expect(new Set(values).size).to.be.greaterThan(1995);
    // The high bit is set about half the time: the value is unsigned, not a negative int32.
    expect(values.filter((v) => v >= 0x80000000).length).to.be.within(850, 1150);
  });
});
