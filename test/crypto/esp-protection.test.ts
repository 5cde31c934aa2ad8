/**
 * ESP packet protection against RFC 3602 §4 cases 5-8 (ESP packets with
 * AES-CBC-128; the RFC shows them without an ICV, so the HMAC-SHA1-96 or
 * HMAC-SHA-256-128 after them is checked with node's HMAC over the RFC's
 * bytes), plus tampering, wrong SPIs and GCM round trips.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { CryptoError, WireError } from '../../src/errors.js';
import { IntegrityCheckError, suiteKeyLengths, type CipherSuite } from '../../src/crypto/cipher-suite.js';
import { openEsp, sealEsp, type EspSa } from '../../src/crypto/esp-protection.js';
import { fromHex, toHex } from './hex.js';

interface Rfc3602Case {
  source: string;
  key: string;
  spi: number;
  sequence: number;
  iv: string;
  nextHeader: number;
  payload: string;
  /** The RFC's ESP packet: header, IV, ciphertext. */
  packet: string;
}

const CASES: Rfc3602Case[] = [
  {
    source: 'RFC 3602 §4 Case #5 (ICMP echo, transport mode, 64-byte payload)',
    key: '90d382b410eeba7ad938c46cec1a82bf', spi: 0x4321, sequence: 1, iv: 'e96e8c08ab465763fd098d45dd3ff893', nextHeader: 1,
    payload: '08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    packet: '0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6',
  },
  {
    source: 'RFC 3602 §4 Case #6 (ICMP echo, transport mode, 28-byte payload)',
    key: '90d382b410eeba7ad938c46cec1a82bf', spi: 0x4321, sequence: 8, iv: '69d08df7d203329db093fc4924e5bd80', nextHeader: 1,
    payload: '0800b5e8a80a0500a69c083d0b660e00777777777777777777777777',
    packet: '000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75',
  },
  {
    source: 'RFC 3602 §4 Case #7 (IPv4 ICMP echo in tunnel mode)',
    key: '0123456789abcdef0123456789abcdef', spi: 0x8765, sequence: 2, iv: 'f4e765244f6407adf13dc1380f673f37', nextHeader: 4,
    payload: '45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    packet: '0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d',
  },
  {
    source: 'RFC 3602 §4 Case #8 (IPv4 ICMP echo in tunnel mode, 0xff payload)',
    key: '0123456789abcdef0123456789abcdef', spi: 0x8765, sequence: 5, iv: '85d47224b5f3dd5d2101d4ea8dffab22', nextHeader: 4,
    payload: '45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    packet: '000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892',
  },
];

const pattern = (n: number, from: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

function saFor(suite: CipherSuite, spi: number, encryption?: Uint8Array): EspSa {
  const lengths = suiteKeyLengths(suite);
  return { spi, suite, keys: { encryption: encryption ?? pattern(lengths.encryption, 1), integrity: pattern(lengths.integrity, 0x80) } };
}

describe('ESP protection (RFC 4303 §3.3-3.4, RFC 3602, RFC 2404, RFC 4868, RFC 4106)', () => {
  for (const c of CASES) {
    for (const [integrity, hash, icvLength] of [['hmac-sha1-96', 'sha1', 12], ['hmac-sha256-128', 'sha256', 16]] as const) {
      it(`${c.source} with ${integrity}: the RFC's packet, then the truncated HMAC of it`, () => {
        const sa = saFor({ encryption: 'aes-cbc-128', integrity }, c.spi, fromHex(c.key));
        const sealed = sealEsp(sa, c.sequence, fromHex(c.iv), { nextHeader: c.nextHeader, data: fromHex(c.payload) });
        const rfc = fromHex(c.packet);
        expect(toHex(sealed.subarray(0, rfc.length))).to.equal(c.packet);
        // RFC 4303 §3.3.2.1: the ICV covers SPI, sequence number, IV and ciphertext.
        const icv = createHmac(hash, sa.keys.integrity).update(rfc).digest().subarray(0, icvLength);
        expect(toHex(sealed.subarray(rfc.length))).to.equal(toHex(icv));
        const opened = openEsp(sa, sealed);
        expect(opened.packet.sequence).to.equal(c.sequence);
        expect(opened.plaintext.nextHeader).to.equal(c.nextHeader);
        expect(toHex(opened.plaintext.data)).to.equal(c.payload);
      });
    }
  }

  const suites: CipherSuite[] = [
    { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' },
    { encryption: 'aes-gcm-16-128' },
    { encryption: 'aes-gcm-16-256' },
  ];
  for (const suite of suites) {
    it(`${suite.encryption}${suite.integrity ? ` + ${suite.integrity}` : ''}: round trip; any flipped bit, or another SPI, is refused`, () => {
      const sa = saFor(suite, 0xc0ffee01);
      const iv = pattern(suite.integrity ? 16 : 8, 0x40);
      const sealed = sealEsp(sa, 42, iv, { nextHeader: 4, data: pattern(33, 0) });
      expect(toHex(openEsp(sa, sealed).plaintext.data)).to.equal(toHex(pattern(33, 0)));
      for (const at of [0, 4, 8, sealed.length - 20, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[at] ^= 0x01;
        const expected = at < 4 ? CryptoError : IntegrityCheckError;
        expect(() => openEsp(sa, bad), `bit flipped at ${at}`).to.throw(expected);
      }
    });
  }

  it('GCM: the AAD is SPI and sequence number (RFC 4106 §5), so the same IV under another sequence number gives another tag only', () => {
    const sa = saFor({ encryption: 'aes-gcm-16-128' }, 0x1001);
    const iv = pattern(8, 0);
    const a = sealEsp(sa, 1, iv, { nextHeader: 4, data: pattern(20, 0) });
    const b = sealEsp(sa, 2, iv, { nextHeader: 4, data: pattern(20, 0) });
    expect(toHex(a.subarray(16, a.length - 16))).to.equal(toHex(b.subarray(16, b.length - 16)));
    expect(toHex(a.subarray(a.length - 16))).to.not.equal(toHex(b.subarray(b.length - 16)));
  });

  it('a decrypted trailer whose pad length exceeds the plaintext is a WireError (ERR_WIRE_BAD_LENGTH)', () => {
    const sa = saFor({ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' }, 0x2002);
    const sealed = sealEsp(sa, 1, pattern(16, 0), { nextHeader: 4, data: pattern(2, 0), padding: pattern(12, 1), padLength: 200 });
    expect(() => openEsp(sa, sealed)).to.throw(WireError).with.property('code', 'ERR_WIRE_BAD_LENGTH');
  });

  it('refuses keys of the wrong length and an IV of the wrong length (ERR_CRYPTO_BAD_INPUT)', () => {
    const sa = saFor({ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' }, 0x3003);
    expect(() => sealEsp({ ...sa, keys: { ...sa.keys, integrity: new Uint8Array(19) } }, 1, pattern(16, 0), { nextHeader: 4, data: pattern(1, 0) })).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
    expect(() => sealEsp(sa, 1, pattern(8, 0), { nextHeader: 4, data: pattern(1, 0) })).to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
  });
});
