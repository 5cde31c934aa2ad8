/**
 * Issue 6 evidence: every shipped suite passes against the in-process Cisco-like
 * reference DUT (profiles/cisco-iosxe.yaml, real Cisco timers, loopback, no root);
 * issue 11: the IKEv2 suites against its IKEv2 mode (profiles/reference-ikev2.yaml).
 * The status table is the measured outcome (docs/conformance.md), so a scenario that
 * silently turns skipped, or a suite that stops running, fails here.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommands } from '../support/environment.js';
import { IcmpInjector } from '../../src/peer/icmp-injector.js';
import { runAllSuites, statusTable, unexplained, type FullRun } from './full-run.js';
import { IKEV2_SUITES_SKIPPED_ON_IKEV1 } from './lab-conformance.js';

// 90 with the IKEv2 responder, lost-state, failover and unreachable suites of 2026-12-07 (13 more, skipped on this IKEv1 profile).
// Measured 2026-11-28: 41 scenarios (53 with the robustness cases of 2026-12-06: 20 of them; 54 with dpd-at-scale/sas-100 of 2026-12-07); as root 36 (48) passed, 5 skipped by `requires:` (on-demand needs
// dpd.mode on-demand, restart/clear need that dpd.action; the profile is periodic + failover).
const RULED_OUT = ['on-demand/idle-no-probes', 'on-demand/traffic-stops-probes-stop', 'on-demand/traffic-triggers-probes', 'silence/clear-after-dead', 'silence/restart-after-dead'];
// The ICMP scenarios need a raw socket: passed as root (CI), skipped with that reason otherwise.
const ICMP = ['unreachable/admin-prohibited', 'unreachable/port-unreachable'];
const rawSocket = IcmpInjector.available();
// nat-t (2026-12-07, 5 scenarios): the reference DUT does not count NAT-keepalives as liveness (profile nat_t).
const NAT_RULED_OUT = ['nat-t/keepalives-are-liveness'];
// traffic (2026-12-07): ESP from and to a periodic DUT; the idle and on-demand scenarios need that dpd.mode.
const TRAFFIC_RULED_OUT = ['traffic/dpd-over-udp-4500-with-traffic', 'traffic/inbound-esp-suppresses-idle-dpd', 'traffic/inbound-esp-suppresses-on-demand-dpd', 'traffic/on-demand-outbound-only'];
const SKIPPED = [...RULED_OUT, ...NAT_RULED_OUT, ...TRAFFIC_RULED_OUT, ...IKEV2_SUITES_SKIPPED_ON_IKEV1, ...(rawSocket ? [] : ICMP)];
const PASSED = [
  ...(rawSocket ? ICMP : []),
  'delayed-ack/just-inside-retry-window',
  'dpd-at-scale/sas-100',
  'delayed-ack/just-outside-dead-time',
  'delayed-ack/late-ack-ignored',
  'delayed-ack/short-delay-keeps-sa',
  'multi-peer-failover/order-respected',
  'multi-peer-failover/primary-to-secondary',
  'multi-peer-failover/secondary-to-third',
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
  'silence/dead-time-and-delete',
  'silence/periodic-interval',
  'silence/retries-after-silence',
  'silence/silence-inbound-only',
  'silence/silence-outbound-only',
  'traffic/dead-while-traffic-one-way',
];

describe('conformance: all suites against the reference DUT (profiles/cisco-iosxe.yaml)', function () {
  // About 75 s with --jobs 8 on an idle 2-core machine; the longest scenario alone is 40 s.
  this.timeout(600_000);
  let run: FullRun;

  before(async function () {
    run = await runAllSuites('profiles/cisco-iosxe.yaml', ['--jobs', '8'], 540_000);
  });
  after(() => {
    if (run?.code === 0) run.discard();
  });

  it('exits 0 with a complete, uninterrupted results.json', () => {
    expect(run.code, run.output.slice(-4000)).to.equal(0);
    expect(run.results.interrupted).to.equal(false);
    expect(run.results.finishedAt).to.be.a('string');
  });

  it('has no failed, unexpected-pass or interrupted scenario', () => {
    const bad = [...run.byId.values()].filter((s) => !['passed', 'skipped'].includes(s.status)).map((s) => `${s.id}: ${s.status} ${s.reason ?? ''}`);
    expect(bad).to.deep.equal([]);
    expect(run.results.summary).to.include({ failed: 0, 'unexpected-pass': 0, 'expected-fail': 0, interrupted: 0 });
  });

  it('passes exactly the measured scenarios and skips only those the profile rules out, with a reason', () => {
    const expected = Object.fromEntries([...PASSED.map((id) => [id, 'passed']), ...SKIPPED.map((id) => [id, 'skipped'])].sort(([a], [b]) => a!.localeCompare(b!)));
    expect(statusTable(run)).to.deep.equal(expected);
    expect(run.results.summary).to.include({ total: 90, passed: PASSED.length, skipped: SKIPPED.length });
    for (const id of IKEV2_SUITES_SKIPPED_ON_IKEV1) expect(run.byId.get(id)!.reason, id).to.equal('requires ike.version 2 (profile: 1)');
    for (const id of TRAFFIC_RULED_OUT) expect(run.byId.get(id)!.reason, id).to.match(/^requires dpd\.mode /);
    expect(unexplained(run)).to.deep.equal([]);
    for (const id of RULED_OUT) expect(run.byId.get(id)!.reason, id).to.match(/^requires dpd\.(mode|action) /);
    for (const id of NAT_RULED_OUT) expect(run.byId.get(id)!.reason, id).to.equal('requires nat_t.keepalives_count_as_liveness true (profile: false)');
    if (!rawSocket) for (const id of ICMP) expect(run.byId.get(id)!.reason, id).to.match(/^needs a raw socket to answer with ICMP/);
  });

  it('every passed scenario checked something and left a capture', () => {
    for (const id of PASSED) {
      const s = run.byId.get(id)!;
      expect(s.checks.length, `${id} has no checks`).to.be.greaterThan(0);
      expect(s.checks.every((c) => c.pass), id).to.equal(true);
      expect(s.files?.pcap, `${id} pcap`).to.be.a('string');
    }
  });
});

// Measured 2026-12-07: the 13 IKEv2 scenarios pass against `crypto ikev2 dpd 3 2 periodic` in about 20 s
// (--jobs 8); every IKEv1 scenario is skipped by its `requires: { ike.version: 1 }`.
// With the responder, lost-state, failover and unreachable suites (2026-12-07): the shipped profile clears on death with
// one set peer and follows RFC 7296 §2.21.4 on INVALID_IKE_SPI, so the restart, failover and declared-deviation scenarios
// are ruled out by `requires:` (test/scenario/ikev2-suites-reference.test.ts runs them on profile variants).
const IKEV2_RULED_OUT = [
  'ikev2-failover/order-respected', 'ikev2-failover/primary-to-secondary', 'ikev2-failover/secondary-to-third',
  'ikev2-lost-state/dead-at-notify', 'ikev2-lost-state/restart-at-notify', 'ikev2-lost-state/restart-on-schedule',
];
const IKEV2_ICMP = ['ikev2-unreachable/admin-prohibited', 'ikev2-unreachable/port-unreachable'];
const IKEV2_SKIPPED = [...IKEV2_RULED_OUT, ...(rawSocket ? [] : IKEV2_ICMP)];
const IKEV2_PASSED = IKEV2_SUITES_SKIPPED_ON_IKEV1.filter((id) => !IKEV2_SKIPPED.includes(id)).sort();
const IKEV1_SCENARIOS = [...PASSED, ...SKIPPED.filter((id) => !IKEV2_SUITES_SKIPPED_ON_IKEV1.includes(id))].sort();

describe('conformance: all suites against the IKEv2 reference DUT (profiles/reference-ikev2.yaml)', function () {
  this.timeout(300_000);
  let run: FullRun;

  before(async function () {
    run = await runAllSuites('profiles/reference-ikev2.yaml', ['--jobs', '8'], 240_000);
  });
  after(() => {
    if (run?.code === 0) run.discard();
  });

  it('exits 0 with a complete results.json and no failed scenario', () => {
    expect(run.code, run.output.slice(-4000)).to.equal(0);
    expect(run.results.interrupted).to.equal(false);
    expect(run.results.summary).to.include({ failed: 0, 'unexpected-pass': 0, 'expected-fail': 0, interrupted: 0, error: 0 });
  });

  it('passes exactly the IKEv2 scenarios it does not rule out and skips every IKEv1 one for its ike.version', () => {
    const expected = Object.fromEntries([...IKEV2_PASSED.map((id) => [id, 'passed']), ...[...IKEV1_SCENARIOS, ...IKEV2_SKIPPED].map((id) => [id, 'skipped'])].sort(([a], [b]) => a!.localeCompare(b!)));
    expect(statusTable(run)).to.deep.equal(expected);
    expect(run.results.summary).to.include({ total: 90, passed: IKEV2_PASSED.length, skipped: IKEV1_SCENARIOS.length + IKEV2_SKIPPED.length });
    for (const id of IKEV2_RULED_OUT) expect(run.byId.get(id)!.reason, id).to.match(/^requires (dpd\.action|ikev2_dpd\.invalid_ike_spi) /);
    if (!rawSocket) for (const id of IKEV2_ICMP) expect(run.byId.get(id)!.reason, id).to.match(/^needs a raw socket to answer with ICMP/);
    for (const id of IKEV1_SCENARIOS) expect(run.byId.get(id)!.reason, id).to.equal('requires ike.version 1 (profile: 2)');
  });

  it('every IKEv2 scenario checked something and left a capture with its IKEv2 key file', () => {
    for (const id of IKEV2_PASSED) {
      const s = run.byId.get(id)!;
      expect(s.checks.length, `${id} has no checks`).to.be.greaterThan(0);
      expect(s.checks.every((c) => c.pass), id).to.equal(true);
      expect(s.files?.pcap, `${id} pcap`).to.be.a('string');
      expect(s.files?.ikev2Keys, `${id} key file`).to.match(/\.ikev2-keys$/);
    }
  });

  it("tshark, given the README's command verbatim, decrypts every IKEv2 message and sees each liveness check empty", function () {
    requireCommands(this, 'tshark');
    const id = 'ikev2-silence/liveness-while-answering';
    const s = run.byId.get(id)!;
    const readme = readFileSync(join(run.outDir, 'README.md'), 'utf8');
    const command = readme.split('\n').find((l) => l.startsWith(`tshark -r ${s.files!.pcap} `) && l.includes('uat:ikev2_decryption_table:'));
    expect(command, readme.slice(0, 2000)).to.be.a('string');
    const fields = (cmd: string) => execFileSync('sh', ['-c', `${cmd} -T fields -E separator=, -e isakmp.exchangetype -e isakmp.enc.decrypted -e isakmp.enc.pad_length`], { cwd: run.outDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').map((l) => l.split(','));
    const rows = fields(command!);
    expect(rows.map((r) => Number(r[0]))).to.deep.equal(s.timeline.map((m) => m.exchangeType));
    // Every message after IKE_SA_INIT decrypted (Decrypted Data present), none without the keys.
    expect(rows.filter((r) => r[0] !== '34').every((r) => r[1] !== '')).to.equal(true);
    expect(fields(command!.replace(/ -o '[^']+'/g, '')).every((r) => r[1] === '')).to.equal(true);
    // An empty SK under AES-CBC-128: one block of padding only (pad length 15), so liveness and its answer hold no payload.
    const liveness = s.timeline.flatMap((m, i) => (m.kind === 'liveness' || m.kind === 'liveness-response' ? [i] : []));
    expect(liveness.length).to.be.greaterThan(1);
    for (const i of liveness) expect(rows[i]![2], `message ${i}`).to.equal('15');
  });
});
