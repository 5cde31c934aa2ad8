/**
 * suites/silence.yaml against strongSwan 5.9.8 with dpd_action = restart (lab dpdssr,
 * profiles/strongswan-restart.yaml): the one action the other lab profiles (clear, failover)
 * leave untested. Measured 2026-11-28: 6 passed, clear-after-dead skipped; charon re-initiates
 * to the same (still silent) peer at the moment it declares it dead, and gets the SA back once
 * the peer answers again. About 45 s on this machine.
 */
import { expect } from 'chai';
import { describeLabConformance } from './lab-conformance.js';

describeLabConformance({
  dut: { name: 'strongSwan (dpd_action = restart)', profile: 'profiles/strongswan-restart.yaml', commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl'] },
  suites: 'suites/silence.yaml',
  statuses: {
    'silence/clear-after-dead': 'skipped',
    'silence/dead-time-and-delete': 'passed',
    'silence/periodic-interval': 'passed',
    'silence/restart-after-dead': 'passed',
    'silence/retries-after-silence': 'passed',
    'silence/silence-inbound-only': 'passed',
    'silence/silence-outbound-only': 'passed',
  },
  timeoutMs: 180_000,
  evidence(run) {
    it('re-initiates Main Mode to the same peer when it declares it dead, as its log says', () => {
      const s = run().byId.get('silence/restart-after-dead')!;
      const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      const restart = s.timeline.find((m) => m.direction === 'in' && m.kind === 'main-mode' && m.t > probes.at(-1)!.t);
      expect(restart, 'Main Mode from the DUT after its last probe').to.not.equal(undefined);
      // Dead dpd_timeout (6 s) after the last inbound = last probe + dpd_delay; the restart follows at once.
      expect(restart!.t - probes.at(-1)!.t).to.be.closeTo(2, 0.6);
      const lines = s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      expect(lines.some((l) => l.includes('restarting CHILD_SA'))).to.equal(true);
    });
  },
});
