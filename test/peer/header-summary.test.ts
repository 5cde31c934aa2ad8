import { expect } from 'chai';
import { cookiesOf, headerSummary } from '../../src/peer/header-summary.js';
import { encodeMessage } from '../../src/wire/index.js';

const ICKY = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const RCKY = Uint8Array.from([9, 10, 11, 12, 13, 14, 15, 16]);
const flags = { encryption: true, commit: false, authOnly: false };

describe('peer/header-summary', () => {
  it('names the exchange and message ID of an encrypted message without keys', () => {
    const bytes = encodeMessage({ initiatorCookie: ICKY, responderCookie: RCKY, exchangeType: 5, flags, messageId: 0x5e3a91c7, payloads: [], encrypted: new Uint8Array(80) });
    expect(headerSummary(bytes)).to.deep.equal({ exchangeType: 5, messageId: 0x5e3a91c7, kind: 'informational' });
    expect(cookiesOf(bytes)).to.equal('0102030405060708090a0b0c0d0e0f10');
  });

  it('knows Main, Aggressive and Quick Mode and calls anything else unknown', () => {
    const kind = (exchangeType: number) => headerSummary(encodeMessage({ initiatorCookie: ICKY, responderCookie: RCKY, exchangeType, flags, messageId: 1, payloads: [], encrypted: new Uint8Array(16) }))?.kind;
    expect([2, 4, 32, 6].map(kind)).to.deep.equal(['main-mode', 'aggressive-mode', 'quick-mode', 'unknown']);
  });

  it('says nothing about datagrams shorter than a header', () => {
    expect(headerSummary(new Uint8Array(27))).to.equal(undefined);
    expect(cookiesOf(new Uint8Array(15))).to.equal(undefined);
  });
});
