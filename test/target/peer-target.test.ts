import { expect } from 'chai';
import { peerBehaviour } from '../../src/target/peer-target.js';

describe('target/peer-target', () => {
  it('realises silence so the DUT still sees a silent peer but its messages are decoded', () => {
    expect(peerBehaviour({ silence: 'both' })).to.deep.equal({ silence: 'out', dpd: 'ignore', dropAnswers: false });
    // Lost on the way in: nothing is answered (a re-initiating DUT's Main Mode neither), what the peer starts still leaves.
    expect(peerBehaviour({ silence: 'in' })).to.deep.equal({ silence: 'none', dpd: 'ignore', dropAnswers: true });
    expect(peerBehaviour({ silence: 'out' })).to.deep.equal({ silence: 'out', dpd: 'answer', dropAnswers: false });
    expect(peerBehaviour({ silence: 'none', answerDelayMs: 0 })).to.deep.equal({ silence: 'none', dpd: 'answer', dropAnswers: false, answerDelayMs: 0 });
    // An explicit ignore_dpd next to silence wins.
    expect(peerBehaviour({ silence: 'none', dpd: 'ignore' })).to.deep.equal({ silence: 'none', dpd: 'ignore', dropAnswers: false });
    expect(peerBehaviour({ answerDelayMs: 500 })).to.deep.equal({ answerDelayMs: 500 });
  });
});
