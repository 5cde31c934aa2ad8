/**
 * suites/ikev2-failover.yaml against Libreswan 4.10 (pluto, IKEv2) in lab fovls2
 * (profiles/libreswan-ikev2-failover.yaml): as for IKEv1 (lab-libreswan-failover), pluto has no peer
 * list, so what is tested is the usual deployment the lab renders — one conn per peer,
 * dpdaction=clear, rekey=no, and a leftupdown hook that on down-client unroutes the dead conn and
 * initiates the next (src/lab/failover-hook.ts, src/lab/libreswan.ts). The unroute is IKEv2's own:
 * pluto 4.10 leaves the cleared conn's %trap on the subnets all conns share, and the next conn's
 * Child SA would fail with "cannot route -- route already in use".
 * Measured 2026-12-07: 3 passed; pluto gives the silent peer up 4.0 s after its first liveness
 * request (dpddelay 2, retransmit-timeout 3 s), without a Delete, and sends IKE_SA_INIT to the
 * next peer 0.02-0.08 s later; about 35 s.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { libreswanLiveness } from '../../src/profile/ikev2-liveness-schedule.js';
import type { ScenarioJson } from '../e2e/cli-run.js';
import { readLabProfile, REPO } from '../e2e/cli-run.js';
import { LIBRESWAN, type LabDut } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';
import { failoverStatuses, itContactsPeersInOrder } from './lab-failover.js';
import { endpointsOf, ikeSaInitsFrom, ikev2WireEvidence, isDelete, isLiveness, plutoGiveUps } from './lab-ikev2-wire.js';

const LIBRESWAN_BIN = join(REPO, '.cache/libreswan/usr/libexec/ipsec');
const DUT: LabDut = {
  name: 'Libreswan (IKEv2) + updown failover hook',
  profile: 'profiles/libreswan-ikev2-failover.yaml',
  commands: [...LIBRESWAN.commands, join(LIBRESWAN_BIN, 'addconn')],
};
const [p0, p1, p2] = readLabProfile(DUT.profile).peerAddresses as [string, string, string];
/** profiles/libreswan-ikev2-failover.yaml's knobs, which its loader checks against lab.dut.retransmit_*. */
const SCHEDULE = libreswanLiveness({ interval: 0.5, timeout: 3 });
const THIRD = 'ikev2-failover/secondary-to-third';

describeLabConformance({
  dut: DUT,
  suites: 'suites/ikev2-failover.yaml',
  statuses: failoverStatuses('ikev2-failover'),
  timeoutMs: 150_000,
  evidence(run) {
    const rows = ikev2WireEvidence(run);
    const initiatedTo = (s: ScenarioJson): string[] => ikeSaInitsFrom(rows().get(s.id)!, endpointsOf(s).dut).map((r) => r.dst);
    // Without rekey=no pluto would revive peer2, which it initiated, in secondary-to-third.
    itContactsPeersInOrder(run, [p0, p1, p2], 'sends IKE_SA_INIT (pcap) only to the next peers in the rendered order, never to the dead one again', {
      suite: 'ikev2-failover',
      contacted: initiatedTo,
    });

    it('gives each silent peer up on the retransmission schedule without a Delete and sends IKE_SA_INIT to the next within 0.3 s (pcap)', () => {
      const s = run().byId.get(THIRD)!;
      const all = rows().get(THIRD)!;
      const { dut } = endpointsOf(s);
      for (const [dead, next] of [[p0, p1], [p1, p2]] as const) {
        const requests = all.filter((r) => isLiveness(r, dut) && r.dst === dead);
        expect(new Set(requests.map((r) => r.messageId)).size, `one request to ${dead}, retransmitted`).to.equal(1);
        const at = requests.map((r) => r.t - requests[0]!.t);
        expect(at, dead).to.have.length(SCHEDULE.retransmits.length + 1);
        at.slice(1).forEach((t, i) => expect(t, `${dead} retransmit ${i + 1}`).to.be.within(SCHEDULE.retransmits[i]! - 0.01, SCHEDULE.retransmits[i]! + 0.1));
        expect(all.filter((r) => isDelete(r, dut) && r.dst === dead), `no Delete to ${dead}`).to.deep.equal([]);
        const init = ikeSaInitsFrom(all, dut).find((r) => r.dst === next);
        expect(init, `IKE_SA_INIT to ${next}`).to.not.equal(undefined);
        expect(init!.t - requests[0]!.t - SCHEDULE.deadAfterFirstProbe, `${dead} -> ${next} after the death`).to.be.within(0, 0.3);
      }
      const checks = s.checks.filter((c) => c.name.startsWith('DUT initiates'));
      expect(checks).to.have.length(2);
      for (const c of checks) expect(c.observed as number).to.be.within(SCHEDULE.deadAfterFirstProbe, SCHEDULE.deadAfterFirstProbe + 0.3);
    });

    it('pluto logs the timeout on its own clock, the hook runs on down-client, unroutes the dead conn and starts the next; the dead conn is not revived', () => {
      const lines = run().byId.get(THIRD)!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      const deaths = plutoGiveUps(lines, 3, SCHEDULE.retransmits.length);
      expect(deaths).to.have.length(2);
      deaths.forEach((d, i) => expect(d.after, `death ${i + 1}`).to.be.within(SCHEDULE.deadAfterFirstProbe - 0.01, SCHEDULE.deadAfterFirstProbe + 0.1));
      const clearing = lines.findIndex((l) => l.includes('"peer2"') && l.includes('liveness action - clearing connection kind CK_PERMANENT'));
      expect(clearing).to.be.greaterThan(-1);
      const after = lines.slice(clearing);
      const order = [
        after.findIndex((l) => l.includes('down-client output: failover-hook:') && l.includes(`${p1} is down: initiating peer3`)),
        after.findIndex((l) => /"peer2" #\d+: deleting state \(STATE_V2_ESTABLISHED_IKE_SA\) .* NOT sending notification/.test(l)),
        after.findIndex((l) => l.includes('"peer2": unroute-client output: failover-hook:')),
        after.findIndex((l) => /"peer3" #\d+: initiating IKEv2 connection/.test(l)),
        after.findIndex((l) => l.includes(`sent IKE_SA_INIT request to ${p2}:500`)),
      ];
      expect(order.every((i, k) => i > -1 && (k === 0 || i > order[k - 1]!)), `in order: ${order.join(', ')}`).to.equal(true);
      // peer2 was pluto's own initiation: rekey=no is what keeps it from being revived.
      expect(after.find((l) => l.includes('skipping revival: POLICY_DONT_REKEY enabled'))).to.be.a('string');
      expect(after.some((l) => /"peer2".*(schedule EVENT_REVIVE_CONNS|must remain up per local policy)/.test(l))).to.equal(false);
      const all = [...run().byId.values()].flatMap((x) => x.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)));
      expect(all.filter((l) => l.includes('cannot route -- route already in use'))).to.deep.equal([]);
    });

    it('removes the hook, its log and the lab work directory', () => {
      expect(existsSync(join(REPO, '.cache/lab', readLabProfile(DUT.profile).lab))).to.equal(false);
    });
  },
});
