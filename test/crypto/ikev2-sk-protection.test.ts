import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { CryptoError } from '../../src/errors.js';
import { integrityChecksum } from '../../src/crypto/cipher-suite.js';
import {
  openSkBody,
  sealSkBody,
  skBodyLength,
  skIvLength,
  skKeyLengths,
  skSuiteOf,
  SkIntegrityError,
  type SkSuite,
} from '../../src/crypto/ikev2-sk-protection.js';
import { ENCR_IDS, INTEG_IDS } from '../../src/wire/ikev2/constants.js';
import { fromHex, text, toHex } from './hex.js';

const PREFIX = fromHex('0102030405060708a1a2a3a4a5a6a7a82e202308000000010000005c' + '23000040');
const PLAINTEXT = fromHex('2700000c01000000c00002012100001c0200000000112233445566778899aabbccddeeff0011223344');

const SUITES: SkSuite[] = [
  { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' },
  { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' },
  { encryption: 'aes-gcm-16-128' },
  { encryption: 'aes-gcm-16-256' },
];

function keysFor(suite: SkSuite) {
  const lengths = skKeyLengths(suite);
  return { encryption: Uint8Array.from({ length: lengths.encryption }, (_, i) => i + 1), integrity: Uint8Array.from({ length: lengths.integrity }, (_, i) => 0x80 + i) };
}

/** McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 4 (AES-128) and 16 (AES-256): 96-bit IV, 20-byte AAD, 60-byte P. */
const GCM_SPEC = {
  iv: fromHex('cafebabefacedbaddecaf888'),
  aad: fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
  plaintext: fromHex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39'),
  case4: {
    key: fromHex('feffe9928665731c6d6a8f9467308308'),
    ciphertext: fromHex('42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091'),
    tag: fromHex('5bc94fbc3221a5db94fae95ae7121a47'),
  },
  case16: {
    key: fromHex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
    ciphertext: fromHex('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662'),
    tag: fromHex('76fc6ece0f4e1768cddf8853bb2d551b'),
  },
};

describe('IKEv2 SK payload protection (RFC 7296 §3.14, RFC 5282)', () => {
  it('RFC 4868 §2.7.2.1 AUTH256-1 and RFC 2202 test 1 truncated: HMAC-SHA-256-128, HMAC-SHA1-96', () => {
    expect(toHex(integrityChecksum('hmac-sha256-128', new Uint8Array(32).fill(0x0b), text('Hi There')))).to.equal('198a607eb44bfbc69903a0f1cf2bbdc5');
    expect(toHex(integrityChecksum('hmac-sha1-96', new Uint8Array(20).fill(0x0b), text('Hi There')))).to.equal('b617318655057264e28bc0b6');
  });

  for (const [name, vector, suite] of [
    ['test case 4 as AES-GCM-16-128', GCM_SPEC.case4, 'aes-gcm-16-128'],
    ['test case 16 as AES-GCM-16-256', GCM_SPEC.case16, 'aes-gcm-16-256'],
  ] as const) {
    it(`opens GCM spec ${name}: salt from SK_e, 8-byte explicit IV, AAD = the prefix (RFC 5282 §4, §5.1)`, () => {
      // SK_e = key ‖ salt; the SK body = explicit IV ‖ C ‖ T. P's last byte (0x39) then reads as a pad length of 57.
      const keys = { encryption: new Uint8Array([...vector.key, ...GCM_SPEC.iv.subarray(0, 4)]), integrity: new Uint8Array(0) };
      const body = new Uint8Array([...GCM_SPEC.iv.subarray(4), ...vector.ciphertext, ...vector.tag]);
      expect(toHex(openSkBody({ encryption: suite }, keys, GCM_SPEC.aad, body))).to.equal(toHex(GCM_SPEC.plaintext.subarray(0, 2)));
      const tampered = body.slice();
      tampered[body.length - 1]! ^= 1;
      expect(() => openSkBody({ encryption: suite }, keys, GCM_SPEC.aad, tampered)).to.throw(SkIntegrityError);
      expect(() => openSkBody({ encryption: suite }, keys, GCM_SPEC.aad.subarray(1), body)).to.throw(SkIntegrityError);
    });
  }

  for (const suite of SUITES) {
    const label = `${suite.encryption}${suite.integrity ? ` + ${suite.integrity}` : ''}`;

    it(`${label}: seal then open gives the payloads back, the body as long as skBodyLength says`, () => {
      const keys = keysFor(suite);
      const iv = new Uint8Array(skIvLength(suite)).fill(0x42);
      for (const plaintext of [PLAINTEXT, PLAINTEXT.subarray(0, 15), PLAINTEXT.subarray(0, 16), new Uint8Array(0)]) {
        const body = sealSkBody(suite, keys, iv, PREFIX, plaintext);
        expect(body.length).to.equal(skBodyLength(suite, plaintext.length));
        expect(toHex(body.subarray(0, iv.length))).to.equal(toHex(iv));
        expect(toHex(openSkBody(suite, keys, PREFIX, body))).to.equal(toHex(plaintext));
      }
    });

    it(`${label}: a flipped bit in the prefix, IV, ciphertext or ICV is a typed integrity error`, () => {
      const keys = keysFor(suite);
      const body = sealSkBody(suite, keys, new Uint8Array(skIvLength(suite)), PREFIX, PLAINTEXT);
      for (const at of [0, skIvLength(suite) + 1, body.length - 1]) {
        const bad = body.slice();
        bad[at]! ^= 0x01;
        expect(() => openSkBody(suite, keys, PREFIX, bad)).to.throw(SkIntegrityError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
      }
      const badPrefix = PREFIX.slice();
      badPrefix[19]! ^= 0x01;
      expect(() => openSkBody(suite, keys, badPrefix, body)).to.throw(SkIntegrityError);
    });
  }

  it('CBC: ICV = HMAC(SK_a, prefix | IV | ciphertext) truncated, padding to whole blocks with the pad length last', () => {
    const suite: SkSuite = { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' };
    const keys = keysFor(suite);
    const iv = new Uint8Array(16).fill(9);
    const body = sealSkBody(suite, keys, iv, PREFIX, PLAINTEXT);
    // 42 bytes + 5 padding + 1 pad length = 48.
    expect(body.length).to.equal(16 + 48 + 16);
    const expected = createHmac('sha256', keys.integrity).update(PREFIX).update(body.subarray(0, 64)).digest().subarray(0, 16);
    expect(toHex(body.subarray(64))).to.equal(expected.toString('hex'));
  });

  it('refuses a pad length longer than what was decrypted', () => {
    const suite: SkSuite = { encryption: 'aes-gcm-16-128' };
    const keys = keysFor(suite);
    // Seal one byte 0xff as "payloads" with zero padding, then drop the real pad-length byte by sealing it as the last byte itself.
    const body = sealSkBody(suite, keys, new Uint8Array(8), PREFIX, new Uint8Array(0));
    expect(openSkBody(suite, keys, PREFIX, body)).to.have.length(0);
    const lying = sealSkBody(suite, keys, new Uint8Array(8), PREFIX, Uint8Array.of(0x05));
    // Plaintext 05 ‖ 00: open strips the 00 pad length and returns 05. Re-seal 05 as the pad length of an empty message:
    expect(toHex(openSkBody(suite, keys, PREFIX, lying))).to.equal('05');
  });

  it('maps negotiated transform IDs to suites and key lengths (RFC 5282 §7.1: 4 bytes of salt)', () => {
    expect(skSuiteOf(ENCR_IDS.AES_CBC, 128, INTEG_IDS.HMAC_SHA1_96)).to.deep.equal({ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' });
    expect(skSuiteOf(ENCR_IDS.AES_GCM_16, 256, undefined)).to.deep.equal({ encryption: 'aes-gcm-16-256' });
    expect(skKeyLengths({ encryption: 'aes-gcm-16-256' })).to.deep.equal({ encryption: 36, integrity: 0 });
    expect(skKeyLengths({ encryption: 'aes-cbc-128', integrity: 'hmac-sha256-128' })).to.deep.equal({ encryption: 16, integrity: 32 });
    expect(() => skSuiteOf(ENCR_IDS['3DES'], undefined, INTEG_IDS.HMAC_SHA1_96)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
    expect(() => skSuiteOf(ENCR_IDS.AES_GCM_16, 128, INTEG_IDS.HMAC_SHA1_96)).to.throw(CryptoError);
    expect(() => skSuiteOf(ENCR_IDS.AES_CBC, 192, INTEG_IDS.HMAC_SHA1_96)).to.throw(CryptoError);
  });

  it('refuses wrong key, IV and body lengths', () => {
    const suite: SkSuite = { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' };
    const keys = keysFor(suite);
    expect(() => sealSkBody(suite, { ...keys, integrity: new Uint8Array(5) }, new Uint8Array(16), PREFIX, PLAINTEXT)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => sealSkBody(suite, keys, new Uint8Array(8), PREFIX, PLAINTEXT)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => openSkBody(suite, keys, PREFIX, new Uint8Array(16 + 17 + 12))).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => openSkBody(suite, keys, PREFIX, new Uint8Array(16 + 12))).to.throw(CryptoError);
    expect(() => skKeyLengths({ encryption: 'aes-gcm-16-128', integrity: 'hmac-sha1-96' } as unknown as SkSuite)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
  });
});
