import { expect } from 'chai';
import fc from 'fast-check';
import { cipherBlockSize, decryptCbc, encryptCbc, type CipherAlgorithm } from '../../src/crypto/cbc-cipher.js';
import { CryptoError } from '../../src/errors.js';
import { fromHex, text, toHex } from './hex.js';

interface CbcCase {
  source: string;
  alg: CipherAlgorithm;
  key: string;
  iv: string;
  plaintext: Uint8Array;
  ciphertext: string;
}

const CASES: CbcCase[] = [
  {
    source: 'RFC 3602 §4 Case #1 (AES-128, 1 block)',
    alg: 'aes-cbc',
    key: '06a9214036b8a15b512e03d534120006',
    iv: '3dafba429d9eb430b422da802c9fac41',
    plaintext: text('Single block msg'),
    ciphertext: 'e353779c1079aeb82708942dbe77181a',
  },
  {
    source: 'RFC 3602 §4 Case #2 (AES-128, 2 blocks)',
    alg: 'aes-cbc',
    key: 'c286696d887c9aa0611bbb3e2025a45a',
    iv: '562e17996d093d28ddb3ba695a2e6f58',
    plaintext: fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
    ciphertext: 'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1',
  },
  {
    source: 'RFC 3602 §4 Case #3 (AES-128, 3 blocks)',
    alg: 'aes-cbc',
    key: '6c3ea0477630ce21a2ce334aa746c2cd',
    iv: 'c782dc4c098c66cbd9cd27d825682c81',
    plaintext: text('This is a 48-byte message (exactly 3 AES blocks)'),
    ciphertext: 'd0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684',
  },
  {
    source: 'NIST SP 800-38A F.2.3 CBC-AES192.Encrypt (blocks 1-2)',
    alg: 'aes-cbc',
    key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    iv: '000102030405060708090a0b0c0d0e0f',
    plaintext: fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51'),
    ciphertext: '4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a',
  },
  {
    source: 'NIST SP 800-38A F.2.5 CBC-AES256.Encrypt (blocks 1-2)',
    alg: 'aes-cbc',
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    iv: '000102030405060708090a0b0c0d0e0f',
    plaintext: fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51'),
    ciphertext: 'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d',
  },
  {
    // With K1 = K2 = K3, EDE is single DES; with a zero IV the first CBC block is DES(P).
    source: 'DES worked example (Grabbe, "The DES Algorithm Illustrated") as 3DES with K1=K2=K3',
    alg: '3des-cbc',
    key: '133457799bbcdff1'.repeat(3),
    iv: '0000000000000000',
    plaintext: fromHex('0123456789abcdef'),
    ciphertext: '85e813540f0ab405',
  },
];

describe('crypto/cbc-cipher', () => {
  for (const c of CASES) {
    it(`${c.source}: encrypts and decrypts`, () => {
      const key = fromHex(c.key);
      const iv = fromHex(c.iv);
      expect(toHex(encryptCbc(c.alg, key, iv, c.plaintext))).to.equal(c.ciphertext);
      expect(toHex(decryptCbc(c.alg, key, iv, fromHex(c.ciphertext)))).to.equal(toHex(c.plaintext));
    });
  }

  it('3DES with three distinct keys round-trips and chains blocks (equal plaintext blocks differ in ciphertext)', () => {
    const key = fromHex('0123456789abcdef23456789abcdef01456789abcdef0123');
    const iv = fromHex('1122334455667788');
    const plaintext = new Uint8Array(24).fill(0x5a);
    const ciphertext = encryptCbc('3des-cbc', key, iv, plaintext);
    expect(ciphertext).to.have.length(24);
    expect(toHex(ciphertext.subarray(0, 8))).to.not.equal(toHex(ciphertext.subarray(8, 16)));
    expect(decryptCbc('3des-cbc', key, iv, ciphertext)).to.deep.equal(plaintext);
  });

  it('adds and removes no padding (IKEv1 pads with zero bytes itself, RFC 2409 App. B)', () => {
    const key = fromHex(CASES[0].key);
    const iv = fromHex(CASES[0].iv);
    const padded = new Uint8Array(32);
    padded.set(text('payload'));
    const decrypted = decryptCbc('aes-cbc', key, iv, encryptCbc('aes-cbc', key, iv, padded));
    expect(decrypted).to.deep.equal(padded);
    expect(encryptCbc('aes-cbc', key, iv, new Uint8Array(0))).to.have.length(0);
  });

  const keyed = fc.oneof(
    fc.record({ alg: fc.constant<CipherAlgorithm>('aes-cbc'), key: fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })) }),
    fc.record({ alg: fc.constant<CipherAlgorithm>('3des-cbc'), key: fc.uint8Array({ minLength: 24, maxLength: 24 }) }),
  );
  const blocks = (alg: CipherAlgorithm, min: number) =>
    fc.integer({ min, max: 6 }).chain((n) => fc.uint8Array({ minLength: n * cipherBlockSize(alg), maxLength: n * cipherBlockSize(alg) }));

  it('property: decrypt(encrypt(p)) = p for every key size and whole-block length', () => {
    fc.assert(
      fc.property(
        keyed.chain(({ alg, key }) => fc.tuple(fc.constant(alg), fc.constant(key), blocks(alg, 0), blocks(alg, 1).map((b) => b.slice(0, cipherBlockSize(alg))))),
        ([alg, key, plaintext, iv]) => {
          const ciphertext = encryptCbc(alg, key, iv, plaintext);
          expect(ciphertext).to.have.length(plaintext.length);
          expect(decryptCbc(alg, key, iv, ciphertext)).to.deep.equal(plaintext);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: CBC chains, so encrypting A then B with IV = last block of A equals encrypting A|B (the IKEv1 IV chain, RFC 2409 App. B)', () => {
    fc.assert(
      fc.property(
        keyed.chain(({ alg, key }) => fc.tuple(fc.constant(alg), fc.constant(key), blocks(alg, 1), blocks(alg, 1), blocks(alg, 1))),
        ([alg, key, a, b, ivSource]) => {
          const bs = cipherBlockSize(alg);
          const iv = ivSource.slice(0, bs);
          const first = encryptCbc(alg, key, iv, a);
          const second = encryptCbc(alg, key, first.slice(first.length - bs), b);
          const joined = new Uint8Array(a.length + b.length);
          joined.set(a);
          joined.set(b, a.length);
          expect(toHex(encryptCbc(alg, key, iv, joined))).to.equal(toHex(first) + toHex(second));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a key used again after two thousand others (its kept context dropped meanwhile) still gives RFC 3602 §4 Case #1', () => {
    const c = CASES[0];
    const key = fromHex(c.key);
    const iv = fromHex(c.iv);
    expect(toHex(encryptCbc(c.alg, key, iv, c.plaintext.slice()))).to.equal(c.ciphertext);
    for (let i = 0; i < 2000; i++) {
      const other = Uint8Array.from({ length: 16 }, (_, j) => (i + j) & 0xff);
      decryptCbc('aes-cbc', other, iv, encryptCbc('aes-cbc', other, iv, new Uint8Array(16)));
    }
    expect(toHex(encryptCbc(c.alg, key, iv, c.plaintext.slice()))).to.equal(c.ciphertext);
    expect(toHex(decryptCbc(c.alg, key, iv, fromHex(c.ciphertext)))).to.equal(toHex(c.plaintext));
  });

  it('block sizes: 16 for AES, 8 for 3DES', () => {
    expect(cipherBlockSize('aes-cbc')).to.equal(16);
    expect(cipherBlockSize('3des-cbc')).to.equal(8);
  });

  it('rejects data that is not whole blocks with ERR_CRYPTO_BAD_INPUT', () => {
    const key = new Uint8Array(16);
    const iv = new Uint8Array(16);
    expect(() => encryptCbc('aes-cbc', key, iv, new Uint8Array(15))).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => decryptCbc('aes-cbc', key, iv, new Uint8Array(17))).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => decryptCbc('3des-cbc', new Uint8Array(24), new Uint8Array(8), new Uint8Array(12)))
      .to.throw(CryptoError)
      .with.property('code', 'ERR_CRYPTO_BAD_INPUT');
  });

  it('rejects wrong key and IV lengths with ERR_CRYPTO_BAD_INPUT', () => {
    const block = new Uint8Array(16);
    for (const [alg, key, iv] of [
      ['aes-cbc', new Uint8Array(20), new Uint8Array(16)],
      ['aes-cbc', new Uint8Array(16), new Uint8Array(8)],
      ['3des-cbc', new Uint8Array(16), new Uint8Array(8)],
      ['3des-cbc', new Uint8Array(24), new Uint8Array(16)],
    ] as const) {
      expect(() => encryptCbc(alg, key, iv, block)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    }
  });

  it('rejects an unknown cipher with ERR_CRYPTO_UNSUPPORTED', () => {
    expect(() => cipherBlockSize('aes-gcm' as CipherAlgorithm)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
    expect(() => encryptCbc('des-cbc' as CipherAlgorithm, new Uint8Array(8), new Uint8Array(8), new Uint8Array(8)))
      .to.throw(CryptoError)
      .with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
  });
});
