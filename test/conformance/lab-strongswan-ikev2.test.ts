/**
 * The eight IKEv2 suites against strongSwan 5.9.8 (charon, IKEv2) in lab dpdss2
 * (profiles/strongswan-ikev2.yaml: dpd_delay 5 s, retransmit_timeout 2 s, base 1.5, tries 3).
 * Measured 2026-12-07: 20 passed, 6 skipped by `requires:` (failover, restart, peer-dead),
 * nothing to declare.
 * The evidence reads every pcap with tshark and the .ikev2-keys file beside it.
 */
import { expect } from 'chai';
import { strongswanLiveness } from '../../src/profile/ikev2-liveness-schedule.js';
import { STRONGSWAN_IKEV2 } from '../e2e/lab-duts.js';
import { describeLabConformance } from './lab-conformance.js';
import { CHARON_CLOCK, endpointsOf, IKEV2_SILENT_SCENARIOS, IKEV2_SUITES, ikev2LabStatuses, ikev2WireEvidence, isDelete, isLivenessResponse, itResendsAfterInvalidIkeSpi, logLineSeconds, silentRequests } from './lab-ikev2-wire.js';

/** profiles/strongswan-ikev2.yaml's knobs, which its loader checks against lab.dut.retransmit. */
const SCHEDULE = strongswanLiveness({ timeout: 2, base: 1.5, tries: 3 });
const seconds = (line: string): number => logLineSeconds(CHARON_CLOCK, line);

describeLabConformance({
  dut: STRONGSWAN_IKEV2,
  suites: IKEV2_SUITES,
  statuses: ikev2LabStatuses(),
  jobs: 3,
  timeoutMs: 240_000,
  evidence(run) {
    const rows = ikev2WireEvidence(run);

    it('retransmits the unanswered request on retransmit_timeout × base^n, byte for byte, and gives up at the end of the last wait without a Delete', () => {
      for (const id of IKEV2_SILENT_SCENARIOS) {
        const { at, messageIds, ivs } = silentRequests(run(), rows(), id);
        expect(at.length, id).to.equal(SCHEDULE.retransmits.length + 1);
        at.slice(1).forEach((t, i) => expect(t, `${id} retransmit ${i + 1}`).to.be.closeTo(SCHEDULE.retransmits[i]!, 0.05));
        expect(new Set(messageIds).size, id).to.equal(1);
        expect(new Set(ivs).size, `${id}: the same bytes each time`).to.equal(1);
        expect(rows().get(id)!.filter((r) => isDelete(r, endpointsOf(run().byId.get(id)!).dut)), id).to.deep.equal([]);
        const log = run().byId.get(id)!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
        const first = log.find((l) => l.includes('generating INFORMATIONAL request'))!;
        const gaveUp = log.find((l) => l.includes(`giving up after ${SCHEDULE.retransmits.length} retransmits`));
        expect(gaveUp, id).to.be.a('string');
        expect(seconds(gaveUp!) - seconds(first), id).to.be.closeTo(SCHEDULE.deadAfterFirstProbe, 0.05);
      }
    });

    itResendsAfterInvalidIkeSpi(run, rows, SCHEDULE.retransmits[0]!, { early: 0.05, late: 0.05 });

    it('answers a bitwise-identical duplicate of the peer’s request from its cache, and only that', () => {
      const id = 'ikev2-message-id/duplicate-request-answered';
      const s = run().byId.get(id)!;
      const peer = s.timeline.find((m) => m.direction === 'out')!.local.address;
      const requests = rows().get(id)!.filter((r) => r.src === peer && !r.response && r.payloads.length === 1);
      expect(requests.map((r) => r.messageId)).to.deep.equal([2, 2, 3]);
      expect(requests[1]!.iv, 'the duplicate is the first request again').to.equal(requests[0]!.iv);
      expect(rows().get(id)!.filter((r) => isLivenessResponse(r, endpointsOf(s).dut)).map((r) => r.messageId)).to.deep.equal([2, 2, 3]);
      expect(s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)).some((l) => l.includes('received retransmit of request with ID 2, retransmitting response'))).to.equal(true);
    });

    it('takes no answer under another message ID: retransmits as if silent and logs each one ignored', () => {
      for (const id of ['ikev2-message-id/response-next-message-id', 'ikev2-message-id/response-previous-message-id']) {
        const { at } = silentRequests(run(), rows(), id);
        expect(at.length, id).to.equal(SCHEDULE.retransmits.length + 1);
      }
      const log = run().byId.get('ikev2-message-id/response-next-message-id')!.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));
      expect(log.filter((l) => l.includes('received message ID 1, expected 0, ignored')).length).to.equal(SCHEDULE.retransmits.length + 1);
    });
  },
});
