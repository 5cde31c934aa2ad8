/**
 * The lab half of issue 6's evidence: every shipped suite against a real daemon in the
 * lab, each scenario passed, skipped with a reason, or expected-fail as the profile
 * declares. The caller gives the exact status table it measured (so drift either way
 * fails) and, per DUT, checks that the measured numbers behind each status are what the
 * profile's comments and expect_fail reasons claim.
 */
import { expect } from 'chai';
import { replicaName } from '../../src/lab/lab-replica.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { labLeftovers, readLabProfile, type ScenarioJson } from '../e2e/cli-run.js';
import type { LabDut } from '../e2e/lab-duts.js';
import { runAllSuites, statusTable, unexplained, type FullRun } from './full-run.js';

export type Status = 'passed' | 'skipped' | 'expected-fail';

export interface LabConformance {
  dut: LabDut;
  /** Suite files or folders to run instead of every shipped suite (suites/). */
  suites?: string | readonly string[];
  /** Every scenario of suites/ (or of `suites`) and the status measured against this daemon. */
  statuses: Record<string, Status>;
  /**
   * Scenarios whose status is left out of the table and the exit code: each must be named
   * by a measured daemon behaviour in docs/daemons.md (see docs/conformance.md#libreswan-first-probe-race), and `evidence` must check why it may fail.
   */
  allowListed?: readonly string[];
  /** `run --jobs N`: N copies of the lab, one scenario on each at a time. */
  jobs?: number;
  /** Budget for the whole run (measured duration × ~3 for a loaded 2-core machine). */
  timeoutMs: number;
  /** DUT-specific `it`s over the finished run: the observed numbers behind the statuses. */
  evidence(run: () => FullRun): void;
}

export function describeLabConformance(c: LabConformance): void {
  describe(`conformance: ${[c.suites ?? 'all suites'].flat().join(' + ')} against ${c.dut.name} (${c.dut.profile}) @root`, function () {
    this.timeout(c.timeoutMs + 60_000);
    const profile = readLabProfile(c.dut.profile);
    let run: FullRun | undefined;

    before(async function () {
      requireRoot(this);
      requireCommands(this, 'ip', ...c.dut.commands);
      run = await runAllSuites(c.dut.profile, c.jobs ? ['--jobs', String(c.jobs)] : [], c.timeoutMs, c.suites);
    });
    // A failed check keeps the report folder (its path is in the failure) for the pcaps and logs.
    let anyFailed = false;
    afterEach(function () {
      if (this.currentTest?.state === 'failed') anyFailed = true;
    });
    after(() => {
      if (run && !anyFailed) run.discard();
    });

    const allowed = new Set(c.allowListed ?? []);
    const counted = (): ScenarioJson[] => [...run!.byId.values()].filter((s) => !allowed.has(s.id));

    it('exits 0 (1 only when an allow-listed scenario failed) with a complete results.json and leaves no lab behind', () => {
      const allowedFailed = [...allowed].some((id) => run!.byId.get(id)?.status === 'failed');
      expect(run!.code, run!.output.slice(-4000)).to.equal(allowedFailed ? 1 : 0);
      expect(run!.results.interrupted).to.equal(false);
      expect(run!.results.finishedAt).to.be.a('string');
      for (let i = 0; i < (c.jobs ?? 1); i++) expect(labLeftovers(replicaName(profile.lab, i))).to.deep.equal([]);
    });

    it('gives every scenario the measured status; skipped and expected-fail ones say why', () => {
      const failed = counted().filter((s) => s.status === 'failed' || s.status === 'unexpected-pass').map((s) => `${s.id}: ${s.status} ${s.reason ?? ''}`);
      expect(failed, `in ${run!.outDir}`).to.deep.equal([]);
      const sorted = Object.fromEntries(Object.entries(c.statuses).sort(([a], [b]) => a.localeCompare(b)));
      const table = statusTable(run!);
      for (const id of allowed) {
        expect(table, `allow-listed ${id} is not in the run`).to.have.property(id);
        delete table[id];
      }
      expect(table).to.deep.equal(sorted);
      expect(unexplained(run!)).to.deep.equal([]);
    });

    c.evidence(() => run!);
  });
}

/** Neither lab daemon counts NAT-keepalives as liveness (measured 2026-12-07, their profiles' nat_t). */
export const NAT_T_KEEPALIVES_NOT_LIVENESS = ['nat-t/keepalives-are-liveness'];

/** The IKEv2 suites (`requires: { ike.version: 2 }`): every IKEv1 profile plans them as skipped. */
export const IKEV2_SUITES_SKIPPED_ON_IKEV1 = [
  'ikev2-delayed-response/delay-past-dead-time',
  'ikev2-delayed-response/delay-past-one-retransmission',
  'ikev2-delayed-response/short-delay-keeps-sa',
  'ikev2-failover/order-respected',
  'ikev2-failover/primary-to-secondary',
  'ikev2-failover/secondary-to-third',
  'ikev2-lost-state/dead-at-notify',
  'ikev2-lost-state/dead-on-schedule',
  'ikev2-lost-state/invalid-spi-is-no-answer',
  'ikev2-lost-state/restart-at-notify',
  'ikev2-lost-state/restart-on-schedule',
  'ikev2-message-id/duplicate-request-answered',
  'ikev2-message-id/response-next-message-id',
  'ikev2-message-id/response-previous-message-id',
  'ikev2-responder/answer-echoes-message-id',
  'ikev2-responder/answer-within-bound',
  'ikev2-responder/answers-as-initiator-and-responder',
  'ikev2-robustness/bad-icv',
  'ikev2-robustness/message-id-far-ahead',
  'ikev2-robustness/unprotected',
  'ikev2-silence/liveness-while-answering',
  'ikev2-silence/retransmissions-and-death',
  'ikev2-silence/silence-inbound-only',
  'ikev2-silence/silence-outbound-only',
  'ikev2-unreachable/admin-prohibited',
  'ikev2-unreachable/port-unreachable',
];

/**
 * suites/traffic.yaml needs ESP through the DUT's SA, which the plain lab profiles cannot promise
 * (the kernel's data plane may be emulated): each scenario is skipped there, by that or by dpd.mode.
 * profiles/strongswan-libipsec.yaml runs them (lab-strongswan-libipsec.test.ts).
 */
export const TRAFFIC_NEEDS_ESP = [
  'traffic/dead-while-traffic-one-way',
  'traffic/dpd-over-udp-4500-with-traffic',
  'traffic/inbound-esp-suppresses-idle-dpd',
  'traffic/inbound-esp-suppresses-on-demand-dpd',
  'traffic/on-demand-outbound-only',
];
