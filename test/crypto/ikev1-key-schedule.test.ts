import { expect } from 'chai';
import fc from 'fast-check';
import { prf } from '../../src/crypto/hash-algorithm.js';
import {
  deriveSkeyids,
  hashI,
  ikev1EncryptionKey,
  informationalHash,
  informationalHashInto,
  phase1Iv,
  phase2Iv,
  quickModeHash3,
  quickModeKeymat,
} from '../../src/crypto/ikev1-key-schedule.js';
import { CryptoError } from '../../src/errors.js';
import { fromHex, text, toHex } from './hex.js';

const expectBadInput = (call: () => unknown): void => {
  expect(call).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
};

describe('crypto/ikev1-key-schedule (structure and input checks)', () => {
  const skeyidE = fromHex('00112233445566778899aabbccddeeff00112233'); // 20 bytes, a SHA-1 SKEYID_e

  it('RFC 2409 App. B: a key no longer than SKEYID_e is its prefix', () => {
    expect(toHex(ikev1EncryptionKey('sha1', skeyidE, 16))).to.equal(toHex(skeyidE.subarray(0, 16)));
    expect(toHex(ikev1EncryptionKey('sha1', skeyidE, 20))).to.equal(toHex(skeyidE));
  });

  it('RFC 2409 App. B: a longer key is K1 | K2 | … with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1), and SKEYID_e not in it', () => {
    const k1 = prf('sha1', skeyidE, Uint8Array.of(0));
    const k2 = prf('sha1', skeyidE, k1);
    const key = ikev1EncryptionKey('sha1', skeyidE, 32);
    expect(toHex(key)).to.equal(toHex(k1) + toHex(k2).slice(0, 24));
    expect(toHex(ikev1EncryptionKey('sha1', skeyidE, 24))).to.equal(toHex(key.subarray(0, 24)));
  });

  it('RFC 2409 §5.5: KEYMAT K2 chains on K1 and covers the PFS secret when given', () => {
    const skeyidD = fromHex('aa'.repeat(20));
    const base = { protocol: 3, spi: fromHex('c0ffee01'), niB: text('ni'), nrB: text('nr') };
    const k1 = prf('sha1', skeyidD, Uint8Array.of(3), base.spi, base.niB, base.nrB);
    const k2 = prf('sha1', skeyidD, k1, Uint8Array.of(3), base.spi, base.niB, base.nrB);
    expect(toHex(quickModeKeymat('sha1', skeyidD, { ...base, length: 36 }))).to.equal(toHex(k1) + toHex(k2).slice(0, 32));
    const gqm = fromHex('01'.repeat(8));
    const pfs = quickModeKeymat('sha1', skeyidD, { ...base, gqm, length: 20 });
    expect(toHex(pfs)).to.equal(toHex(prf('sha1', skeyidD, gqm, Uint8Array.of(3), base.spi, base.niB, base.nrB)));
  });

  it('property: a shorter KEYMAT or expanded key is a prefix of a longer one (one stream, truncated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('md5', 'sha1', 'sha256', 'sha384', 'sha512' as const),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        (alg, key, x, y) => {
          const [short, long] = x < y ? [x, y] : [y, x];
          const input = { protocol: 3, spi: fromHex('01020304'), niB: text('ni'), nrB: text('nr') };
          const shortKeymat = quickModeKeymat(alg, key, { ...input, length: short });
          const longKeymat = quickModeKeymat(alg, key, { ...input, length: long });
          expect(shortKeymat).to.have.length(short);
          expect(toHex(longKeymat).startsWith(toHex(shortKeymat))).to.equal(true);
          const longKey = ikev1EncryptionKey(alg, key, long);
          expect(longKey).to.have.length(long);
          if (short > key.length) expect(toHex(longKey).startsWith(toHex(ikev1EncryptionKey(alg, key, short)))).to.equal(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('phase-2 hashes and IVs write the message ID as 4 bytes big-endian', () => {
    const key = fromHex('bb'.repeat(20));
    expect(toHex(informationalHash('sha1', key, 0x01020304, text('N')))).to.equal(toHex(prf('sha1', key, fromHex('01020304'), text('N'))));
    expect(toHex(quickModeHash3('sha1', key, 0xfffffffe, text('i'), text('r')))).to.equal(
      toHex(prf('sha1', key, fromHex('00fffffffe'), text('i'), text('r'))),
    );
    const iv = phase2Iv('sha256', fromHex('cc'.repeat(16)), 1, 16);
    expect(iv).to.have.length(16);
    expect(toHex(iv)).to.not.equal(toHex(phase2Iv('sha256', fromHex('cc'.repeat(16)), 0x01000000, 16)));
  });

  it('phase-2 IVs and HASH(1) written into a kept buffer equal the fresh ones', () => {
    const key = fromHex('bb'.repeat(20));
    const out = new Uint8Array(8);
    expect(phase2Iv('sha1', fromHex('cc'.repeat(8)), 0xabcdef01, 8, out)).to.equal(out);
    expect(toHex(out)).to.equal(toHex(phase2Iv('sha1', fromHex('cc'.repeat(8)), 0xabcdef01, 8)));
    expectBadInput(() => phase2Iv('sha1', fromHex('cc'.repeat(8)), 1, 8, new Uint8Array(16)));
    const field = new Uint8Array(30);
    informationalHashInto('sha1', key, 0x01020304, text('N'), field, 4);
    expect(toHex(field.subarray(4, 24))).to.equal(toHex(informationalHash('sha1', key, 0x01020304, text('N'))));
  });

  it('rejects bad message IDs, cookie lengths, block sizes and lengths with ERR_CRYPTO_BAD_INPUT', () => {
    const key = fromHex('bb'.repeat(20));
    const cookie = new Uint8Array(8);
    for (const mid of [-1, 2 ** 32, 1.5, Number.NaN]) expectBadInput(() => informationalHash('sha1', key, mid, text('N')));
    expectBadInput(() => deriveSkeyids('sha1', key, text('gxy'), new Uint8Array(7), cookie));
    expectBadInput(() => hashI('sha1', key, text('gxi'), text('gxr'), cookie, new Uint8Array(9), text('sa'), text('id')));
    expectBadInput(() => phase1Iv('md5', text('gxi'), text('gxr'), 32)); // longer than an MD5 digest
    expectBadInput(() => phase1Iv('sha1', text('gxi'), text('gxr'), 0));
    expectBadInput(() => ikev1EncryptionKey('sha1', key, 0));
    expectBadInput(() => quickModeKeymat('sha1', key, { protocol: 256, spi: cookie, niB: text('i'), nrB: text('r'), length: 16 }));
    expectBadInput(() => quickModeKeymat('sha1', key, { protocol: 3, spi: new Uint8Array(0), niB: text('i'), nrB: text('r'), length: 16 }));
    expectBadInput(() => quickModeKeymat('sha1', key, { protocol: 3, spi: cookie, niB: text('i'), nrB: text('r'), length: -4 }));
  });
});
