import { expect } from 'chai';
import { corruptMessage, corruptionApplies } from '../../src/peer/corruption.js';
import type { PlaintextMessage } from '../../src/peer/engine-port.js';

// An R-U-THERE plaintext laid out as in protocol-digest.md Appendix A (values made up there, too).
const cookies = Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00]);
const rUThere = (): PlaintextMessage => ({
  header: {
    initiatorCookie: cookies.slice(0, 8),
    responderCookie: cookies.slice(8),
    exchangeType: 5,
    flags: { encryption: true, commit: false, authOnly: false },
    messageId: 0x5e3a91c7,
  },
  payloads: [
    { kind: 'hash', data: new Uint8Array(32).fill(0xab) },
    { kind: 'notify', doi: 1, protocolId: 1, notifyType: 36136, spi: cookies.slice(), data: Uint8Array.from([0x1f, 0x3c, 0x00, 0x07]) },
  ],
});

describe('peer/corruption', () => {
  it('flips one bit of the hash and leaves the original untouched', () => {
    const original = rUThere();
    const out = corruptMessage(original, { field: 'hash' });
    const hash = out.payloads[0];
    expect(hash.kind).to.equal('hash');
    if (hash.kind !== 'hash') return;
    expect(hash.data[31]).to.equal(0xaa);
    expect(hash.data.subarray(0, 31).every((b) => b === 0xab)).to.equal(true);
    const before = original.payloads[0];
    expect(before.kind === 'hash' && before.data[31]).to.equal(0xab);
  });

  it('moves HASH after the notify', () => {
    expect(corruptMessage(rUThere(), { field: 'hash-last' }).payloads.map((p) => p.kind)).to.deep.equal(['notify', 'hash']);
  });

  it('overrides the notify SPI size, swaps cookies, changes the notify type', () => {
    const n = (m: PlaintextMessage) => m.payloads.find((p) => p.kind === 'notify');
    expect(n(corruptMessage(rUThere(), { field: 'notify-spi-size', value: 8 }))).to.include({ spiSize: 8 });
    expect(n(corruptMessage(rUThere(), { field: 'notify-type', value: 32768 }))).to.include({ notifyType: 32768 });
    const swapped = n(corruptMessage(rUThere(), { field: 'notify-spi-swapped' }));
    expect(swapped && swapped.kind === 'notify' && Array.from(swapped.spi)).to.deep.equal([...cookies.slice(8), ...cookies.slice(0, 8)]);
  });

  it('writes a given payload length and ignores an index that does not exist', () => {
    expect(corruptMessage(rUThere(), { field: 'payload-length', payloadIndex: 1, value: 28 }).payloads[1].length).to.equal(28);
    expect(corruptMessage(rUThere(), { field: 'payload-length', payloadIndex: 5, value: 28 }).payloads).to.have.length(2);
  });

  it('replaces notify data after the hash, and patches header fields (message ID, flags, length)', () => {
    const n = corruptMessage(rUThere(), { field: 'notify-data', value: Uint8Array.from([0, 0, 0, 2]) }).payloads[1];
    expect(n.kind === 'notify' && Array.from(n.data)).to.deep.equal([0, 0, 0, 2]);
    const flags = { encryption: true, commit: true, authOnly: false };
    const out = corruptMessage(rUThere(), { field: 'header', patch: { messageId: 0, flags, length: 28 } });
    expect(out.header).to.include({ messageId: 0, length: 28 });
    expect(out.header.flags).to.deep.equal(flags);
    expect(out.header.initiatorCookie).to.deep.equal(cookies.slice(0, 8));
    expect(rUThere().header.messageId).to.equal(0x5e3a91c7);
  });

  it('applies only to the kinds it names', () => {
    expect(corruptionApplies({ field: 'hash', kinds: ['r-u-there-ack'] }, 'r-u-there-ack')).to.equal(true);
    expect(corruptionApplies({ field: 'hash', kinds: ['r-u-there-ack'] }, 'quick-mode')).to.equal(false);
    expect(corruptionApplies({ field: 'hash' }, 'delete')).to.equal(true);
  });
});
