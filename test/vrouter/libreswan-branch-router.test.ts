/**
 * A "virtual router": Libreswan 4.10's pluto started by hand in a lab namespace (the
 * lab builds only the topology: nothing of src/lab renders its configuration) and
 * configured the way a branch router is (test/fixtures/vrouter/branch-office-libreswan.ipsec.conf:
 * a subnet-to-subnet IKEv1 conn, its own ike=/esp= proposals with PFS, dpddelay 4 /
 * dpdtimeout 10, dpdaction=clear, waiting for the head-end; the PSK in ipsec.secrets),
 * driven ONLY through the external profile its user wrote
 * (test/fixtures/vrouter/branch-office-libreswan.yaml): (a) with target.control commands
 * (whack, as `ipsec whack` on the router), (b) with no control at all, and (c) with
 * mismatched profiles, each refused within seconds with the DUT's notify.
 *
 * Where pluto differs from charon (test/vrouter/strongswan-branch-router.test.ts) the
 * profile says so and this test checks it: periodic probes, sequence +1 per probe, death
 * dpdtimeout after the first unanswered probe, and a Delete (IPsec SA, then ISAKMP SA),
 * which lets the external target time the death from the wire alone when it gets through.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import type { DaemonHandle } from '../../src/lab/supervisor.js';
import { PROTOCOL_IDS } from '../../src/wire/constants.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { plutoTool, startPlutoRouter } from './pluto-router.js';
import { check, expectRefusals, profile as profileIn, run as runIn, table, why, type Mismatch } from './external-run.js';

const DUT = '198.51.100.225';
const PEER = '198.51.100.226';
const PSK = 'branch-office-pluto-key';
const PROFILE = 'branch-office-libreswan.yaml';
// The router's numbers (ipsec.conf), which the profile restates.
const DPDDELAY = 4;
const DPDTIMEOUT = 10;
const TOLERANCE = 0.6 + 0.05 * DPDTIMEOUT;

const inbound = (r: ScenarioResult, kind: string): DatagramEvent[] =>
  r.events.filter((e: HarnessEvent): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === kind);
const secondsBetween = (a: DatagramEvent, b: DatagramEvent): number => Number(b.t - a.t) / 1e9;

describe('virtual router: Libreswan configured as a branch router, driven through an external profile @root', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  let pluto: DaemonHandle | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-vrouter-ls-'));

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'certutil', plutoTool('pluto'), plutoTool('whack'), plutoTool('addconn'));
    // Topology only: the DUT is the router below, not a lab daemon.
    lab = await Lab.up(parseLabSpec({ name: 'vrls', kind: 'libreswan', subnet: '198.51.100.224/29', dut_address: DUT, peer_addresses: [PEER], psk: 'lab-renders-nothing' }, { file: 'libreswan-branch-router.test.ts' }), { daemons: false });
    const router = await startPlutoRouter(lab, { conf: 'branch-office-libreswan.ipsec.conf', secrets: 'branch-office-libreswan.ipsec.secrets' }, { DUT, PEER, SECRET: PSK });
    pluto = router.pluto;
    const { ctl, whack } = router;
    const { stdout } = await whack(['--status']);
    expect(stdout).to.match(/"head-end": 198\.51\.100\.128\/27===198\.51\.100\.225.*198\.51\.100\.226===198\.51\.100\.160\/28/);
    process.env.IPSEC_WHACK = plutoTool('whack');
    process.env.PLUTO_CTL = ctl;
    process.env.BRANCH_PSK = PSK;
  });
  after(async () => {
    delete process.env.IPSEC_WHACK;
    delete process.env.PLUTO_CTL;
    delete process.env.BRANCH_PSK;
    await lab?.down();
  });

  const profile = (name: string, edit?: (text: string) => string): string => profileIn(dir, PROFILE, name, edit);
  const run = (profileFile: string, suites: string[], grep?: RegExp): Promise<ScenarioResult[]> => runIn(dir, profileFile, suites, grep);
  const plutoSaid = (re: RegExp): string[] => (pluto?.snapshot() ?? []).map((l) => l.line).filter((l) => re.test(l));

  it('(a) with control commands: silence and responder scenarios get their verdicts and numbers from the router\'s own status', async () => {
    const results = await run(profile('with-control'), ['silence', 'responder']);
    expect(table(results), why(results)).to.deep.equal([
      ['responder/ack-echoes-sequence', 'passed'],
      ['responder/ack-within-bound', 'passed'],
      ['responder/answers-as-initiator-and-responder', 'passed'],
      ['silence/clear-after-dead', 'passed'],
      ['silence/dead-time-and-delete', 'passed'],
      ['silence/periodic-interval', 'passed'],
      // dpdaction=clear: the profile says so, and the scenario's requires: skips it.
      ['silence/restart-after-dead', 'skipped'],
      ['silence/retries-after-silence', 'passed'],
      ['silence/silence-inbound-only', 'passed'],
      ['silence/silence-outbound-only', 'passed'],
    ]);
    const byId = (id: string): ScenarioResult => results.find((r) => r.id === id)!;
    expect(byId('silence/restart-after-dead').reason).to.match(/dpd\.action/);

    // Probes every dpddelay while answered, the first dpddelay after Quick Mode.
    const periodic = byId('silence/periodic-interval');
    expect(check(periodic, 'first R-U-THERE').observed as number).to.be.closeTo(DPDDELAY, TOLERANCE);
    for (const c of periodic.checks.filter((k) => k.name.startsWith('R-U-THERE spacing'))) expect(c.observed as number, c.name).to.be.closeTo(DPDDELAY, TOLERANCE);

    // Silent peer: three probes dpddelay apart, sequence +1 each (retry_seq: increment).
    const retries = byId('silence/retries-after-silence');
    expect(check(retries, 'R-U-THERE count').observed).to.equal(3);
    const probes = inbound(retries, 'r-u-there').slice(0, 3);
    expect(probes.map((p) => p.summary!.seq! - probes[0]!.summary!.seq!)).to.deep.equal([0, 1, 2]);

    // Death dpdtimeout after the first unanswered probe, with Delete: IPsec SA (ESP), then ISAKMP SA,
    // and the SA gone from `whack --showstates` at the same instant.
    const dead = byId('silence/dead-time-and-delete');
    const del = check(dead, 'delete from the DUT');
    expect(del.expected).to.equal(DPDTIMEOUT);
    expect(Math.abs(Number(del.observed) - DPDTIMEOUT)).to.be.at.most(del.tolerance!);
    const deletes = inbound(dead, 'delete');
    expect(deletes.map((d) => d.summary!.deleteProtocol)).to.deep.equal([PROTOCOL_IDS.IPSEC_ESP, PROTOCOL_IDS.ISAKMP]);
    expect(secondsBetween(deletes[0]!, deletes[1]!)).to.be.below(0.5);
    const gone = check(dead, 'SA gone from the DUT status');
    expect(gone.expected).to.equal(DPDTIMEOUT);
    expect(Math.abs(Number(gone.observed) - Number(del.observed))).to.be.below(1);
    for (const id of ['silence/silence-inbound-only', 'silence/silence-outbound-only', 'silence/clear-after-dead']) {
      const c = check(byId(id), 'SA gone from the DUT status');
      expect(Math.abs(Number(c.observed) - DPDTIMEOUT), id).to.be.at.most(c.tolerance!);
    }
    // dpdaction=clear: no Main Mode from the router after the death, and pluto says why.
    expect(check(byId('silence/clear-after-dead'), 'no main-mode from the DUT').observed).to.equal(0);
    // One per death so far: retries-after-silence, dead-time-and-delete, both one-way silences, clear-after-dead.
    expect(plutoSaid(/"head-end".*DPD action - clearing connection/)).to.have.length(5);

    // The router initiated when asked through target.control.initiate: its Main Mode came in.
    const asInitiator = byId('responder/answers-as-initiator-and-responder');
    expect(inbound(asInitiator, 'main-mode').length).to.be.at.least(1);
    expect(check(asInitiator, 'ACK 1 echoes').pass).to.equal(true);
  });

  it('(b) with no control at all: deaths timed by pluto\'s Delete on the wire, liveness by the wire probe, DUT-initiated scenarios skipped', async () => {
    const results = await run(profile('no-control', (t) => t.replace(/  control:\n(    .*\n)+/, '')), ['silence', 'responder'], /silence-inbound-only|silence-outbound-only|periodic-interval|answers-as-initiator/);
    expect(table(results), why(results)).to.deep.equal([
      ['responder/answers-as-initiator-and-responder', 'skipped'],
      ['silence/periodic-interval', 'passed'],
      ['silence/silence-inbound-only', 'passed'],
      ['silence/silence-outbound-only', 'passed'],
    ]);
    const byId = (id: string): ScenarioResult => results.find((r) => r.id === id)!;
    // No status command: "still held" is one R-U-THERE, answered.
    expect(check(byId('silence/periodic-interval'), 'SA still held by the DUT (by wire probe)').observed).to.match(/^alive at t = [\d.]+ s \(R-U-THERE answered\)$/);
    // Unlike charon, pluto says it: the death is timed by its Delete, dpdtimeout after the first
    // unanswered probe, with no wire probe needed — in both one-way silences (the fake peer still
    // reads what it drops, as the timeline does).
    for (const id of ['silence/silence-inbound-only', 'silence/silence-outbound-only']) {
      const r = byId(id);
      const timed = check(r, 'SA gone from the DUT status');
      expect(timed.name, id).not.to.contain('wire probe');
      expect(Math.abs(Number(timed.observed) - DPDTIMEOUT), id).to.be.at.most(timed.tolerance!);
      // IPsec SA(s) first, the ISAKMP SA last. Without a terminate command an earlier scenario's IPsec
      // SA outlives its ISAKMP SA on pluto (the fake peer deletes only the ISAKMP SA) and goes with this one.
      const protocols = inbound(r, 'delete').map((d) => d.summary!.deleteProtocol);
      expect(protocols.at(-1), id).to.equal(PROTOCOL_IDS.ISAKMP);
      expect(protocols.slice(0, -1), id).to.have.length.at.least(1).and.satisfy((p: number[]) => p.every((x) => x === PROTOCOL_IDS.IPSEC_ESP));
    }
    expect(byId('responder/answers-as-initiator-and-responder').reason).to.match(/needs the DUT to initiate IKE .*target\.control\.initiate/);
  });

  it('(c) mismatched profiles are set-up errors naming the DUT\'s notify, within seconds', async () => {
    const cases: Mismatch[] = [
      ['wrong-selectors', (t) => t.replace('{ local: 198.51.100.160/28, remote: 198.51.100.128/27 }', '{ local: 198.51.100.160/28, remote: 198.51.100.0/25 }'), /INVALID-ID-INFORMATION.*ike\.traffic_selectors/],
      ['wrong-esp', (t) => t.replace('esp_proposals: [{ encryption: aes-128, integrity: sha2-256 }]', 'esp_proposals: [{ encryption: aes-256, integrity: sha1 }]'), /NO-PROPOSAL-CHOSEN.*ike\.esp_proposals/],
      ['wrong-ike', (t) => t.replace('proposals: [{ encryption: aes-256, hash: sha2-256, group: modp3072 }]', 'proposals: [{ encryption: aes-128, hash: sha1, group: modp2048 }]'), /NO-PROPOSAL-CHOSEN.*ike\.proposals/],
      ['wrong-psk', (t) => t.replace('psk: { env: BRANCH_PSK }', 'psk: { value: not-the-router-key }'), /pre-shared keys differ/],
    ];
    await expectRefusals(dir, PROFILE, cases, [PSK, 'not-the-router-key']);
  });
});
