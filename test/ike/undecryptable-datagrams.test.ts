/**
 * What the engine does with ciphertext it cannot read, and why there is no
 * decryption error code: CBC without padding decrypts any whole blocks, so
 * ciphertext that is not whole blocks is a malformed datagram, and ciphertext
 * under another key decrypts to noise that either does not decode or does not
 * match its HASH.
 */
import { expect } from 'chai';
import { seededRandom } from '../support/seeded-random.js';
import { baseConfig, EnginePair } from './engine-pair.js';

const HEADER_LENGTH = 28;

/** Phase 1 and an IPsec SA up, and an R-U-THERE from a to b captured instead of delivered. */
function capturedProbe(seed: string): { pair: EnginePair; probe: Uint8Array } {
  const pair = new EnginePair(baseConfig(`${seed}-a`), baseConfig(`${seed}-b`, { autoAnswerDpd: true }));
  pair.initiate(true);
  pair.connected = false;
  pair.run('a', pair.a.sendDpd(pair.a.list()[0], 0n, 77));
  const probe = pair.dropped.find((d) => d.datagram.summary.kind === 'r-u-there')!.datagram.bytes;
  pair.connected = true;
  return { pair, probe };
}

/** The probe with its ciphertext replaced, and the header length to match. */
function withCiphertext(probe: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + ciphertext.length);
  out.set(probe.subarray(0, HEADER_LENGTH));
  out.set(ciphertext, HEADER_LENGTH);
  new DataView(out.buffer).setUint32(24, out.length);
  return out;
}

describe('IkeEngine: ciphertext it cannot read', () => {
  it('ciphertext that is not whole cipher blocks: ERR_IKE_MALFORMED, returned rather than thrown', () => {
    const { pair, probe } = capturedProbe('ragged');
    const result = pair.inject('b', withCiphertext(probe, probe.subarray(HEADER_LENGTH, probe.length - 1)));
    expect(result.rejected?.code).to.equal('ERR_IKE_MALFORMED');
    expect(result.rejected?.message).to.match(/not a whole number of 16-byte blocks/);
    expect(pair.eventsOf('b', 'dpd-request')).to.deep.equal([]);
  });

  it('ciphertext under another key: ERR_IKE_MALFORMED or ERR_IKE_BAD_HASH every time, and the real probe is still answered', () => {
    const { pair, probe } = capturedProbe('other-key');
    const random = seededRandom('other-key-ciphertext');
    const codes = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) codes.add(pair.inject('b', withCiphertext(probe, random.bytes(probe.length - HEADER_LENGTH))).rejected?.code);
    expect([...codes].every((c) => c === 'ERR_IKE_MALFORMED' || c === 'ERR_IKE_BAD_HASH'), [...codes].join(', ')).to.equal(true);
    expect(pair.eventsOf('b', 'dpd-request')).to.deep.equal([]);
    expect(pair.inject('b', probe).rejected).to.equal(undefined);
    expect(pair.eventsOf('b', 'dpd-request')).to.have.length(1);
  });
});
