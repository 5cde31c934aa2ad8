/**
 * Every shipped suite against Libreswan 4.10 (pluto, IKEv1) in lab dpdls
 * (profiles/libreswan.yaml: dpddelay 2 s, dpdtimeout 6 s). Measured 2026-11-28 (about
 * 3.5 min on this machine): 25 passed plus the 5 allow-listed ones passed or failed by the
 * first-probe race described in docs/conformance-findings.md (finding 1: pluto's timer vs its
 * idle check, not a lab artefact), 7 skipped by `requires:`, the four wrong-sequence ACK
 * scenarios expected-fail as the profile declares.
 */
import { expect } from 'chai';
import { LIBRESWAN } from '../e2e/lab-duts.js';
import type { ScenarioJson } from '../e2e/cli-run.js';
import { describeLabConformance, type Status } from './lab-conformance.js';

const SKIPPED = [
  'multi-peer-failover/order-respected',
  'multi-peer-failover/primary-to-secondary',
  'multi-peer-failover/secondary-to-third',
  'on-demand/idle-no-probes',
  'on-demand/traffic-stops-probes-stop',
  'on-demand/traffic-triggers-probes',
  'silence/restart-after-dead',
];
const EXPECTED_FAIL = ['sequence-mismatch/ack-constant', 'sequence-mismatch/ack-minus-one', 'sequence-mismatch/ack-plus-one', 'sequence-mismatch/ack-stale'];
const PASSED = [
  'delayed-ack/just-outside-dead-time',
  'delayed-ack/late-ack-ignored',
  'delayed-ack/short-delay-keeps-sa',
  'negotiation/without-vendor-id-no-probes',
  'responder/ack-echoes-sequence',
  'responder/ack-within-bound',
  'responder/answers-as-initiator-and-responder',
  'robustness/bad-hash',
  'robustness/oversized',
  'robustness/replayed',
  'robustness/truncated',
  'robustness/unencrypted',
  'robustness/unknown-cookies',
  'robustness/unknown-notify',
  'robustness/wrong-spi-size',
  'sequence-mismatch/peer-probe-decreasing',
  'sequence-mismatch/peer-probe-echoed',
  'sequence-mismatch/peer-probe-repeated',
  'sequence-mismatch/peer-probe-wrapping',
  'silence/clear-after-dead',
  'silence/dead-time-and-delete',
  'silence/silence-inbound-only',
  'silence/silence-outbound-only',
  // robust to the first-probe race: 3 probes within interval + time_to_dead + retry / 2 from the phase
  'unreachable/admin-prohibited',
  'unreachable/port-unreachable',
];
/**
 * ALLOW-LIST, docs/conformance-findings.md finding 1: these scenarios time the DUT's first
 * R-U-THERE from the SA's establishment. pluto 4.10 at random skips its first DPD event
 * ("DPD: out event not sent, phase 2 active", although no ESP arrived), so the first probe
 * comes at 2 × dpddelay. Root cause is pluto's own, not the shim's: the DPD timer (libevent,
 * CLOCK_MONOTONIC_COARSE) can fire a few ms before dpddelay has passed on the precise clock
 * since the Quick Mode proposal was parsed, which was_eroute_idle() reads as recent use; with
 * the fast fake peer about one first probe in ten (a run of all suites: about every other).
 * Neither `passed` nor `expected-fail` can be declared for a coin toss, so here each must pass
 * or fail with exactly that signature.
 */
const FIRST_PROBE_RACE = [
  'delayed-ack/just-inside-retry-window',
  'negotiation/with-vendor-id-probes',
  'sequence-mismatch/correct-after-wrong',
  'silence/periodic-interval',
  'silence/retries-after-silence',
];
const DPDDELAY = 2;
const TOLERANCE = 0.6 + 0.05 * 2 * DPDDELAY;

const logLines = (s: ScenarioJson): string[] => s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));

/** Failed only because pluto skipped its first DPD event: the first probe at 2 × dpddelay, the daemon saying why. */
function failedByFirstProbeRace(s: ScenarioJson): string | null {
  const failing = s.checks.filter((c) => !c.pass);
  if (failing.length === 0) return `${s.id}: failed without a failing check (${s.reason})`;
  const notTiming = failing.filter((c) => !/r-u-there/i.test(c.name));
  if (notTiming.length > 0) return `${s.id}: failing checks beyond first-probe timing: ${notTiming.map((c) => c.name).join('; ')}`;
  if (!logLines(s).some((l) => l.includes('DPD: out event not sent, phase 2 active'))) return `${s.id}: no "phase 2 active" skip in pluto's log`;
  const established = s.timeline.filter((m) => m.kind === 'quick-mode').at(-1)?.t;
  const first = s.timeline.find((m) => m.direction === 'in' && m.kind === 'r-u-there')?.t;
  if (established === undefined || first === undefined) return `${s.id}: no Quick Mode or no R-U-THERE in the timeline`;
  if (Math.abs(first - established - 2 * DPDDELAY) > TOLERANCE) return `${s.id}: first R-U-THERE ${(first - established).toFixed(3)} s after Quick Mode, not 2 × dpddelay`;
  return null;
}

describeLabConformance({
  dut: LIBRESWAN,
  statuses: Object.fromEntries([
    ...PASSED.map((id) => [id, 'passed' as Status]),
    ...SKIPPED.map((id) => [id, 'skipped' as Status]),
    ...EXPECTED_FAIL.map((id) => [id, 'expected-fail' as Status]),
  ]),
  allowListed: FIRST_PROBE_RACE,
  timeoutMs: 600_000,
  evidence(run) {
    it('allow-listed scenarios pass, or fail only by the first-probe race (finding 1)', () => {
      for (const id of FIRST_PROBE_RACE) {
        const s = run().byId.get(id)!;
        if (s.status === 'passed') continue;
        expect(s.status, id).to.equal('failed');
        expect(failedByFirstProbeRace(s)).to.equal(null);
      }
    });

    it('expected-fails are what the profile says: ACKs with the wrong number kept the SA, pluto logged the mismatch', () => {
      for (const id of EXPECTED_FAIL) {
        const s = run().byId.get(id)!;
        expect(s.reason, id).to.match(/accepts an R-U-THERE-ACK with a wrong sequence number as liveness/);
        const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
        const acks = s.timeline.filter((m) => m.direction === 'out' && m.kind === 'r-u-there-ack');
        expect(acks.length, `${id} ACKs`).to.be.greaterThanOrEqual(3);
        // Each ACK answers the probe just before it with a number other than the probe's.
        for (const ack of acks) {
          const probe = probes.filter((p) => p.t <= ack.t).at(-1)!;
          expect(ack.seq, `${id} ACK at ${ack.t}`).to.not.equal(probe.seq);
        }
        // The SA outlived the dead time: the "SA gone" check saw nothing, and pluto sent no Delete.
        const gone = s.checks.find((c) => c.name.startsWith('SA gone'))!;
        expect(gone.observed, id).to.equal(null);
        expect(s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete'), id).to.deep.equal([]);
        // pluto's own words: it saw the mismatch and still cancelled its DPD timeout.
        const lines = logLines(s);
        const mismatch = lines.findIndex((l) => /R_U_THERE_ACK, seqno received: (\d+) expected: (?!\1\b)\d+/.test(l));
        expect(mismatch, `${id}: no mismatching ACK in pluto's log`).to.be.greaterThan(-1);
        expect(lines[mismatch + 1], id).to.match(/EVENT_v1_DPD_TIMEOUT.* be deleted/);
      }
    });

    it('ignores ICMP errors: dead dpdtimeout after the first probe, not at the first ICMP, every datagram answered by ICMP', () => {
      for (const id of ['unreachable/port-unreachable', 'unreachable/admin-prohibited']) {
        const s = run().byId.get(id)!;
        const icmp = s.checks.find((c) => c.name.startsWith('ICMP error answered'))!;
        expect(icmp.observed as number, id).to.be.greaterThanOrEqual(3);
        const gone = s.checks.find((c) => c.name.startsWith('SA gone'))!;
        expect(gone.observed as number, id).to.be.closeTo(6, TOLERANCE);
        expect(s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there'), id).to.have.length(3);
      }
    });

    it('declares a silent peer dead with Delete (ESP, then ISAKMP) after 3 probes, sequence +1 each', () => {
      const s = run().byId.get('silence/dead-time-and-delete')!;
      const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      expect(probes.map((p) => p.seq! - probes[0]!.seq!)).to.deep.equal([0, 1, 2]);
      const deletes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete');
      expect(deletes).to.have.length(2);
      // dead dpdtimeout (6 s) after the first unanswered probe
      expect(deletes[0]!.t - probes[0]!.t).to.be.closeTo(6, TOLERANCE);
    });
  },
});
