/**
 * suites/ikev2-silence.yaml and suites/ikev2-lost-state.yaml against strongSwan 5.9.8 (charon,
 * IKEv2) with dpd_action = restart in lab dpdss2r (profiles/strongswan-ikev2-restart.yaml:
 * dpd_delay 2 s, retransmit_timeout 1 s, base 1.5, tries 3): the restart scenario the IKEv2
 * lab profiles with action clear skip. Measured 2026-12-07: 6 passed, 3 skipped by `requires:`;
 * charon gives up 8.13 s after its first unanswered request and its IKE_SA_INIT to the same peer
 * leaves in the same millisecond; about 60 s on this machine.
 * The evidence reads every pcap with tshark and the .ikev2-keys file beside it.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile } from '../../src/profile/load-profile.js';
import { REPO } from '../e2e/cli-run.js';
import type { LabDut } from '../e2e/lab-duts.js';
import { STRONGSWAN_IKEV2 } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';
import { CHARON_CLOCK, daemonLog, endpointsOf, ikeAuthOf, ikeSaInitsFrom, ikev2WireEvidence, isDelete, isLiveness, logLineSeconds } from './lab-ikev2-wire.js';

const DUT: LabDut = { name: 'strongSwan (IKEv2, dpd_action = restart)', profile: 'profiles/strongswan-ikev2-restart.yaml', commands: STRONGSWAN_IKEV2.commands };
/** The profile's schedule (its loader checks the knobs against lab.dut.retransmit). */
const SCHEDULE = loadProfile(join(REPO, DUT.profile)).ikev2Dpd!.schedule;
const seconds = (line: string): number => logLineSeconds(CHARON_CLOCK, line);
/** Where the peer stops answering for good: charon dies on schedule and restarts towards it. */
const RESTARTED = ['ikev2-lost-state/restart-on-schedule', 'ikev2-silence/retransmissions-and-death', 'ikev2-silence/silence-inbound-only', 'ikev2-silence/silence-outbound-only'];

describeLabConformance({
  dut: DUT,
  suites: ['suites/ikev2-silence.yaml', 'suites/ikev2-lost-state.yaml'],
  statuses: {
    'ikev2-lost-state/dead-at-notify': 'skipped',
    'ikev2-lost-state/dead-on-schedule': 'skipped',
    'ikev2-lost-state/invalid-spi-is-no-answer': 'passed',
    'ikev2-lost-state/restart-at-notify': 'skipped',
    'ikev2-lost-state/restart-on-schedule': 'passed',
    'ikev2-silence/liveness-while-answering': 'passed',
    'ikev2-silence/retransmissions-and-death': 'passed',
    'ikev2-silence/silence-inbound-only': 'passed',
    'ikev2-silence/silence-outbound-only': 'passed',
  },
  timeoutMs: 180_000,
  evidence(run) {
    const rows = ikev2WireEvidence(run);

    it('retransmits on retransmit_timeout × base^n and, at the end of the last wait, sends IKE_SA_INIT for a new IKE SA to the same peer, without a Delete', () => {
      for (const id of RESTARTED) {
        const { dut, peer } = endpointsOf(run().byId.get(id)!);
        const wire = rows().get(id)!;
        const first = wire.find((r) => isLiveness(r, dut))!;
        // The dead IKE SA's requests: the first and its retransmissions, one message ID.
        const dead = wire.filter((r) => isLiveness(r, dut) && r.ispi === first.ispi);
        const at = dead.slice(1).map((r) => r.t - first.t);
        expect(at, id).to.have.length(SCHEDULE.retransmits.length);
        at.forEach((t, i) => expect(t, `${id} retransmit ${i + 1}`).to.be.closeTo(SCHEDULE.retransmits[i]!, 0.05));
        expect(new Set(dead.map((r) => r.messageId)).size, id).to.equal(1);
        const inits = ikeSaInitsFrom(wire, dut);
        expect(inits.map((r) => r.dst), `${id}: the DUT's new IKE SAs`).to.deep.equal([peer]);
        expect(inits[0]!.ispi, `${id}: a new IKE SA, not the dead one`).to.not.equal(first.ispi);
        expect(inits[0]!.t - first.t, `${id}: IKE_SA_INIT after the first unanswered request`).to.be.closeTo(SCHEDULE.deadAfterFirstProbe, 0.05);
        expect(wire.filter((r) => isDelete(r, dut)), id).to.deep.equal([]);
      }
    });

    it('sets up the new IKE SA with the peer that lost its state: its IKE_AUTH is answered', () => {
      const id = 'ikev2-lost-state/restart-on-schedule';
      const [init] = ikeSaInitsFrom(rows().get(id)!, endpointsOf(run().byId.get(id)!).dut);
      expect(ikeAuthOf(rows().get(id)!, init!.ispi)).to.deep.equal(['request', 'response']);
    });

    it('logs the give-up, "restarting CHILD_SA net" and the new IKE_SA to the same peer at once, on schedule from the first request', () => {
      for (const id of RESTARTED) {
        const log = daemonLog(run().byId.get(id)!);
        const { peer } = endpointsOf(run().byId.get(id)!);
        const first = log.find((l) => l.includes('generating INFORMATIONAL request'))!;
        const gaveUp = log.findIndex((l) => l.includes(`giving up after ${SCHEDULE.retransmits.length} retransmits`));
        expect(gaveUp, id).to.be.greaterThan(-1);
        expect(log[gaveUp + 1], id).to.match(/restarting CHILD_SA net$/);
        const initiating = log.slice(gaveUp).find((l) => /initiating IKE_SA peer1\[\d+\] to /.test(l))!;
        expect(initiating, id).to.match(new RegExp(`to ${peer.replace(/\./g, '\\.')}$`));
        expect(seconds(log[gaveUp]!) - seconds(first), id).to.be.closeTo(SCHEDULE.deadAfterFirstProbe, 0.05);
        expect(seconds(initiating) - seconds(log[gaveUp]!), id).to.be.within(0, 0.01);
      }
    });

    it('removes the lab work directory', () => {
      expect(existsSync(join(REPO, '.cache/lab/dpdss2r'))).to.equal(false);
    });
  },
});
