/**
 * suites/ikev2-failover.yaml (and ikev2-lost-state.yaml, whose scenarios end with an SA up, so
 * the administrative terminate runs the hook) against strongSwan 5.9.8 (charon, IKEv2) in lab
 * fovss2 (profiles/strongswan-ikev2-failover.yaml): charon has no peer list, so what is tested is
 * the usual deployment the lab renders — one connection per peer, dpd_action = clear, and an
 * updown hook that runs `swanctl --initiate` for the next connection on down-client
 * (src/lab/failover-hook.ts), as lab-strongswan-failover.test.ts does for IKEv1.
 * Measured 2026-12-07: 4 passed, 4 skipped by `requires:`; charon gives up 8.13 s after its first
 * unanswered request (dpd_delay 2 s, retransmit_timeout 1 s, base 1.5, tries 3), the hook runs
 * 2–4 ms later and IKE_SA_INIT to the next peer leaves 0.02–0.04 s after the death; about 55 s.
 * The evidence reads every pcap with tshark and the .ikev2-keys file beside it.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile } from '../../src/profile/load-profile.js';
import { readLabProfile, REPO } from '../e2e/cli-run.js';
import type { LabDut } from '../e2e/lab-duts.js';
import { STRONGSWAN_IKEV2 } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';
import { failoverStatuses } from './lab-failover.js';
import { CHARON_CLOCK, daemonLog, ikeAuthOf, ikeSaInitsFrom, ikev2WireEvidence, isDelete, isLiveness, logLineSeconds } from './lab-ikev2-wire.js';

const DUT: LabDut = { name: 'strongSwan (IKEv2) + updown failover hook', profile: 'profiles/strongswan-ikev2-failover.yaml', commands: STRONGSWAN_IKEV2.commands };
const { dutAddress, peerAddresses } = readLabProfile(DUT.profile);
const [p0, p1, p2] = peerAddresses as [string, string, string];
const profile = loadProfile(join(REPO, DUT.profile));
const { schedule } = profile.ikev2Dpd!;
const within = profile.dpd.failover!.within;
const seconds = (line: string): number => logLineSeconds(CHARON_CLOCK, line);

describeLabConformance({
  dut: DUT,
  suites: ['suites/ikev2-failover.yaml', 'suites/ikev2-lost-state.yaml'],
  statuses: {
    ...failoverStatuses('ikev2-failover'),
    'ikev2-lost-state/dead-at-notify': 'skipped',
    'ikev2-lost-state/dead-on-schedule': 'skipped',
    'ikev2-lost-state/invalid-spi-is-no-answer': 'passed',
    'ikev2-lost-state/restart-at-notify': 'skipped',
    'ikev2-lost-state/restart-on-schedule': 'skipped',
  },
  timeoutMs: 180_000,
  evidence(run) {
    const rows = ikev2WireEvidence(run);

    it('opens one IKE SA per peer in the rendered order, never the dead one again, each by IKE_SA_INIT to the next peer once the last wait for the previous one ran out', () => {
      const expected: Record<string, string[]> = { 'primary-to-secondary': [p1], 'order-respected': [p1], 'secondary-to-third': [p1, p2] };
      for (const [name, next] of Object.entries(expected)) {
        const id = `ikev2-failover/${name}`;
        const wire = rows().get(id)!;
        const inits = ikeSaInitsFrom(wire, dutAddress);
        expect(inits.map((r) => r.dst), id).to.deep.equal(next);
        [p0, ...next].slice(0, -1).forEach((dead, i) => {
          const requests = wire.filter((r) => isLiveness(r, dutAddress) && r.dst === dead);
          const at = requests.map((r) => r.t - requests[0]!.t);
          // The whole schedule went to the dead peer under one message ID, and nothing after it.
          expect(new Set(requests.map((r) => r.messageId)).size, `${id}: ${dead}`).to.equal(1);
          at.slice(1).forEach((t, n) => expect(t, `${id}: ${dead} retransmit ${n + 1}`).to.be.closeTo(schedule.retransmits[n]!, 0.05));
          expect(at, `${id}: ${dead}`).to.have.length(schedule.retransmits.length + 1);
          expect(wire.filter((r) => isDelete(r, dutAddress) && r.dst === dead), `${id}: no Delete to ${dead}`).to.deep.equal([]);
          const afterDeath = inits[i]!.t - (requests[0]!.t + schedule.deadAfterFirstProbe);
          expect(afterDeath, `${id}: ${dead} -> ${inits[i]!.dst} after the death`).to.be.within(0, 0.3);
          expect(afterDeath, `${id}: the profile's failover.within`).to.be.below(within);
          // The harness timed the same IKE_SA_INIT from the same first request.
          const check = run().byId.get(id)!.checks.filter((c) => c.name.startsWith('DUT initiates'))[i]!;
          expect(check.observed as number, `${id}: harness vs tshark`).to.be.closeTo(inits[i]!.t - requests[0]!.t, 0.02);
        });
      }
      // The second peer answered the retransmitted IKE_SA_INIT: its IKE SA came up before it fell silent.
      const third = rows().get('ikev2-failover/secondary-to-third')!;
      expect(ikeAuthOf(third, ikeSaInitsFrom(third, dutAddress)[0]!.ispi)).to.deep.equal(['request', 'response']);
    });

    it('the hook ran on down-client at the give-up, initiated the next connection at once, and held during the administrative terminate', () => {
      const log = daemonLog(run().byId.get('ikev2-failover/secondary-to-third')!);
      for (const [dead, conn, next] of [[p0, 'peer1', 'peer2'], [p1, 'peer2', 'peer3']] as const) {
        const gaveUp = log.findIndex((l) => l.includes(`<${conn}|`) && l.endsWith(`giving up after ${schedule.retransmits.length} retransmits`));
        expect(gaveUp, dead).to.be.greaterThan(-1);
        const down = log.slice(gaveUp).find((l) => l.endsWith(`updown: failover-hook: verb=down-client peer=${dead} connection=net`))!;
        const decided = log.slice(gaveUp).find((l) => l.endsWith(`updown: failover-hook: ${dead} is down: initiating ${next}`))!;
        const initiating = log.slice(gaveUp).find((l) => new RegExp(`initiating IKE_SA ${next}\\[\\d+\\] to `).test(l))!;
        expect([down, decided, initiating], dead).to.not.include(undefined);
        expect(seconds(down) - seconds(log[gaveUp]!), `${dead}: hook after the give-up`).to.be.within(0, 0.1);
        expect(seconds(initiating) - seconds(log[gaveUp]!), `${dead}: ${next} initiated after the give-up`).to.be.within(0, 0.3);
      }
      const all = [...run().byId.values()].flatMap(daemonLog);
      expect(all.some((l) => l.includes('down by an administrative terminate: no failover'))).to.equal(true);
      expect(all.filter((l) => /is the last peer of the list|is not in the failover list/.test(l))).to.deep.equal([]);
    });

    it('removes the hook, its log and hold files with the lab work directory', () => {
      expect(existsSync(join(REPO, '.cache/lab/fovss2'))).to.equal(false);
    });
  },
});
