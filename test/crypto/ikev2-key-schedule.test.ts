import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { CryptoError } from '../../src/errors.js';
import {
  childSaKeymat,
  deriveIkeSaKeys,
  macedId,
  pskAuth,
  rekeySkeyseed,
  signedOctets,
  skeyseed,
} from '../../src/crypto/ikev2-key-schedule.js';
import { ikev2Prf, ikev2PrfLength, ikev2PrfOfId, prfPlus } from '../../src/crypto/ikev2-prf.js';
import { PRF_IDS } from '../../src/wire/ikev2/constants.js';
import { fromHex, text, toHex } from './hex.js';

/**
 * NIST CAVS IKEv2 KDF sample (PRF-HMAC-SHA1, DKM of 132 bytes), as carried by Libreswan's KDF CAVS test
 * driver (Stephan Mueller, 2015, programs/ikev2-cavs): the inputs and every derived value.
 */
const CAVS = {
  gir: fromHex('4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52'),
  girNew: fromHex('863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330'),
  ni: fromHex('32b50d5f4a3763f3'),
  nr: fromHex('9206a04b26564cb1'),
  spiI: fromHex('34c9e7c188868785'),
  spiR: fromHex('3ff77d760d2b2199'),
  dkmLength: 132,
  skeyseed: 'a9a7b222b59f8f48645f28a1db5b5f5d7479cba7',
  dkm: 'a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435a7a56cc4',
  dkmChild: '8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e664994d234cb4',
  dkmChildDh: 'bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054d56fd74c',
  skeyseedRekey: '63e81194946ebd05df7df5ebf5d8750056bf1f1d',
};

describe('IKEv2 key schedule (RFC 7296 §2.13-§2.18)', () => {
  it('RFC 4868 §2.7.2.1 AUTH256-1: PRF-HMAC-SHA-256 over "Hi There" with a 32-byte key', () => {
    expect(toHex(ikev2Prf('hmac-sha256', new Uint8Array(32).fill(0x0b), text('Hi There')))).to.equal('198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7');
  });

  it('maps IANA PRF transform IDs and refuses the others', () => {
    expect(ikev2PrfOfId(PRF_IDS.HMAC_SHA1)).to.equal('hmac-sha1');
    expect(ikev2PrfOfId(PRF_IDS.HMAC_SHA2_256)).to.equal('hmac-sha256');
    expect(ikev2PrfLength('hmac-sha256')).to.equal(32);
    expect(() => ikev2PrfOfId(PRF_IDS.AES128_XCBC)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_UNSUPPORTED');
  });

  describe('NIST CAVS IKEv2 KDF (SHA-1)', () => {
    const seed = skeyseed('hmac-sha1', CAVS.ni, CAVS.nr, CAVS.gir);

    it('SKEYSEED = prf(Ni | Nr, g^ir)', () => expect(toHex(seed)).to.equal(CAVS.skeyseed));

    it('DKM = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), cut into the seven keys in order', () => {
      // 20 (SK_d) + 2 × 20 (SK_a) + 2 × 16 (SK_e) + 2 × 20 (SK_p) = 132 bytes.
      const keys = deriveIkeSaKeys('hmac-sha1', seed, CAVS, CAVS, { integrity: 20, encryption: 16 });
      const joined = [keys.skD, keys.skAi, keys.skAr, keys.skEi, keys.skEr, keys.skPi, keys.skPr].map(toHex).join('');
      expect(joined).to.equal(CAVS.dkm);
      expect(keys.skEi).to.have.length(16);
      expect(toHex(prfPlus('hmac-sha1', seed, new Uint8Array([...CAVS.ni, ...CAVS.nr, ...CAVS.spiI, ...CAVS.spiR]), CAVS.dkmLength))).to.equal(CAVS.dkm);
    });

    const skD = fromHex(CAVS.dkm.slice(0, 40));

    it('CHILD_SA KEYMAT = prf+(SK_d, Ni | Nr), without and with PFS g^ir (new) (§2.17)', () => {
      expect(toHex(childSaKeymat('hmac-sha1', skD, undefined, CAVS.ni, CAVS.nr, CAVS.dkmLength))).to.equal(CAVS.dkmChild);
      expect(toHex(childSaKeymat('hmac-sha1', skD, CAVS.girNew, CAVS.ni, CAVS.nr, CAVS.dkmLength))).to.equal(CAVS.dkmChildDh);
    });

    it('rekeyed SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18)', () => {
      expect(toHex(rekeySkeyseed('hmac-sha1', skD, CAVS.girNew, CAVS.ni, CAVS.nr))).to.equal(CAVS.skeyseedRekey);
    });
  });

  it('prf+ stops at 255 blocks and refuses bad lengths', () => {
    expect(prfPlus('hmac-sha1', text('k'), text('s'), 255 * 20)).to.have.length(5100);
    expect(() => prfPlus('hmac-sha1', text('k'), text('s'), 255 * 20 + 1)).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => prfPlus('hmac-sha1', text('k'), text('s'), 1.5)).to.throw(CryptoError);
  });

  it('refuses SPIs that are not 8 bytes and negative key lengths', () => {
    expect(() => deriveIkeSaKeys('hmac-sha1', text('x'), CAVS, { spiI: fromHex('01'), spiR: CAVS.spiR }, { integrity: 20, encryption: 16 })).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => deriveIkeSaKeys('hmac-sha1', text('x'), CAVS, CAVS, { integrity: -1, encryption: 16 })).to.throw(CryptoError);
  });

  it('PSK AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), RealMessage1 | NonceRData | prf(SK_pi, IDi body)) (§2.15)', () => {
    const hmac = (key: Uint8Array | string, data: Uint8Array | string) => createHmac('sha256', key).update(data).digest();
    const message1 = fromHex('0102030405060708000000000000000021202208000000000000001c');
    const nonceR = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
    const skPi = new Uint8Array(32).fill(7);
    const idBody = fromHex('01000000c0000201');
    const octets = signedOctets(message1, nonceR, macedId('hmac-sha256', skPi, idBody));
    const expected = hmac(hmac('topsecret', 'Key Pad for IKEv2'), Buffer.concat([message1, nonceR, hmac(skPi, idBody)]));
    expect(toHex(pskAuth('hmac-sha256', text('topsecret'), octets))).to.equal(expected.toString('hex'));
  });
});
