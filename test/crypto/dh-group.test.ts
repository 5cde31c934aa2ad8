import { expect } from 'chai';
import { getDiffieHellman } from 'node:crypto';
import { createDhKeyPair, dhPublicLength, dhSharedSecret, type DhGroup } from '../../src/crypto/dh-group.js';
import { CryptoError } from '../../src/errors.js';
import type { Random } from '../../src/events.js';
import { seededRandom } from '../support/seeded-random.js';
import { fromHex, toHex } from './hex.js';

const GROUPS: [DhGroup, number][] = [
  [2, 128],
  [5, 192],
  [14, 256],
  [15, 384],
  [16, 512],
  [19, 64],
  [20, 96],
];

/** A Random that hands out the given byte strings in order, for fixed private keys. */
function fixedRandom(...values: Uint8Array[]): Random {
  const queue = [...values];
  return {
    bytes(n: number): Uint8Array {
      const next = queue.shift();
      if (next === undefined || next.length !== n) throw new Error(`fixedRandom: unexpected request for ${n} bytes`);
      return next;
    },
  };
}

const expectBadInput = (call: () => unknown): void => {
  expect(call).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
};

describe('crypto/dh-group', () => {
  for (const [group, length] of GROUPS) {
    describe(`group ${group}`, () => {
      it(`public values are ${length} bytes and both sides compute the same ${group >= 19 ? length / 2 : length}-byte secret`, () => {
        const random = seededRandom(`dh-group-${group}`);
        const a = createDhKeyPair(group, random);
        const b = createDhKeyPair(group, random);
        expect(dhPublicLength(group)).to.equal(length);
        expect(a.publicKey).to.have.length(length);
        expect(b.publicKey).to.have.length(length);
        expect(toHex(a.publicKey)).to.not.equal(toHex(b.publicKey));
        const ab = dhSharedSecret(a, b.publicKey);
        expect(ab).to.have.length(group >= 19 ? length / 2 : length);
        expect(toHex(ab)).to.equal(toHex(dhSharedSecret(b, a.publicKey)));
      });

      it('gives plain Uint8Arrays, never a node Buffer, also for full-width values (not copied)', () => {
        const random = seededRandom(`dh-group-plain-${group}`);
        const a = createDhKeyPair(group, random);
        const b = createDhKeyPair(group, random);
        for (const bytes of [a.publicKey, dhSharedSecret(a, b.publicKey)]) {
          expect(Buffer.isBuffer(bytes)).to.equal(false);
          expect(Object.getPrototypeOf(bytes)).to.equal(Uint8Array.prototype);
        }
      });

      it('draws its private key from the injected Random (same seed, same public value)', () => {
        const first = createDhKeyPair(group, seededRandom('same-seed'));
        const second = createDhKeyPair(group, seededRandom('same-seed'));
        expect(toHex(first.publicKey)).to.equal(toHex(second.publicKey));
        expect(toHex(first.privateKey)).to.equal(toHex(second.privateKey));
      });

      it('rejects a peer value of the wrong length', () => {
        const pair = createDhKeyPair(group, seededRandom('len'));
        expectBadInput(() => dhSharedSecret(pair, pair.publicKey.subarray(1)));
        const longer = new Uint8Array(length + 1);
        longer.set(pair.publicKey, 1);
        expectBadInput(() => dhSharedSecret(pair, longer));
      });
    });
  }

  describe('MODP against a BigInt oracle (y = 2^x mod p, RFC 2409 §6.2 / RFC 3526 generator 2)', () => {
    const big = (b: Uint8Array): bigint => BigInt(`0x${toHex(b) || '0'}`);
    const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
      let result = 1n;
      let b = base % modulus;
      for (let e = exponent; e > 0n; e >>= 1n) {
        if (e & 1n) result = (result * b) % modulus;
        b = (b * b) % modulus;
      }
      return result;
    };
    for (const [group, name] of [
      [2, 'modp2'],
      [5, 'modp5'],
      [14, 'modp14'],
    ] as const) {
      it(`group ${group}: public value and shared secret, left-padded`, () => {
        const p = big(Uint8Array.from(getDiffieHellman(name).getPrime()));
        const random = seededRandom(`oracle-${group}`);
        const a = createDhKeyPair(group, random);
        const b = createDhKeyPair(group, random);
        expect(big(a.publicKey)).to.equal(modPow(2n, big(a.privateKey), p));
        expect(big(dhSharedSecret(a, b.publicKey))).to.equal(modPow(big(b.publicKey), big(a.privateKey), p));
      });
    }

    it('keeps leading zero bytes: a small peer value gives a secret still the modulus length', () => {
      // x = 2 gives g^x = 4, and with the peer value 4 g^xy = 16: both far shorter than the modulus.
      const pair = createDhKeyPair(14, fixedRandom(fromHex('00'.repeat(39) + '02')));
      expect(toHex(pair.publicKey)).to.equal('00'.repeat(255) + '04');
      const peer = new Uint8Array(256);
      peer[255] = 4;
      expect(toHex(dhSharedSecret(pair, peer))).to.equal('00'.repeat(255) + '10');
    });
  });

  for (const group of [14, 19] as const) {
    it(`group ${group}: a pair rebuilt from its bytes alone (no kept Node object) gives the same shared secret`, () => {
      const random = seededRandom(`rebuilt-${group}`);
      const a = createDhKeyPair(group, random);
      const b = createDhKeyPair(group, random);
      const rebuilt = { group: a.group, publicKey: a.publicKey.slice(), privateKey: a.privateKey.slice() };
      expect(toHex(dhSharedSecret(rebuilt, b.publicKey))).to.equal(toHex(dhSharedSecret(a, b.publicKey)));
      expect(toHex(dhSharedSecret(a, b.publicKey))).to.equal(toHex(dhSharedSecret(b, a.publicKey)));
    });
  }

  describe('MODP peer values outside 1 < y < p-1 are rejected', () => {
    for (const group of [2, 14] as const) {
      const prime = Uint8Array.from(getDiffieHellman(group === 2 ? 'modp2' : 'modp14').getPrime());
      const minus = (k: number): Uint8Array => {
        const out = prime.slice();
        out[out.length - 1] -= k; // the MODP primes end in 0xff…ff, so no borrow
        return out;
      };
      const withLow = (byte: number): Uint8Array => {
        const out = new Uint8Array(prime.length);
        out[out.length - 1] = byte;
        return out;
      };
      it(`group ${group}: 0, 1, p-1, p and all-ones rejected; 2 and p-2 accepted`, () => {
        const pair = createDhKeyPair(group, seededRandom('bounds'));
        for (const bad of [withLow(0), withLow(1), minus(1), prime, new Uint8Array(prime.length).fill(0xff)]) {
          expectBadInput(() => dhSharedSecret(pair, bad));
        }
        expect(dhSharedSecret(pair, withLow(2))).to.have.length(prime.length);
        expect(dhSharedSecret(pair, minus(2))).to.have.length(prime.length);
      });
    }
  });

  describe('ECP', () => {
    // RFC 5903 §8.1: 256-bit Random ECP Group test vector (i, g^i, r, g^r, g^ir x-coordinate).
    const RFC5903_256 = {
      i: 'c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433',
      gi: 'dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180' + '5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3',
      r: 'c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53',
      gr: 'd12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63' + '56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab',
      gir: 'd6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de',
    };

    it('RFC 5903 §8.1 (group 19): public values from the private keys, and the shared x coordinate', () => {
      const initiator = createDhKeyPair(19, fixedRandom(fromHex(RFC5903_256.i)));
      const responder = createDhKeyPair(19, fixedRandom(fromHex(RFC5903_256.r)));
      expect(toHex(initiator.publicKey)).to.equal(RFC5903_256.gi);
      expect(toHex(responder.publicKey)).to.equal(RFC5903_256.gr);
      expect(toHex(dhSharedSecret(initiator, responder.publicKey))).to.equal(RFC5903_256.gir);
      expect(toHex(dhSharedSecret(responder, initiator.publicKey))).to.equal(RFC5903_256.gir);
    });

    it('rejects points not on the curve', () => {
      for (const group of [19, 20] as const) {
        const pair = createDhKeyPair(group, seededRandom('ecp'));
        const length = dhPublicLength(group);
        const tampered = pair.publicKey.slice();
        tampered[length - 1] ^= 0x01; // y changed: (x, y') is off the curve
        expectBadInput(() => dhSharedSecret(pair, tampered));
        expectBadInput(() => dhSharedSecret(pair, new Uint8Array(length)));
      }
    });

    it('redraws a private key the curve cannot use (zero, ≥ the group order)', () => {
      const usable = fromHex(RFC5903_256.i);
      const pair = createDhKeyPair(19, fixedRandom(new Uint8Array(32), new Uint8Array(32).fill(0xff), usable));
      expect(toHex(pair.privateKey)).to.equal(RFC5903_256.i);
      expect(toHex(pair.publicKey)).to.equal(RFC5903_256.gi);
    });
  });

  it('gives up with ERR_CRYPTO_BAD_INPUT when the random source only yields unusable keys', () => {
    const zeros: Random = { bytes: (n) => new Uint8Array(n) };
    expectBadInput(() => createDhKeyPair(14, zeros));
    expectBadInput(() => createDhKeyPair(19, zeros));
  });

  it('rejects an unsupported group with ERR_CRYPTO_UNSUPPORTED', () => {
    for (const call of [() => dhPublicLength(1 as DhGroup), () => createDhKeyPair(21 as DhGroup, seededRandom('x'))]) {
      expect(call).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
    }
  });
});
