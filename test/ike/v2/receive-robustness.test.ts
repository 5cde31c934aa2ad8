/**
 * Nothing a DUT sends may throw out of the IKEv2 engine's receive(): every datagram of a real
 * exchange, replayed as is or damaged at random (bytes changed, cut short, extended), fed to
 * both roles, either goes through or comes back as a typed rejection with a known code.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { INITIATOR, RESPONDER, v2Config, V2Pair } from './ikev2-pair.js';

const CODES = ['ERR_IKE_MALFORMED', 'ERR_IKE_UNKNOWN_SA', 'ERR_IKE_UNENCRYPTED', 'ERR_IKE_BAD_HASH', 'ERR_IKE_AUTH_FAILED', 'ERR_IKE_NO_PROPOSAL', 'ERR_IKE_UNEXPECTED', 'ERR_IKE_REPLAY'];

describe('Ikev2Engine receive() robustness', () => {
  it('damaged datagrams from a real exchange never throw, and every refusal carries a known code', () => {
    const pair = new V2Pair(v2Config('v2-fuzz', { requireCookie: true }));
    pair.initiate();
    const [sa] = pair.a.list();
    pair.run('a', pair.a.sendLiveness(sa!, 0n));
    pair.run('b', pair.b.sendLiveness(sa!, 0n));
    pair.run('a', pair.a.deleteChild(sa!, 0n));
    const captured = pair.deliveries.map((d) => ({ to: d.from === 'a' ? ('b' as const) : ('a' as const), bytes: d.datagram.bytes }));
    expect(captured.length).to.be.greaterThan(10);
    fc.assert(
      fc.property(
        fc.nat(captured.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.uint8Array({ maxLength: 8 }),
        (which, flips, cut, tail) => {
          const { to, bytes } = captured[which]!;
          const damaged = new Uint8Array([...bytes, ...tail]);
          for (const [at, xor] of flips) damaged[at % damaged.length]! ^= xor;
          const input = cut === undefined ? damaged : damaged.subarray(0, cut % (damaged.length + 1));
          const [local, remote] = to === 'b' ? [RESPONDER, INITIATOR] : [INITIATOR, RESPONDER];
          const result = pair.engine(to).receive({ local, remote, bytes: input }, 0n);
          if (result.rejected) expect(CODES).to.include(result.rejected.code);
          expect(result.rejected?.message ?? '').to.not.match(/internal error/);
          expect(result.effects).to.be.an('array');
        },
      ),
      { numRuns: 1000, seed: 4242 },
    );
  });
});
