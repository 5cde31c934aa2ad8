/**
 * Nothing a DUT sends may throw out of receive(): every datagram of a real
 * exchange, replayed as is or damaged at random (bytes changed, cut short, extended), fed to
 * both roles, either goes through or comes back as a typed rejection.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

const CODES = [
  'ERR_IKE_MALFORMED',
  'ERR_IKE_UNKNOWN_SA',
  'ERR_IKE_UNENCRYPTED',
  'ERR_IKE_BAD_HASH',
  'ERR_IKE_AUTH_FAILED',
  'ERR_IKE_NO_PROPOSAL',
  'ERR_IKE_UNEXPECTED',
  'ERR_IKE_REPLAY',
];

describe('IkeEngine receive() robustness', () => {
  it('damaged datagrams from a real exchange never throw, and every refusal carries a known code', () => {
    const pair = new EnginePair(baseConfig('fuzz-a'), baseConfig('fuzz-b', { autoAnswerDpd: true }));
    pair.initiate(true);
    const sa = pair.a.list()[0];
    pair.run('a', pair.a.sendDpd(sa, 0n));
    pair.run('b', pair.b.sendDpd(sa, 0n));
    const captured = pair.deliveries.map((d) => ({ to: d.from === 'a' ? ('b' as const) : ('a' as const), bytes: d.datagram.bytes }));
    expect(captured.length).to.be.greaterThan(10);

    fc.assert(
      fc.property(
        fc.nat(captured.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 0, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.uint8Array({ maxLength: 8 }),
        (which, flips, cut, tail) => {
          const { to, bytes } = captured[which];
          const damaged = new Uint8Array([...bytes, ...tail]);
          for (const [at, xor] of flips) damaged[at % damaged.length] ^= xor;
          const input = cut === undefined ? damaged : damaged.subarray(0, cut % (damaged.length + 1));
          const [local, remote] = to === 'b' ? [RESPONDER, INITIATOR] : [INITIATOR, RESPONDER];
          const result = pair.engine(to).receive({ local, remote, bytes: input }, 0n);
          if (result.rejected) expect(CODES).to.include(result.rejected.code);
          expect(result.effects).to.be.an('array');
        },
      ),
      { numRuns: 1000, seed: 4242 },
    );
  });
});
