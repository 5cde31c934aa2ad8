/**
 * suites/silence.yaml against Libreswan 4.10 with dpdaction=restart (lab dpdlsr,
 * profiles/libreswan-restart.yaml): the one action the other lab profiles (clear, failover)
 * leave untested. Measured 2026-11-28: 6 passed, clear-after-dead skipped; on death pluto sends
 * Delete (ESP, then ISAKMP) and at once Main Mode to the same peer. The two scenarios that time
 * the first probe from bring-up carry Libreswan's first-probe race (docs/daemons.md#first-probe-at-dpddelay-or-2--dpddelay). About 55 s.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { REPO } from '../e2e/cli-run.js';
import { describeLabConformance } from './lab-conformance.js';
import { FIRST_PROBE_RACE, itAllowsOnlyTheFirstProbeRace, TOLERANCE } from './libreswan-first-probe-race.js';

const BIN = join(REPO, '.cache/libreswan/usr/libexec/ipsec');
const RACE = FIRST_PROBE_RACE.filter((id) => id.startsWith('silence/'));

describeLabConformance({
  dut: { name: 'Libreswan (dpdaction=restart)', profile: 'profiles/libreswan-restart.yaml', commands: [join(BIN, 'pluto'), join(BIN, 'whack'), 'certutil'] },
  suites: 'suites/silence.yaml',
  statuses: {
    'silence/clear-after-dead': 'skipped',
    'silence/dead-time-and-delete': 'passed',
    'silence/restart-after-dead': 'passed',
    'silence/silence-inbound-only': 'passed',
    'silence/silence-outbound-only': 'passed',
  },
  allowListed: RACE,
  timeoutMs: 200_000,
  evidence(run) {
    itAllowsOnlyTheFirstProbeRace(run, RACE);

    it('on death sends Delete (ESP, then ISAKMP) and re-initiates Main Mode to the same peer at once', () => {
      const s = run().byId.get('silence/restart-after-dead')!;
      const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      const deletes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete');
      expect(deletes).to.have.length(2);
      // dead dpdtimeout (6 s) after the first unanswered probe
      expect(deletes[0]!.t - probes[0]!.t).to.be.closeTo(6, TOLERANCE);
      const restart = s.timeline.find((m) => m.direction === 'in' && m.kind === 'main-mode' && m.t > deletes[1]!.t);
      expect(restart, 'Main Mode from the DUT after its Delete').to.not.equal(undefined);
      expect(restart!.t - deletes[1]!.t).to.be.lessThan(0.5);
      expect(restart!.local.address).to.equal(deletes[1]!.local.address);
    });
  },
});
