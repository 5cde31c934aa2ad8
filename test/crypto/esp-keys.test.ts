/** ESP keys per direction from Quick Mode KEYMAT (RFC 2409 §5.5): the receiver's SPI keys each direction. */
import { expect } from 'chai';
import { CryptoError } from '../../src/errors.js';
import { quickModeEspSas } from '../../src/crypto/esp-keys.js';
import { quickModeKeymat } from '../../src/crypto/ikev1-key-schedule.js';
import { fromHex, text, toHex } from './hex.js';

const skeyidD = fromHex('0f0e0d0c0b0a09080706050403020100ffeeddcc');
const common = { niB: text('initiator nonce'), nrB: text('responder nonce') };
const inboundSpi = fromHex('c1a2b3d4');
const outboundSpi = fromHex('5e6f7a8b');

describe('ESP SAs from a Quick Mode (RFC 2409 §5.5)', () => {
  it('inbound keys from our SPI, outbound from the peer\'s; encryption key first, then the integrity key', () => {
    const sas = quickModeEspSas({ prf: 'sha1', skeyidD, ...common, inboundSpi, outboundSpi, suite: { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' } });
    const inbound = quickModeKeymat('sha1', skeyidD, { protocol: 3, spi: inboundSpi, ...common, length: 36 });
    const outbound = quickModeKeymat('sha1', skeyidD, { protocol: 3, spi: outboundSpi, ...common, length: 36 });
    expect(sas.inbound.spi).to.equal(0xc1a2b3d4);
    expect(sas.outbound.spi).to.equal(0x5e6f7a8b);
    expect(toHex(sas.inbound.keys.encryption) + toHex(sas.inbound.keys.integrity)).to.equal(toHex(inbound));
    expect(toHex(sas.outbound.keys.encryption) + toHex(sas.outbound.keys.integrity)).to.equal(toHex(outbound));
    expect(sas.inbound.keys.encryption).to.have.length(16);
    expect(sas.inbound.keys.integrity).to.have.length(20);
  });

  it('the other end, with the SPIs swapped, gets the same two SAs the other way round; PFS changes every key', () => {
    const suite = { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' } as const;
    const gqm = fromHex('aa'.repeat(256));
    const ours = quickModeEspSas({ prf: 'sha256', skeyidD, gqm, ...common, inboundSpi, outboundSpi, suite });
    const theirs = quickModeEspSas({ prf: 'sha256', skeyidD, gqm, ...common, inboundSpi: outboundSpi, outboundSpi: inboundSpi, suite });
    expect(theirs.inbound).to.deep.equal(ours.outbound);
    expect(theirs.outbound).to.deep.equal(ours.inbound);
    expect(ours.inbound.keys.encryption).to.have.length(32);
    expect(ours.inbound.keys.integrity).to.have.length(32);
    const noPfs = quickModeEspSas({ prf: 'sha256', skeyidD, ...common, inboundSpi, outboundSpi, suite });
    expect(toHex(noPfs.inbound.keys.encryption)).to.not.equal(toHex(ours.inbound.keys.encryption));
  });

  it('GCM takes the 4-byte salt from KEYMAT after the key (RFC 4106 §8.1) and no integrity key', () => {
    const sas = quickModeEspSas({ prf: 'sha1', skeyidD, ...common, inboundSpi, outboundSpi, suite: { encryption: 'aes-gcm-16-128' } });
    expect(toHex(sas.inbound.keys.encryption)).to.equal(toHex(quickModeKeymat('sha1', skeyidD, { protocol: 3, spi: inboundSpi, ...common, length: 20 })));
    expect(sas.inbound.keys.integrity).to.have.length(0);
  });

  it('an SPI that is not 4 bytes is ERR_CRYPTO_BAD_INPUT', () => {
    expect(() => quickModeEspSas({ prf: 'sha1', skeyidD, ...common, inboundSpi: fromHex('0102'), outboundSpi, suite: { encryption: 'aes-gcm-16-128' } }))
      .to.throw(CryptoError).with.property('code', 'ERR_CRYPTO_BAD_INPUT');
  });
});
