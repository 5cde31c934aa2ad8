/**
 * A responder with another pre-shared key that drops Main Mode message 5 without a
 * notify and keeps retransmitting message 4 (Libreswan 4.10 does: "probable
 * authentication failure (mismatch of preshared secrets?)"): the initiator answers
 * each repeat with message 5 again, and the third repeat fails phase 1 as the DUT's
 * refusal naming the PSK, instead of a timeout. Fewer repeats are a lost message 5.
 */
import { expect } from 'chai';
import type { OutboundDatagram } from '../../src/ike/index.js';
import { MM4_REPEATS_REFUSAL } from '../../src/ike/main-mode.js';
import { baseConfig, EnginePair } from './engine-pair.js';

/** a's Main Mode up to its message 5, which is dropped: returns b's message 4. */
function upToMm5(pair: EnginePair): OutboundDatagram {
  pair.connected = false;
  pair.initiate(false);
  let last: OutboundDatagram | undefined;
  for (let step = 1; step <= 4; step++) {
    const { from, datagram } = pair.dropped.shift()!;
    expect(datagram.summary.step, `message ${step}`).to.equal(step);
    pair.inject(from === 'a' ? 'b' : 'a', datagram.bytes);
    last = datagram;
  }
  expect(pair.dropped.map((d) => d.datagram.summary.step)).to.deep.equal([5]);
  return last!;
}

const sentBy = (pair: EnginePair): number => pair.dropped.filter((d) => d.from === 'a').length;

describe('IkeEngine: Main Mode message 4 again instead of message 6', () => {
  it(`repeat number ${MM4_REPEATS_REFUSAL} fails phase 1 as a refusal that names the pre-shared key; later ones are not answered`, () => {
    const pair = new EnginePair(baseConfig('skm-a'), baseConfig('skm-b', { psk: () => new TextEncoder().encode('another key') }));
    const mm4 = upToMm5(pair);
    for (let i = 1; i < MM4_REPEATS_REFUSAL; i++) {
      pair.inject('a', mm4.bytes);
      // Answered with message 5 again, byte for byte, and phase 1 goes on.
      expect(sentBy(pair), `repeat ${i}`).to.equal(1 + i);
      expect(pair.dropped.at(-1)!.datagram.bytes).to.deep.equal(pair.dropped[0]!.datagram.bytes);
      expect(pair.eventsOf('a', 'state').filter((e) => e.state === 'failed'), `repeat ${i}`).to.deep.equal([]);
    }
    pair.inject('a', mm4.bytes);
    expect(sentBy(pair)).to.equal(MM4_REPEATS_REFUSAL);
    const [failed] = pair.eventsOf('a', 'state').filter((e) => e.state === 'failed');
    expect(failed?.refusal?.phase).to.equal(1);
    expect(failed?.refusal?.notify).to.equal(`Main Mode message 4 again (${MM4_REPEATS_REFUSAL} times) instead of message 6, no notify`);
    expect(failed?.refusal?.offered).to.match(/^PSK authentication as /);
    expect(failed?.refusal?.hint).to.match(/^psk .*pre-shared keys differ/);
    expect(failed?.detail).to.match(/^the DUT refused phase 1 with Main Mode message 4 again/);
    // No timer is left to retransmit message 5, and a further repeat gets nothing.
    expect(pair.timers.a).to.deep.equal([]);
    pair.inject('a', mm4.bytes);
    expect(sentBy(pair)).to.equal(MM4_REPEATS_REFUSAL);
  });

  it('fewer repeats are a lost message 5: the one that gets through completes phase 1 with the same key', () => {
    const pair = new EnginePair(baseConfig('lost-a'), baseConfig('lost-b'));
    const mm4 = upToMm5(pair);
    for (let i = 1; i < MM4_REPEATS_REFUSAL; i++) pair.inject('a', mm4.bytes);
    const resent = pair.dropped.at(-1)!;
    pair.dropped.length = 0;
    pair.inject('b', resent.datagram.bytes);
    const mm6 = pair.dropped.shift()!;
    expect(mm6.datagram.summary.step).to.equal(6);
    pair.inject('a', mm6.datagram.bytes);
    expect(pair.eventsOf('a', 'state').map((e) => e.state)).to.deep.equal(['negotiating', 'established']);
  });
});
