/**
 * Every shipped suite against strongSwan 5.9.8 (charon, IKEv1) in lab dpdss
 * (profiles/strongswan.yaml: dpd_delay 2 s, dpd_timeout 6 s). Measured 2026-11-28:
 * 34 passed (46 with the twelve robustness cases measured 2026-12-06, 20 robustness cases in all;
 * 50 with suites/nat-t.yaml, 2026-12-07), 7 skipped by `requires:` (failover and restart actions, on-demand mode), no
 * deviation to declare; about 2.5 min on this machine.
 */
import { expect } from 'chai';
import { STRONGSWAN } from '../e2e/lab-duts.js';
import { describeLabConformance, IKEV2_SUITES_SKIPPED_ON_IKEV1, NAT_T_KEEPALIVES_NOT_LIVENESS, TRAFFIC_NEEDS_ESP, type Status } from './lab-conformance.js';

const SKIPPED = [
  // 100 SAs need 100 fake-peer addresses: run against profiles/*-scale.yaml (lab-dpd-at-scale.test.ts).
  'dpd-at-scale/sas-100',
  ...NAT_T_KEEPALIVES_NOT_LIVENESS,
  ...IKEV2_SUITES_SKIPPED_ON_IKEV1,
  ...TRAFFIC_NEEDS_ESP,
  'multi-peer-failover/order-respected',
  'multi-peer-failover/primary-to-secondary',
  'multi-peer-failover/secondary-to-third',
  'on-demand/idle-no-probes',
  'on-demand/traffic-stops-probes-stop',
  'on-demand/traffic-triggers-probes',
  'silence/restart-after-dead',
];
const PASSED = [
  'delayed-ack/just-inside-retry-window',
  'delayed-ack/just-outside-dead-time',
  'delayed-ack/late-ack-ignored',
  'delayed-ack/short-delay-keeps-sa',
  'nat-t/dead-over-udp-4500',
  'nat-t/dpd-across-nat-rebinding',
  'nat-t/dpd-over-udp-4500',
  'nat-t/keepalives-are-not-liveness',
  'negotiation/with-vendor-id-probes',
  'negotiation/without-vendor-id-no-probes',
  'responder/ack-echoes-sequence',
  'responder/ack-within-bound',
  'responder/answers-as-initiator-and-responder',
  'robustness/bad-hash',
  'robustness/commit-flag',
  'robustness/delete-unknown-spi',
  'robustness/hash-other-payload',
  'robustness/length-over',
  'robustness/length-under',
  'robustness/message-id-max',
  'robustness/message-id-zero',
  'robustness/oversized',
  'robustness/protocol-esp',
  'robustness/quick-mode-message-id',
  'robustness/replayed',
  'robustness/seq-empty',
  'robustness/seq-long',
  'robustness/truncated',
  'robustness/two-notifies',
  'robustness/unencrypted',
  'robustness/unknown-cookies',
  'robustness/unknown-notify',
  'robustness/wrong-spi-size',
  'sequence-mismatch/ack-constant',
  'sequence-mismatch/ack-minus-one',
  'sequence-mismatch/ack-plus-one',
  'sequence-mismatch/ack-stale',
  'sequence-mismatch/correct-after-wrong',
  'sequence-mismatch/peer-probe-decreasing',
  'sequence-mismatch/peer-probe-echoed',
  'sequence-mismatch/peer-probe-repeated',
  'sequence-mismatch/peer-probe-wrapping',
  'silence/clear-after-dead',
  'silence/dead-time-and-delete',
  'silence/periodic-interval',
  'silence/retries-after-silence',
  'silence/silence-inbound-only',
  'silence/silence-outbound-only',
  'unreachable/admin-prohibited',
  'unreachable/port-unreachable',
];

describeLabConformance({
  dut: STRONGSWAN,
  statuses: Object.fromEntries([...PASSED.map((id) => [id, 'passed' as Status]), ...SKIPPED.map((id) => [id, 'skipped' as Status])]),
  jobs: 3,
  timeoutMs: 480_000,
  evidence(run) {
    // The profile's strongSwan semantics (no Delete on death, retries reuse the sequence
    // number) are passes here because the profile says so; these checks tie them to the wire.
    it('declares a silent peer dead without any Delete on the wire, about dpd_timeout after the last inbound', () => {
      const s = run().byId.get('silence/dead-time-and-delete')!;
      expect(s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete')).to.deep.equal([]);
      const gone = s.checks.find((c) => c.name.startsWith('SA gone'))!;
      // first unanswered probe at last inbound + dpd_delay (2 s), dead at last inbound + dpd_timeout (6 s)
      expect(gone.observed as number).to.be.closeTo(4, 0.6);
    });

    it('ignores ICMP errors: dead on dpd_timeout, not at the first ICMP, with every probe answered by ICMP', () => {
      for (const id of ['unreachable/port-unreachable', 'unreachable/admin-prohibited']) {
        const s = run().byId.get(id)!;
        const icmp = s.checks.find((c) => c.name.startsWith('ICMP error answered'))!;
        expect(icmp.observed as number, id).to.be.greaterThanOrEqual(2);
        const gone = s.checks.find((c) => c.name.startsWith('SA gone'))!;
        expect(gone.observed as number, id).to.be.closeTo(4, 0.6);
        expect(s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)).some((l) => l.includes('DPD check timed out')), id).to.equal(true);
      }
    });

    it('retransmits an unanswered R-U-THERE with the same sequence number', () => {
      const s = run().byId.get('silence/retries-after-silence')!;
      const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      const afterSilence = probes.slice(-2);
      expect(afterSilence).to.have.length(2);
      expect(afterSilence[1]!.seq).to.equal(afterSilence[0]!.seq);
      expect(afterSilence[1]!.t - afterSilence[0]!.t).to.be.closeTo(2, 0.6);
    });
  },
});
