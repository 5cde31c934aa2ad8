/**
 * A "virtual router" over IKEv2: Libreswan 4.10's pluto started by hand in a lab namespace
 * (test/vrouter/pluto-router.ts) and configured the way a branch router is
 * (test/fixtures/vrouter/branch-office-libreswan-ikev2.ipsec.conf: ikev2=insist, a
 * subnet-to-subnet conn, AES-CBC-256/SHA2-256 on ECP-384, dpddelay 3 / dpdtimeout 20,
 * retransmit-interval 500 ms / retransmit-timeout 6 s, dpdaction=clear, waiting for the
 * head-end), driven ONLY through the external profile its user wrote
 * (test/fixtures/vrouter/branch-office-libreswan-ikev2.yaml): (a) with target.control
 * commands (whack, as `ipsec whack` on the router), (b) with no control at all, and (c) with
 * mismatched profiles, each refused within seconds with the DUT's notify.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { check, expectIkev2WireProbeVerdicts, expectRefusals, profile as profileIn, run as runIn, table, why, type Mismatch } from './external-run.js';
import { plutoTool, startPlutoRouter, type PlutoRouter } from './pluto-router.js';

const DUT = '198.51.100.169';
const PEER = '198.51.100.170';
const PSK = 'branch-office-pluto-ikev2-key';
const PROFILE = 'branch-office-libreswan-ikev2.yaml';
// The router's numbers (ipsec.conf), which the profile restates.
const DPDDELAY = 3;
const DPDTIMEOUT = 20;
// Resends 0.5 s after the first request, doubling while under retransmit-timeout 6 s: +0.5, 1, 2, 4; dead at +8.
const RESENDS = [0.5, 1, 2, 4];
const TIME_TO_DEAD = 8;

describe('virtual router: Libreswan configured as an IKEv2 branch router, driven through an external profile @root', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  let router: PlutoRouter | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-vrouter-ls2-'));

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'certutil', plutoTool('pluto'), plutoTool('whack'), plutoTool('addconn'));
    // Topology only: the DUT is the router below, not a lab daemon.
    lab = await Lab.up(parseLabSpec({ name: 'vrl2', kind: 'libreswan', subnet: '198.51.100.168/29', dut_address: DUT, peer_addresses: [PEER], psk: 'lab-renders-nothing' }, { file: 'libreswan-branch-router-ikev2.test.ts' }), { daemons: false });
    router = await startPlutoRouter(lab, { conf: 'branch-office-libreswan-ikev2.ipsec.conf', secrets: 'branch-office-libreswan.ipsec.secrets' }, { DUT, PEER, SECRET: PSK });
    const { stdout } = await router.whack(['--status']);
    expect(stdout).to.match(/"head-end": 198\.51\.100\.32\/28===198\.51\.100\.169.*198\.51\.100\.170===198\.51\.100\.48\/28/);
    expect(stdout).to.match(/"head-end":.*policy: IKEv2\b/);
    process.env.IPSEC_WHACK = plutoTool('whack');
    process.env.PLUTO_CTL = router.ctl;
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
  const plutoSaid = (re: RegExp): string[] => (router?.pluto.snapshot() ?? []).map((l) => l.line).filter((l) => re.test(l));

  it('(a) with control commands: the IKEv2 silence and responder scenarios get their verdicts and numbers from the router\'s own timers and status', async () => {
    const results = await run(profile('with-control'), ['ikev2-silence', 'ikev2-responder']);
    expect(table(results), why(results)).to.deep.equal([
      ['ikev2-responder/answer-echoes-message-id', 'passed'],
      ['ikev2-responder/answer-within-bound', 'passed'],
      ['ikev2-responder/answers-as-initiator-and-responder', 'passed'],
      ['ikev2-silence/liveness-while-answering', 'passed'],
      ['ikev2-silence/retransmissions-and-death', 'passed'],
      ['ikev2-silence/silence-inbound-only', 'passed'],
      ['ikev2-silence/silence-outbound-only', 'passed'],
    ]);
    const byId = (id: string): ScenarioResult => results.find((r) => r.id === id)!;
    const near = (c: { observed: unknown; tolerance?: number | null }, expected: number, what: string): void => {
      expect(Math.abs(Number(c.observed) - expected), `${what}: observed ${String(c.observed)} s, expected ${expected} s`).to.be.at.most(c.tolerance!);
    };
    // The first liveness check dpddelay after the Child SA, nothing inbound.
    const first = check(byId('ikev2-silence/liveness-while-answering'), 'liveness from the DUT after the phase started');
    expect(first.expected).to.equal(DPDDELAY);
    near(first, DPDDELAY, 'first liveness request');
    // Silent peer: resends from retransmit-interval, doubling; the suite checks the first two.
    const death = byId('ikev2-silence/retransmissions-and-death');
    const resends = death.checks.filter((c) => c.name === 'liveness from the DUT after the first unanswered liveness request');
    expect(resends.map((c) => c.expected)).to.deep.equal(['0.5–0.5 s', '1–1 s']);
    resends.forEach((c, i) => near(c, RESENDS[i]!, `retransmission ${i + 1}`));
    expect(check(death, 'no delete from the DUT').observed).to.equal(0);
    // Gone from whack --showstates at retransmit-timeout's next doubling (+8 s), not dpdtimeout (20 s): an IKEv1 knob.
    for (const id of ['ikev2-silence/retransmissions-and-death', 'ikev2-silence/silence-inbound-only', 'ikev2-silence/silence-outbound-only']) {
      const gone = check(byId(id), 'SA gone from the DUT status after the first unanswered liveness request');
      expect(gone.expected, id).to.equal(TIME_TO_DEAD);
      near(gone, TIME_TO_DEAD, id);
      expect(Number(gone.observed), id).to.be.below(DPDTIMEOUT);
    }
    // pluto says why: four retransmits, then the timeout, the clear, and no Delete — one per death so far.
    expect(plutoSaid(/"head-end" #\d+: STATE_V2_ESTABLISHED_IKE_SA: 6 second timeout exceeded after 4 retransmits/)).to.have.length(3);
    expect(plutoSaid(/"head-end" #\d+: liveness action - clearing connection/)).to.have.length(3);
    // The router initiated when asked through target.control.initiate, and answered under the message ID.
    expect(check(byId('ikev2-responder/answers-as-initiator-and-responder'), 'ACK 1 echoes message ID').pass).to.equal(true);
  });

  it('(b) with no control at all: deaths judged by the wire probe, DUT-initiated scenarios skipped with the reason', async () => {
    // (a)'s whack --initiate left head-end meant to stay up: pluto 4.10 then reconnects by itself whenever the head-end
    // deletes the IKE SA, racing the next bring-up. A router its user cannot control is as configured: auto=add.
    await router!.replace('head-end');
    await expectIkev2WireProbeVerdicts(dir, PROFILE, TIME_TO_DEAD);
  });

  it('(c) mismatched profiles are set-up errors naming the DUT\'s notify, within seconds', async () => {
    const cases: Mismatch[] = [
      ['wrong-ike', (t) => t.replace('prf: [hmac-sha2-256], group: [ecp384] }', 'prf: [hmac-sha2-256], group: [modp2048] }'), /NO_PROPOSAL_CHOSEN.*ike\.ikev2_proposals/],
      ['wrong-esp', (t) => t.replace('- { encryption: [aes-cbc-256], integrity: [hmac-sha2-256-128] }', '- { encryption: [aes-cbc-128], integrity: [hmac-sha2-256-128] }'), /NO_PROPOSAL_CHOSEN.*ike\.ikev2_esp_proposals/],
      ['wrong-psk', (t) => t.replace('psk: { env: BRANCH_PSK }', 'psk: { value: not-the-router-key }'), /AUTHENTICATION_FAILED.*psk/],
      ['wrong-selectors', (t) => t.replace('{ local: 198.51.100.48/28, remote: 198.51.100.32/28 }', '{ local: 198.51.100.48/28, remote: 198.51.100.16/28 }'), /TS_UNACCEPTABLE.*ike\.traffic_selectors/],
    ];
    await expectRefusals(dir, PROFILE, cases, [PSK, 'not-the-router-key'], { suite: 'ikev2-silence', grep: /liveness-while-answering/ });
  });
});
