/** RFC 4303 §3.3.3 sequence numbers and the §3.4.3 anti-replay window (64 packets by default). */
import { expect } from 'chai';
import fc from 'fast-check';
import { CryptoError } from '../../src/errors.js';
import { acceptSequence, nextSequence, replayVerdict, replayWindow, type ReplayWindow } from '../../src/crypto/esp-replay-window.js';

const acceptAll = (w: ReplayWindow, seqs: number[]): ReplayWindow => seqs.reduce(acceptSequence, w);

describe('ESP sequence numbers and anti-replay window (RFC 4303 §3.3.3, §3.4.3)', () => {
  it('the first packet carries 1; the counter never cycles past 2^32-1', () => {
    expect(nextSequence(0)).to.equal(1);
    expect(nextSequence(0xfffffffe)).to.equal(0xffffffff);
    expect(() => nextSequence(0xffffffff)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => nextSequence(-1)).to.throw(CryptoError);
  });

  it('accepts new numbers in any order within the window, refuses duplicates and those 64 or more behind the top', () => {
    let w = acceptAll(replayWindow(), [1, 3, 2, 100]);
    expect(w.top).to.equal(100);
    expect(replayVerdict(w, 100)).to.equal('duplicate');
    expect(replayVerdict(w, 99)).to.equal('new');
    expect(replayVerdict(w, 37)).to.equal('new');
    expect(replayVerdict(w, 36)).to.equal('too-old');
    expect(replayVerdict(w, 3)).to.equal('too-old');
    w = acceptSequence(w, 37);
    expect(replayVerdict(w, 37)).to.equal('duplicate');
    expect(() => acceptSequence(w, 37)).to.throw(CryptoError);
    expect(replayVerdict(w, 0)).to.equal('too-old');
  });

  it('a jump of more than the window clears it', () => {
    const w = acceptAll(replayWindow(), [5, 6, 7, 1000]);
    expect(w.bitmap).to.equal(1n);
    expect(replayVerdict(w, 999)).to.equal('new');
  });

  it('a window smaller than 32 is refused (§3.4.3 minimum)', () => {
    expect(() => replayWindow(16)).to.throw(CryptoError);
    expect(replayWindow(128).size).to.equal(128);
  });

  it('property: every sequence accepted once is refused afterwards while still in the window, and the bitmap stays within size bits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 80 }), (seqs) => {
        let w = replayWindow();
        const accepted: number[] = [];
        for (const s of seqs) {
          if (replayVerdict(w, s) !== 'new') continue;
          w = acceptSequence(w, s);
          accepted.push(s);
        }
        for (const s of accepted) expect(replayVerdict(w, s)).to.not.equal('new');
        expect(w.bitmap < 1n << 64n).to.equal(true);
        expect(w.top).to.equal(accepted.length ? Math.max(...accepted) : 0);
      }),
    );
  });
});
