/**
 * suites/multi-peer-failover.yaml against Libreswan 4.10 in lab fovls
 * (profiles/libreswan-failover.yaml): pluto has no peer list, so what is tested is the usual
 * deployment the lab renders — one conn per peer, dpdaction=clear, and a leftupdown hook that on
 * down-client initiates the
 * next (`ipsec auto --up`, whack --initiate) (src/lab/failover-hook.ts). The conns have
 * rekey=no: pluto 4.10 revives a conn it initiated at once ("connection is supposed to remain
 * up", EVENT_REVIVE_CONNS with a 0 s first delay) even after dpdaction=clear, and
 * POLICY_DONT_REKEY is what makes it skip that.
 * Measured 2026-11-28: 3 passed; pluto sends Delete (ESP, ISAKMP) 6.0 s after its first
 * unanswered R-U-THERE and Main Mode to the next peer 0.01–0.03 s after the Delete; about 45 s.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDut } from '../e2e/lab-duts.js';
import { readLabProfile, REPO } from '../e2e/cli-run.js';
import { describeLabConformance } from './lab-conformance.js';
import { deletesFrom, FAILOVER_STATUSES, initiationTo, itContactsPeersInOrder, probesTo } from './lab-failover.js';

const LIBRESWAN_BIN = join(REPO, '.cache/libreswan/usr/libexec/ipsec');
const DUT: LabDut = {
  name: 'Libreswan + updown failover hook',
  profile: 'profiles/libreswan-failover.yaml',
  commands: [join(LIBRESWAN_BIN, 'pluto'), join(LIBRESWAN_BIN, 'whack'), join(LIBRESWAN_BIN, 'addconn'), 'certutil'],
};
const [p0, p1, p2] = readLabProfile(DUT.profile).peerAddresses as [string, string, string];

describeLabConformance({
  dut: DUT,
  suites: 'suites/multi-peer-failover.yaml',
  statuses: FAILOVER_STATUSES,
  timeoutMs: 180_000,
  evidence(run) {
    // Without rekey=no, pluto would also renegotiate with p1 in secondary-to-third (revival).
    itContactsPeersInOrder(run, [p0, p1, p2], 'contacts the peers in the rendered order and never the dead one again (no revival)');

    it('sends Delete dpdtimeout after the first unanswered probe and initiates to the next peer within 0.3 s of it', () => {
      const s = run().byId.get('multi-peer-failover/secondary-to-third')!;
      for (const [dead, next] of [[p0, p1], [p1, p2]] as const) {
        const probes = probesTo(s, dead);
        // Three probes, sequence +1 each (dpddelay 2 s), then Delete(ESP), Delete(ISAKMP) at first probe + 6 s.
        expect(probes.length, dead).to.be.greaterThanOrEqual(3);
        const [a, b, c] = probes.slice(-3) as [(typeof probes)[0], (typeof probes)[0], (typeof probes)[0]];
        expect([b.seq! - a.seq!, c.seq! - b.seq!]).to.deep.equal([1, 1]);
        const deletes = deletesFrom(s, dead);
        expect(deletes, `Deletes to ${dead}`).to.have.length(2);
        expect(deletes[0]!.t - a.t, `${dead} dead`).to.be.closeTo(6, 0.6);
        const mm = initiationTo(s, next)!;
        expect(mm, `Main Mode to ${next}`).to.not.equal(undefined);
        expect(mm.t - deletes[0]!.t, `${dead} -> ${next}`).to.be.within(0, 0.3);
      }
      const checks = s.checks.filter((c) => c.name.startsWith('DUT initiates Main Mode'));
      expect(checks).to.have.length(2);
      for (const c of checks) expect(c.observed as number).to.be.within(6, 6.4);
    });

    it('the hook ran on down-client after "DPD action - clearing connection", logged in the pluto log, and held on terminates', () => {
      const lines = run().byId.get('multi-peer-failover/secondary-to-third')!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      const clearing = lines.findIndex((l) => l.includes('"peer2"') && l.includes('DPD action - clearing connection'));
      expect(clearing).to.be.greaterThan(-1);
      const after = lines.slice(clearing);
      expect(after.find((l) => l.includes('down-client output: failover-hook:') && l.includes(`${p1} is down: initiating peer3`))).to.be.a('string');
      // The dead conn is not revived (rekey=no) and stays down; peer3 is initiated.
      expect(after.find((l) => l.includes('skipping revival: POLICY_DONT_REKEY enabled'))).to.be.a('string');
      expect(after.some((l) => /"peer2".*(must remain up per local policy|schedule EVENT_REVIVE_CONNS)/.test(l))).to.equal(false);
      expect(after.find((l) => /"peer3" #\d+: initiating IKEv1 Main Mode connection/.test(l))).to.be.a('string');
      const all = [...run().byId.values()].flatMap((x) => x.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)));
      expect(all.some((l) => l.includes('down by an administrative terminate: no failover'))).to.equal(true);
    });

    it('removes the hook, its log and hold files with the lab work directory', () => {
      expect(existsSync(join(REPO, '.cache/lab/fovls'))).to.equal(false);
    });
  },
});
