// CiscoIkev2DpdPolicy alone: inputs and times in, actions out, no sockets. Exact times
// for `crypto ikev2 dpd 10 2 {periodic | on-demand}` with Cisco's four retransmissions.
import { expect } from 'chai';
import { CiscoIkev2DpdPolicy, type CiscoIkev2DpdConfig, type Ikev2DpdAction } from '../../src/dut/cisco-ikev2-dpd-policy.js';

const S = 1_000_000_000n;
const policy = (over: Partial<CiscoIkev2DpdConfig> = {}) =>
  new CiscoIkev2DpdPolicy({ interval: 10, retryInterval: 2, retransmissions: 4, mode: 'periodic', peers: [0, 1, 2], onDead: 'failover', ...over });
const types = (a: Ikev2DpdAction[]) => a.map((x) => x.type);

describe('CiscoIkev2DpdPolicy', () => {
  it('gives the engine one retry-interval before each of the four retransmissions and one more before giving up', () => {
    expect(policy().retransmitMs()).to.deep.equal([2000, 2000, 2000, 2000, 2000]);
    expect(policy({ faults: { retransmissions: 1 } }).retransmitMs()).to.deep.equal([2000, 2000]);
  });

  it('periodic: a liveness request interval after the last message from the peer, not before', () => {
    const p = policy();
    expect(p.handle({ type: 'established', peerIndex: 0 }, 0n)).to.deep.equal([{ type: 'arm-timer', at: 10n * S }]);
    expect(p.handle({ type: 'inbound' }, 4n * S)).to.deep.equal([{ type: 'arm-timer', at: 14n * S }]);
    expect(p.handle({ type: 'timer' }, 13n * S)).to.deep.equal([{ type: 'arm-timer', at: 14n * S }]);
    expect(p.handle({ type: 'timer' }, 14n * S)).to.deep.equal([{ type: 'send-liveness' }]);
    expect(p.handle({ type: 'answered' }, 15n * S)).to.deep.equal([{ type: 'arm-timer', at: 25n * S }]);
  });

  it('on-demand: nothing armed while idle; outbound traffic after interval without inbound starts a check at once', () => {
    const p = policy({ mode: 'on-demand' });
    expect(p.handle({ type: 'established', peerIndex: 0 }, 0n)).to.deep.equal([]);
    expect(p.handle({ type: 'timer' }, 30n * S)).to.deep.equal([]);
    expect(p.handle({ type: 'outbound-traffic', pending: true }, 30n * S)).to.deep.equal([{ type: 'arm-timer', at: 30n * S }]);
    expect(p.handle({ type: 'timer' }, 30n * S)).to.deep.equal([{ type: 'send-liveness' }]);
  });

  it('a dead peer: SAs removed and IKE_SA_INIT to the next set peer, cycling back to the first', () => {
    const p = policy();
    const dieAt = (peerIndex: number) => {
      p.handle({ type: 'established', peerIndex }, 0n);
      p.handle({ type: 'timer' }, 10n * S);
      return p.handle({ type: 'gave-up', transmissions: 5 }, 20n * S);
    };
    expect(dieAt(0)).to.deep.equal([{ type: 'peer-dead', peerIndex: 0, transmissions: 5 }, { type: 'remove-sas' }, { type: 'initiate', peerIndex: 1 }]);
    expect(dieAt(2).at(-1)).to.deep.equal({ type: 'initiate', peerIndex: 0 });
  });

  it('an unreachable next peer is passed over for the one after it; a peer failing while an SA is up is not failover', () => {
    const p = policy();
    expect(p.handle({ type: 'unreachable', peerIndex: 1 }, 0n)).to.deep.equal([{ type: 'initiate', peerIndex: 2 }]);
    p.handle({ type: 'established', peerIndex: 2 }, 0n);
    expect(p.handle({ type: 'unreachable', peerIndex: 0 }, 1n * S)).to.deep.equal([]);
    expect(policy({ onDead: 'clear' }).handle({ type: 'unreachable', peerIndex: 1 }, 0n)).to.deep.equal([]);
  });

  it('clear stays down; the noDeleteOnDeath fault keeps the SAs; a give-up outside a liveness check is not DPD', () => {
    const clear = policy({ onDead: 'clear' });
    clear.handle({ type: 'established', peerIndex: 0 }, 0n);
    expect(clear.handle({ type: 'gave-up', transmissions: 5 }, 1n * S)).to.deep.equal([]);
    clear.handle({ type: 'timer' }, 10n * S);
    expect(types(clear.handle({ type: 'gave-up', transmissions: 5 }, 20n * S))).to.deep.equal(['peer-dead', 'remove-sas']);
    const kept = policy({ faults: { noDeleteOnDeath: true } });
    kept.handle({ type: 'established', peerIndex: 0 }, 0n);
    kept.handle({ type: 'timer' }, 10n * S);
    expect(types(kept.handle({ type: 'gave-up', transmissions: 5 }, 20n * S))).to.deep.equal(['peer-dead']);
  });

  it('the intervalSeconds fault moves the check; the peer deleting the SA stops DPD', () => {
    const p = policy({ faults: { intervalSeconds: 25 } });
    expect(p.handle({ type: 'established', peerIndex: 0 }, 0n)).to.deep.equal([{ type: 'arm-timer', at: 25n * S }]);
    expect(p.handle({ type: 'sa-gone' }, 1n * S)).to.deep.equal([{ type: 'disarm-timer' }]);
    expect(p.handle({ type: 'timer' }, 25n * S)).to.deep.equal([]);
  });
});
