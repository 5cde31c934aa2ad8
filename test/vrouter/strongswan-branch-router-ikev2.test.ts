/**
 * A "virtual router" over IKEv2: charon started in a lab namespace but configured the way a
 * branch router is (test/fixtures/vrouter/branch-office-ikev2.swanctl.conf: subnet-to-subnet
 * policy, AES-GCM/ECP-256 for IKE and AES-CBC/SHA-256 for ESP, dpd_delay 4 s, retransmissions
 * on charon.retransmit_* 1.5 s × 1.5^n twice, never initiating), and driven ONLY through the
 * external profile its user wrote (test/fixtures/vrouter/branch-office-ikev2.yaml): (a) with
 * target.control commands, (b) with no control at all — the wire probe and planning skips —
 * and (c) with mismatched profiles, each refused within seconds with the DUT's notify.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { check, expectIkev2WireProbeVerdicts, expectRefusals, filled, profile as profileIn, run as runIn, table, why, type Mismatch } from './external-run.js';

const DUT = '198.51.100.161';
const PEER = '198.51.100.162';
const PSK = 'branch-office-ikev2-router-key';
const PROFILE = 'branch-office-ikev2.yaml';
// The router's timers: dpd_delay, and charon.retransmit_* (its strongswan.conf), which the profile restates.
const DPD_DELAY = 4;
const RETRANSMIT = { tries: 2, timeout: 1.5, base: 1.5 };
// Waits 1.5, 2.25 and 3.375 s: resends at +1.5 and +3.75 s after the first request, dead at +7.125 s.
const TIME_TO_DEAD = 1.5 + 2.25 + 3.375;

describe('virtual router: strongSwan configured as an IKEv2 branch router, driven through an external profile @root', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-vrouter-v2-'));

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', '/usr/lib/ipsec/charon', 'swanctl');
    // The lab renders strongswan.conf with the router's retransmit_* and a connection that the admin's configuration replaces.
    lab = await Lab.up(parseLabSpec({ name: 'vrs2', kind: 'strongswan', subnet: '198.51.100.160/29', dut_address: DUT, peer_addresses: [PEER], psk: 'lab-render-replaced', dut: { retransmit: RETRANSMIT } }, { file: 'strongswan-branch-router-ikev2.test.ts' }));
    const vici = join(lab.workDir, 'dut', 'charon.vici');
    const conf = join(lab.workDir, 'dut', 'branch-office-ikev2.swanctl.conf');
    writeFileSync(conf, filled('branch-office-ikev2.swanctl.conf', { DUT, PEER, SECRET: `"${PSK}"` }), { mode: 0o600 });
    execFileSync('swanctl', ['--load-all', '--clear', '--noprompt', '--file', conf, '--uri', `unix://${vici}`], { stdio: 'pipe' });
    const conns = execFileSync('swanctl', ['--list-conns', '--uri', `unix://${vici}`], { stdio: 'pipe' }).toString();
    expect(conns).to.match(/^head-end: IKEv2\b.*dpd delay 4s/m).and.not.contain('peer1:');
    process.env.VICI = vici;
    process.env.BRANCH_PSK = PSK;
  });
  after(async () => {
    delete process.env.VICI;
    delete process.env.BRANCH_PSK;
    await lab?.down();
  });

  const profile = (name: string, edit?: (text: string) => string): string => profileIn(dir, PROFILE, name, edit);
  const run = (profileFile: string, suites: string[], grep?: RegExp): Promise<ScenarioResult[]> => runIn(dir, profileFile, suites, grep);

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
    // The first liveness check dpd_delay after IKE_AUTH, nothing inbound.
    const first = check(byId('ikev2-silence/liveness-while-answering'), 'liveness from the DUT after the phase started');
    expect(first.expected).to.equal(DPD_DELAY);
    near(first, DPD_DELAY, 'first liveness request');
    // Silent peer: resends at +1.5 and +3.75 s (charon.retransmit_*), the IKE_SA gone from swanctl --list-sas at +7.125 s, no Delete.
    const death = byId('ikev2-silence/retransmissions-and-death');
    const resends = death.checks.filter((c) => c.name === 'liveness from the DUT after the first unanswered liveness request');
    expect(resends.map((c) => c.expected)).to.deep.equal(['1.5–1.5 s', '3.75–3.75 s']);
    near(resends[0]!, 1.5, 'first retransmission');
    near(resends[1]!, 3.75, 'second retransmission');
    expect(check(death, 'no delete from the DUT').observed).to.equal(0);
    for (const id of ['ikev2-silence/retransmissions-and-death', 'ikev2-silence/silence-inbound-only', 'ikev2-silence/silence-outbound-only']) {
      const gone = check(byId(id), 'SA gone from the DUT status after the first unanswered liveness request');
      expect(gone.expected, id).to.equal(TIME_TO_DEAD);
      near(gone, TIME_TO_DEAD, id);
    }
    // The router initiated when asked through target.control.initiate, and still answered under the message ID.
    expect(check(byId('ikev2-responder/answers-as-initiator-and-responder'), 'ACK 1 echoes message ID').pass).to.equal(true);
  });

  it('(b) with no control at all: deaths judged by the wire probe, DUT-initiated scenarios skipped with the reason', async () => {
    await expectIkev2WireProbeVerdicts(dir, PROFILE, TIME_TO_DEAD);
  });

  it('(c) mismatched profiles are set-up errors naming the DUT\'s notify, within seconds', async () => {
    const cases: Mismatch[] = [
      ['wrong-ike', (t) => t.replace('{ encryption: [aes-gcm-16-256], prf: [hmac-sha2-256], group: [ecp256] }', '{ encryption: [aes-gcm-16-256], prf: [hmac-sha2-256], group: [modp2048] }'), /NO_PROPOSAL_CHOSEN.*ike\.ikev2_proposals/],
      ['wrong-esp', (t) => t.replace('{ encryption: [aes-cbc-128], integrity: [hmac-sha2-256-128] }', '{ encryption: [aes-cbc-256], integrity: [hmac-sha2-256-128] }'), /NO_PROPOSAL_CHOSEN.*ike\.ikev2_esp_proposals/],
      ['wrong-psk', (t) => t.replace('psk: { env: BRANCH_PSK }', 'psk: { value: not-the-router-key }'), /AUTHENTICATION_FAILED.*psk/],
      ['wrong-selectors', (t) => t.replace('{ local: 198.51.100.96/27, remote: 198.51.100.64/27 }', '{ local: 198.51.100.96/27, remote: 198.51.100.32/27 }'), /TS_UNACCEPTABLE.*ike\.traffic_selectors/],
    ];
    // A wider selector is not a mismatch in IKEv2: charon narrows it to local_ts (RFC 7296 §2.9). One beside it is.
    await expectRefusals(dir, PROFILE, cases, [PSK, 'not-the-router-key'], { suite: 'ikev2-silence', grep: /liveness-while-answering/ });
  });
});
