/**
 * suites/multi-peer-failover.yaml against strongSwan 5.9.8 in lab fovss
 * (profiles/strongswan-failover.yaml): charon has no peer list, so what is tested is the usual
 * deployment the lab renders — one connection per peer, dpd_action = clear, and an updown hook
 * that runs `swanctl --initiate` for the next connection on down-client (src/lab/failover-hook.ts).
 * Measured 2026-11-28: 3 passed; charon dies 4.0 s after its first unanswered R-U-THERE
 * (dpd_timeout 6 s from the last inbound, no Delete) and its Main Mode to the next peer follows
 * 0.02–0.03 s after that; about 35 s on this machine.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { LabDut } from '../e2e/lab-duts.js';
import { readLabProfile, REPO } from '../e2e/cli-run.js';
import { join } from 'node:path';
import { describeLabConformance } from './lab-conformance.js';
import { deletesFrom, FAILOVER_STATUSES, initiationTo, itContactsPeersInOrder, probesTo } from './lab-failover.js';

const DUT: LabDut = {
  name: 'strongSwan + updown failover hook',
  profile: 'profiles/strongswan-failover.yaml',
  commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl'],
};
const [p0, p1, p2] = readLabProfile(DUT.profile).peerAddresses as [string, string, string];

describeLabConformance({
  dut: DUT,
  suites: 'suites/multi-peer-failover.yaml',
  statuses: FAILOVER_STATUSES,
  timeoutMs: 150_000,
  evidence(run) {
    itContactsPeersInOrder(run, [p0, p1, p2], 'contacts the peers in the rendered order and never the dead one again');

    it('dies silently dpd_timeout after the last inbound and initiates to the next peer within 0.3 s of the death', () => {
      const s = run().byId.get('multi-peer-failover/secondary-to-third')!;
      for (const [dead, next] of [[p0, p1], [p1, p2]] as const) {
        const probes = probesTo(s, dead);
        expect(deletesFrom(s, dead), `no Delete to ${dead}`).to.deep.equal([]);
        // Probes at last inbound + 2 s and + 4 s (same sequence number), dead at + 6 s = last probe + 2 s.
        expect(probes.length, dead).to.be.greaterThanOrEqual(2);
        const first = probes.at(-2)!;
        const last = probes.at(-1)!;
        expect(last.seq).to.equal(first.seq);
        const death = last.t + 2;
        const mm = initiationTo(s, next)!;
        expect(mm, `Main Mode to ${next}`).to.not.equal(undefined);
        expect(mm.t - death, `${dead} -> ${next}`).to.be.within(-0.1, 0.3);
        expect(mm.t - first.t, `${dead} -> ${next} from the first unanswered probe`).to.be.closeTo(4, 0.4);
      }
      const checks = s.checks.filter((c) => c.name.startsWith('DUT initiates Main Mode'));
      expect(checks.map((c) => c.observed as number)).to.have.length(2);
      for (const c of checks) expect(c.observed as number).to.be.within(4, 4.4);
    });

    it('the hook ran on down-client, said so in the charon log, and held during the administrative terminate', () => {
      const lines = run().byId.get('multi-peer-failover/secondary-to-third')!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      const hook = lines.filter((l) => l.includes('failover-hook:')).map((l) => l.replace(/^.*failover-hook: /, ''));
      const timedOut = lines.findIndex((l) => l.includes('DPD check timed out'));
      expect(timedOut).to.be.greaterThan(-1);
      expect(hook).to.include(`verb=down-client peer=${p0} connection=net`).and.include(`${p0} is down: initiating peer2`);
      expect(hook).to.include(`verb=down-client peer=${p1} connection=net`).and.include(`${p1} is down: initiating peer3`);
      const all = [...run().byId.values()].flatMap((x) => x.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)));
      expect(all.some((l) => l.includes('down by an administrative terminate: no failover'))).to.equal(true);
    });

    it('removes the hook, its log and hold files with the lab work directory', () => {
      expect(existsSync(join(REPO, '.cache/lab/fovss'))).to.equal(false);
    });
  },
});
