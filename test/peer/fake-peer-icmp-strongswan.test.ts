/**
 * The real raw socket against a real DUT: strongSwan 5.9 (charon) in a lab
 * namespace. Once the SA is up the peer switches to icmp-port-unreachable
 * ("host up, IKE daemon dead"): the DUT's R-U-THEREs must be answered by ICMP
 * port unreachable that arrive in the DUT's namespace (its Icmp
 * InDestUnreachs counter), and we measure whether charon still declares the
 * peer dead on its DPD schedule (docs/raw-socket.md records the result).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import type { MarkEvent } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { DUT_ADDRESS, PEER_ADDRESS, strongswanLabPeer } from './strongswan-lab-peer-fixture.js';

const DPD_DELAY_S = 2;
const DPD_TIMEOUT_S = 6;

/** Icmp InDestUnreachs of a namespace, from /proc/net/snmp as seen inside it. */
function inDestUnreachs(netns: string): number {
  const lines = execFileSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/snmp'], { timeout: 5_000 }).toString().split('\n').filter((l) => l.startsWith('Icmp:'));
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/);
  return Number(values[names.indexOf('InDestUnreachs')]);
}

describe('peer/fake-peer icmp-port-unreachable against a strongSwan DUT @root', function () {
  this.timeout(60_000);
  const fixture = strongswanLabPeer({
    lab: 'icy',
    psk: 'icy-icmp-psk',
    file: 'test/peer/fake-peer-icmp-strongswan.test.ts',
    dpd: { delay: DPD_DELAY_S, timeout: DPD_TIMEOUT_S },
    retransmitMs: [1000, 2000, 4000],
  });

  it("answers the DUT's R-U-THEREs with ICMP port unreachable that reach its namespace, and charon still declares the peer dead on its DPD schedule", async () => {
    const { lab, dut, peer, logLines } = fixture;
    const started = systemClock.now();
    const sa = peer.initiate({ from: { address: PEER_ADDRESS, port: 500 }, to: { address: DUT_ADDRESS, port: 500 }, quickMode: true });
    await peer.waitForSaState({ sa, phase: 2, state: 'established' }, 15_000, started);
    const listed = async (): Promise<boolean> => (await dut.listSas()).some((s) => s.ike.established);
    await waitUntil(listed, 'strongSwan lists the SA', 10_000, 100);

    const counterBefore = inDestUnreachs(lab.names.dutNs);
    const switched = systemClock.now();
    peer.setBehaviour(sa, { silence: 'icmp-port-unreachable' });
    await waitUntil(async () => !(await listed()), 'strongSwan drops the SA', (DPD_DELAY_S + DPD_TIMEOUT_S + 10) * 1000, 100);
    const gone = systemClock.now();
    const goneAfterS = Number(gone - switched) / 1e9;
    // charon (IKEv1) gives up dpd_timeout after the last datagram it received from the peer: our last one out.
    const lastToDut = peer.log.datagrams().filter((d) => d.direction === 'out' && d.t < switched).pop();
    const deadAfterLastInboundS = Number(gone - (lastToDut?.t ?? switched)) / 1e9;

    const dropped = peer.log.datagrams().filter((d) => d.t >= switched && d.direction === 'in' && d.behaviour === 'icmp-port-unreachable');
    const icmpMarks = peer.log.events.filter((e): e is MarkEvent => e.type === 'mark' && e.t >= switched && e.label.startsWith('icmp port unreachable (code 3)'));
    const counterAfter = inDestUnreachs(lab.names.dutNs);
    console.log(`      measured: ${dropped.length} DUT datagrams answered by ${icmpMarks.length} ICMP port unreachable; InDestUnreachs +${counterAfter - counterBefore}; SA gone ${goneAfterS.toFixed(1)} s after the switch, ${deadAfterLastInboundS.toFixed(1)} s after the DUT last heard from us`);

    expect(dropped.length, 'DUT datagrams after the switch (R-U-THERE and retransmissions)').to.be.at.least(2);
    expect(icmpMarks.length, 'one ICMP per dropped datagram').to.equal(dropped.length);
    expect(icmpMarks.every((m) => m.label.includes(`${PEER_ADDRESS} → ${DUT_ADDRESS}`))).to.equal(true);
    expect(counterAfter - counterBefore, 'ICMP destination unreachable counted in the DUT namespace').to.be.at.least(icmpMarks.length);
    // ICMP neither hastens nor delays charon: the same dpd_timeout as plain silence (lab-probe.md §3); the slack is the status polling.
    await waitUntil(() => logLines.some((l) => /DPD check timed out/.test(l)), 'charon logs the DPD timeout', 5_000, 100);
    expect(deadAfterLastInboundS).to.be.within(DPD_TIMEOUT_S - 0.5, DPD_TIMEOUT_S + 2);
  });
});
