/**
 * suites/silence.yaml against strongSwan 5.9.8 with dpd_action = restart (lab dpdssr,
 * profiles/strongswan-restart.yaml): the one action the other lab profiles (clear, failover)
 * leave untested. Measured 2026-11-28: 6 passed, clear-after-dead skipped; charon re-initiates
 * to the same (still silent) peer at the moment it declares it dead, and gets the SA back once
 * the peer answers again. About 45 s on this machine one scenario at a time; run here with
 * --jobs 3 (three copies of the lab), which also proves the copies run side by side.
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
  jobs: 3,
  timeoutMs: 180_000,
  evidence(run) {
    it('--jobs 3 runs the scenarios side by side on three copies of the lab and reports wall ÷ longest scenario', () => {
      const scenarios = [...run().byId.values()];
      const labs = new Set(scenarios.flatMap((s) => s.daemonLogs.map((d) => d.daemon)));
      expect([...labs].sort()).to.deep.equal(['strongswan (dpdssr)', 'strongswan (dpdssr1)', 'strongswan (dpdssr2)']);
      const m = /wall time ([\d.]+) s with 3 jobs; longest scenario \S+ ([\d.]+) s; wall ÷ longest = ([\d.]+)/.exec(run().output);
      expect(m, run().output.slice(-2000)).to.not.equal(null);
      const [wall, longest] = [Number(m![1]), Number(m![2])];
      const busy = scenarios.reduce((n, s) => n + s.durationMs / 1000, 0);
      // One at a time the run would take at least the sum of its scenarios.
      expect(wall, `sum of scenarios ${busy.toFixed(1)} s`).to.be.below(busy / 1.8);
      expect(wall).to.be.at.least(longest);
    });

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
