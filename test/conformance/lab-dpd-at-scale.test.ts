/**
 * suites/dpd-at-scale.yaml against strongSwan and Libreswan in the lab with 100 SAs, one per
 * fake-peer address (profiles/strongswan-scale.yaml, profiles/libreswan-scale.yaml; dpd_delay /
 * dpddelay 2 s). Measured 2026-12-07: both keep their timers on every SA (pluto's stretched
 * intervals measured earlier were the harness answering late: profiles/libreswan-scale.yaml).
 * About 15 s each. The strongSwan run is repeated with the profile's `peer: { io: batched }`, so
 * the batched socket backend is proven against a real daemon with the same numbers. Both daemons
 * time their next probe from the last message they received, so the intervals asserted are from
 * the fake peer's ACK to the next R-U-THERE, and the harness's own answer latency is a check of the
 * run: a loaded machine that delays the ACKs stretches probe-to-probe intervals, not the DUT's timer.
 */
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LIBRESWAN, STRONGSWAN } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';

const check = (run: Parameters<Parameters<typeof describeLabConformance>[0]['evidence']>[0], name: string) =>
  run().byId.get('dpd-at-scale/sas-100')!.checks.find((c) => c.name === name)!;

const charonEvidence = (run: Parameters<typeof check>[0]): void => {
  it('charon probes every answered SA every dpd_delay and retires each silent one at dpd_timeout after the last inbound', () => {
    expect(check(run, 'probe interval p50').observed as number).to.be.closeTo(2, 0.05);
    // charon's idle check counts whole seconds (docs/daemons.md): an ACK that lands across a second
    // boundary from its probe puts the next probe 1 s later, which a run now and then has in its top 1 %.
    expect(check(run, 'probe interval from our answer p99').observed as number).to.be.within(1.95, 3.05);
    expect(check(run, 'harness answer latency p99').pass).to.equal(true);
    expect(check(run, 'R-U-THEREs before dead per silent SA (p50)').observed).to.equal(2);
    // first unanswered probe at last inbound + 2 s, dead at last inbound + 6 s
    expect(check(run, 'dead time p50').observed as number).to.be.closeTo(4, 0.6);
    expect(check(run, 'answered SAs still listed by the DUT').observed).to.equal(90);
  });
};

describeLabConformance({
  dut: { ...STRONGSWAN, profile: 'profiles/strongswan-scale.yaml' },
  suites: 'suites/dpd-at-scale.yaml',
  statuses: { 'dpd-at-scale/sas-100': 'passed' },
  timeoutMs: 180_000,
  evidence: charonEvidence,
});

/**
 * The shipped profile as a user would extend it for a large run: the same file plus
 * `peer: { io: batched }`, written under reports/ (git-ignored; the runner takes checkout-relative paths).
 */
function batchedProfile(): string {
  mkdirSync('reports/profiles', { recursive: true });
  const path = 'reports/profiles/strongswan-scale-batched.yaml';
  writeFileSync(path, `${readFileSync('profiles/strongswan-scale.yaml', 'utf8')}peer:\n  io: batched\n`);
  return path;
}

describeLabConformance({
  dut: { ...STRONGSWAN, profile: batchedProfile() },
  suites: 'suites/dpd-at-scale.yaml',
  statuses: { 'dpd-at-scale/sas-100': 'passed' },
  timeoutMs: 180_000,
  evidence: charonEvidence,
});

describeLabConformance({
  dut: { ...LIBRESWAN, profile: 'profiles/libreswan-scale.yaml' },
  suites: 'suites/dpd-at-scale.yaml',
  statuses: { 'dpd-at-scale/sas-100': 'passed' },
  timeoutMs: 240_000,
  evidence(run) {
    it('pluto probes every answered SA every dpddelay, sends 3 probes to a silent SA and retires it dpdtimeout after the first', () => {
      expect(check(run, 'probe interval from our answer p99').observed as number).to.be.closeTo(2, 0.3);
      expect(check(run, 'harness answer latency p99').pass).to.equal(true);
      expect(check(run, 'R-U-THEREs before dead per silent SA (p50)').observed).to.equal(3);
      expect(check(run, 'dead time p50').observed as number).to.be.closeTo(6, 0.6);
      expect(check(run, 'answered SAs still listed by the DUT').observed).to.equal(90);
    });
  },
});
