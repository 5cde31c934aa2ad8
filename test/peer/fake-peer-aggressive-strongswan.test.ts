/**
 * Aggressive Mode against a real DUT: strongSwan 5.9 (charon) in a lab
 * namespace configured with `aggressive: true`. The fake peer initiates
 * Aggressive Mode + Quick Mode; charon lists the SA and the peer answers its
 * R-U-THEREs. charon may ignore the first Quick Mode message right after AM3
 * ("phase 1 is incomplete") and take the retransmission, hence the timeouts.
 */
import { expect } from 'chai';
import { systemClock } from '../../src/peer/system-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { DUT_ADDRESS, PEER_ADDRESS, strongswanLabPeer } from './strongswan-lab-peer-fixture.js';

const DPD_DELAY_S = 2;

describe('peer/fake-peer Aggressive Mode against a strongSwan DUT @root', function () {
  this.timeout(60_000);
  const fixture = strongswanLabPeer({
    lab: 'icyam',
    psk: 'icy-aggressive-psk',
    file: 'test/peer/fake-peer-aggressive-strongswan.test.ts',
    dpd: { delay: DPD_DELAY_S, timeout: 10 },
    aggressive: true,
    retransmitMs: [2000, 2000, 4000],
  });

  it("the peer initiates Aggressive Mode + Quick Mode, charon lists the SA and its R-U-THEREs are answered with the echoed seq", async () => {
    const { peer, dut } = fixture;
    const started = systemClock.now();
    const sa = peer.initiate({ from: { address: PEER_ADDRESS, port: 500 }, to: { address: DUT_ADDRESS, port: 500 }, quickMode: true, mode: 'aggressive' });
    await peer.waitForSaState({ sa, phase: 2, state: 'established' }, 20_000, started);
    await waitUntil(async () => (await dut.listSas()).some((s) => s.ike.established && s.children.some((c) => c.installed)), 'strongSwan lists the SA with an installed child', 10_000, 100);
    const out = peer.log.datagrams().filter((d) => d.direction === 'out' && d.t >= started);
    expect(out[0].summary?.exchangeType, 'first message: Aggressive Mode (exchange type 4)').to.equal(4);
    expect(peer.log.datagrams().filter((d) => d.rejected), 'datagrams the engine refused').to.deep.equal([]);

    const probe = await peer.log.waitFor((e) => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'r-u-there', { clock: systemClock, timeoutMs: (DPD_DELAY_S + 4) * 1000, since: started });
    const ack = await peer.log.waitFor((e) => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'r-u-there-ack', { clock: systemClock, timeoutMs: 2000, since: probe.t });
    expect(ack.type === 'datagram' && ack.summary?.seq).to.equal(probe.type === 'datagram' && probe.summary?.seq);
  });
});
