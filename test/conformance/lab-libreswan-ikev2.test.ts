/**
 * The eight IKEv2 suites against Libreswan 4.10 (pluto, ikev2=insist) in lab dpdls2
 * (profiles/libreswan-ikev2.yaml: dpddelay 5, retransmit-interval 0.5 s, retransmit-timeout 10 s).
 * Measured 2026-12-07: 19 passed, 6 skipped by `requires:` (failover, restart, peer-dead),
 * 1 expected-fail (pluto answers a request under message ID 0xffffffff, outside its window;
 * declared in the profile).
 * The evidence reads every pcap with tshark and the .ikev2-keys file beside it.
 */
import { expect } from 'chai';
import { libreswanLiveness } from '../../src/profile/ikev2-liveness-schedule.js';
import { LIBRESWAN_IKEV2 } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';
import { endpointsOf, IKEV2_SILENT_SCENARIOS, IKEV2_SUITES, ikev2LabStatuses, ikev2WireEvidence, isDelete, isLivenessResponse, itResendsAfterInvalidIkeSpi, logLineSeconds, PLUTO_LOG_CLOCK, silentRequests } from './lab-ikev2-wire.js';

/** profiles/libreswan-ikev2.yaml's knobs, which its loader checks against lab.dut.retransmit_*. */
const SCHEDULE = libreswanLiveness({ interval: 0.5, timeout: 10 });
const seconds = (line: string): number => logLineSeconds(PLUTO_LOG_CLOCK, line);

describeLabConformance({
  dut: LIBRESWAN_IKEV2,
  suites: IKEV2_SUITES,
  statuses: ikev2LabStatuses({ 'ikev2-robustness/message-id-far-ahead': 'expected-fail' }),
  jobs: 3,
  timeoutMs: 240_000,
  evidence(run) {
    const rows = ikev2WireEvidence(run);

    it('retransmits the unanswered request at retransmit-interval × 2^k under one message ID, and gives up at the first such moment past retransmit-timeout without a Delete', () => {
      for (const id of IKEV2_SILENT_SCENARIOS) {
        const { at, messageIds } = silentRequests(run(), rows(), id);
        expect(at.length, id).to.equal(SCHEDULE.retransmits.length + 1);
        // pluto's timers run on a coarse clock: each retransmission measured 0–22 ms late.
        at.slice(1).forEach((t, i) => expect(t, `${id} retransmit ${i + 1}`).to.be.within(SCHEDULE.retransmits[i]! - 0.01, SCHEDULE.retransmits[i]! + 0.1));
        expect(new Set(messageIds).size, id).to.equal(1);
        expect(rows().get(id)!.filter((r) => isDelete(r, endpointsOf(run().byId.get(id)!).dut)), id).to.deep.equal([]);
        const log = run().byId.get(id)!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
        const first = log.find((l) => l.includes('retransmits: first event in 0.5 seconds; timeout in 10 seconds'))!;
        const gaveUp = log.find((l) => l.includes(`10 second timeout exceeded after ${SCHEDULE.retransmits.length} retransmits`));
        expect(gaveUp, id).to.be.a('string');
        expect(seconds(gaveUp!) - seconds(first), id).to.be.within(SCHEDULE.deadAfterFirstProbe - 0.01, SCHEDULE.deadAfterFirstProbe + 0.1);
        expect(log.some((l) => /deleting state \(STATE_V2_ESTABLISHED_IKE_SA\) .* NOT sending notification/.test(l)), id).to.equal(true);
      }
    });

    // pluto's timers run on a coarse clock: measured 2026-12-07, resent 0.500-0.502 s after the first request.
    itResendsAfterInvalidIkeSpi(run, rows, SCHEDULE.retransmits[0]!, { early: 0.01, late: 0.1 });

    it('answers a request under message ID 0xffffffff, outside its window, with an empty response under that ID (the declared deviation), and keeps the SA', () => {
      const id = 'ikev2-robustness/message-id-far-ahead';
      const s = run().byId.get(id)!;
      const { dut } = endpointsOf(s);
      const answers = rows().get(id)!.filter((r) => isLivenessResponse(r, dut));
      expect(answers.map((r) => r.messageId)).to.deep.equal([0xffffffff]);
      const absent = s.checks.find((c) => c.name.startsWith('no liveness-response'))!;
      expect([absent.pass, absent.observed]).to.deep.equal([false, 1]);
      expect(s.checks.find((c) => c.name.startsWith('SA still'))!.pass).to.equal(true);
      expect(s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)).some((l) => l.includes('message request 4294967295 is new'))).to.equal(true);
    });

    it('answers a duplicate of the peer’s request again, and only responses under its own message ID count', () => {
      const dup = 'ikev2-message-id/duplicate-request-answered';
      expect(rows().get(dup)!.filter((r) => isLivenessResponse(r, endpointsOf(run().byId.get(dup)!).dut)).map((r) => r.messageId)).to.deep.equal([2, 2, 3]);
      const log = run().byId.get('ikev2-message-id/response-next-message-id')!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      expect(log.filter((l) => l.includes('ISAKMP_v2_INFORMATIONAL message response with Message ID 1 has no matching SA')).length).to.equal(SCHEDULE.retransmits.length + 1);
    });
  },
});
