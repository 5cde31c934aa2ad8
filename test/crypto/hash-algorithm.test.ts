import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { hash, hashInto, hashLength, prf, prfInto, type HashAlgorithm } from '../../src/crypto/hash-algorithm.js';
import { CryptoError } from '../../src/errors.js';
import { text, toHex } from './hex.js';

interface HmacCase {
  source: string;
  alg: HashAlgorithm;
  key: Uint8Array;
  data: Uint8Array;
  mac: string;
}

const LARGE_KEY_DATA = text('Test Using Larger Than Block-Size Key - Hash Key First');

const HMAC_CASES: HmacCase[] = [
  { source: 'RFC 2202 §2 test_case 1', alg: 'md5', key: new Uint8Array(16).fill(0x0b), data: text('Hi There'), mac: '9294727a3638bb1c13f48ef8158bfc9d' },
  { source: 'RFC 2202 §2 test_case 2', alg: 'md5', key: text('Jefe'), data: text('what do ya want for nothing?'), mac: '750c783e6ab0b503eaa86e310a5db738' },
  { source: 'RFC 2202 §3 test_case 1', alg: 'sha1', key: new Uint8Array(20).fill(0x0b), data: text('Hi There'), mac: 'b617318655057264e28bc0b6fb378c8ef146be00' },
  { source: 'RFC 2202 §3 test_case 2', alg: 'sha1', key: text('Jefe'), data: text('what do ya want for nothing?'), mac: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79' },
  { source: 'RFC 2202 §3 test_case 6', alg: 'sha1', key: new Uint8Array(80).fill(0xaa), data: LARGE_KEY_DATA, mac: 'aa4ae5e15272d00e95705637ce8a3b55ed402112' },
  { source: 'RFC 4231 §4.2 (SHA-256)', alg: 'sha256', key: new Uint8Array(20).fill(0x0b), data: text('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { source: 'RFC 4231 §4.3 (SHA-256)', alg: 'sha256', key: text('Jefe'), data: text('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { source: 'RFC 4231 §4.7 (SHA-256)', alg: 'sha256', key: new Uint8Array(131).fill(0xaa), data: LARGE_KEY_DATA, mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
  {
    source: 'RFC 4231 §4.2 (SHA-384)',
    alg: 'sha384',
    key: new Uint8Array(20).fill(0x0b),
    data: text('Hi There'),
    mac: 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
  },
  {
    source: 'RFC 4231 §4.7 (SHA-384)',
    alg: 'sha384',
    key: new Uint8Array(131).fill(0xaa),
    data: LARGE_KEY_DATA,
    mac: '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
  },
  {
    source: 'RFC 4231 §4.3 (SHA-512)',
    alg: 'sha512',
    key: text('Jefe'),
    data: text('what do ya want for nothing?'),
    mac: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  },
  {
    source: 'RFC 4231 §4.7 (SHA-512)',
    alg: 'sha512',
    key: new Uint8Array(131).fill(0xaa),
    data: LARGE_KEY_DATA,
    mac: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
  },
];

describe('crypto/hash-algorithm', () => {
  describe('prf (HMAC, RFC 2104)', () => {
    for (const c of HMAC_CASES) {
      it(`${c.source}: HMAC-${c.alg}`, () => {
        expect(toHex(prf(c.alg, c.key, c.data))).to.equal(c.mac);
      });
    }

    it('hashes its parts as one concatenated message', () => {
      const c = HMAC_CASES[3];
      const data = c.data;
      expect(toHex(prf(c.alg, c.key, data.subarray(0, 5), new Uint8Array(0), data.subarray(5)))).to.equal(c.mac);
    });

    it('returns a plain Uint8Array, not a Buffer', () => {
      expect(Object.getPrototypeOf(prf('sha1', text('k'), text('m')))).to.equal(Uint8Array.prototype);
    });

    it('a key array used again, under another algorithm or rewritten in place, gets the HMAC of what it holds now', () => {
      const key = new Uint8Array(20).fill(0x0b);
      const data = text('Hi There');
      expect(toHex(prf('sha1', key, data))).to.equal(HMAC_CASES[2].mac);
      expect(toHex(prf('sha1', key, data))).to.equal(HMAC_CASES[2].mac);
      expect(toHex(prf('md5', key, data))).to.equal(toHex(createHmac('md5', key).update(data).digest()));
      key.fill(0xaa, 0, 7);
      expect(toHex(prf('sha1', key, data))).to.equal(toHex(createHmac('sha1', key).update(data).digest()));
    });
  });

  describe('hash', () => {
    // FIPS 180-4 examples ("abc") and RFC 1321 §A.5 (MD5 "abc").
    const ABC: Record<HashAlgorithm, string> = {
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      sha512:
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    };
    for (const [alg, digest] of Object.entries(ABC) as [HashAlgorithm, string][]) {
      it(`${alg}("abc") and its length`, () => {
        expect(toHex(hash(alg, text('a'), text('bc')))).to.equal(digest);
        expect(hashLength(alg)).to.equal(digest.length / 2);
      });
    }
  });

  describe('hashInto / prfInto (digests into the caller\'s buffer)', () => {
    it('write the bytes hash / prf return, at the offset, touching nothing else', () => {
      const c = HMAC_CASES[3];
      const out = new Uint8Array(100).fill(0xee);
      prfInto(c.alg, c.key, out, 7, c.data.subarray(0, 3), c.data.subarray(3));
      const length = hashLength(c.alg);
      expect(toHex(out.subarray(7, 7 + length))).to.equal(c.mac);
      expect([...out.subarray(0, 7), ...out.subarray(7 + length)].every((b) => b === 0xee)).to.equal(true);
      const iv = new Uint8Array(8);
      hashInto('sha1', iv, 0, 8, text('a'), text('bc'));
      expect(toHex(iv)).to.equal('a9993e364706816a');
    });

    it('give the same digests over parts of every length, before and after the scratch grows', () => {
      // The scratch keeps exact-length views: a stale one (after growth) or a view of the wrong length would change digests.
      for (const n of [1, 3, 64, 511, 513, 3000, 64, 3, 1]) {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
        const halves = [data.subarray(0, n >> 1), data.subarray(n >> 1)];
        expect(toHex(hash('sha256', ...halves))).to.equal(toHex(hash('sha256', data.slice())));
        const out = new Uint8Array(32);
        prfInto('sha256', text('key'), out, 0, ...halves);
        expect(toHex(out)).to.equal(toHex(prf('sha256', text('key'), data)));
      }
    });

    it('refuse a buffer too small for the digest with ERR_CRYPTO_BAD_INPUT', () => {
      expect(() => prfInto('sha1', text('k'), new Uint8Array(25), 6, text('m'))).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
      expect(() => hashInto('md5', new Uint8Array(32), 0, 17, text('m'))).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    });
  });

  it('rejects an unknown algorithm name with ERR_CRYPTO_UNSUPPORTED', () => {
    const bogus = 'sha3-256' as HashAlgorithm;
    for (const call of [() => hash(bogus, text('x')), () => prf(bogus, text('k')), () => hashLength(bogus), () => hashLength('toString' as HashAlgorithm)]) {
      expect(call).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
    }
  });
});
