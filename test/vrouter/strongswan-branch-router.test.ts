/**
 * A "virtual router": charon started in a lab namespace but configured the way a
 * branch router is (test/fixtures/vrouter/branch-office.swanctl.conf: subnet
 * policy, its own proposals with PFS, DPD 5 s / 16 s, never initiating), and
 * driven ONLY through the external profile its user wrote
 * (test/fixtures/vrouter/branch-office.yaml): (a) with target.control commands,
 * (b) with no control at all — the wire probe and planning skips — and (c) with
 * mismatched profiles, each refused within seconds with the DUT's notify.
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
import { expectRefusals, filled, profile as profileIn, run as runIn, table, why, type Mismatch } from './external-run.js';

const DUT = '198.51.100.177';
const PEER = '198.51.100.178';
const PSK = 'branch-office-router-key';

describe('virtual router: strongSwan configured as a branch router, driven through an external profile @root', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-vrouter-'));

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', '/usr/lib/ipsec/charon', 'swanctl');
    lab = await Lab.up(parseLabSpec({ name: 'vrtr', kind: 'strongswan', subnet: '198.51.100.176/29', dut_address: DUT, peer_addresses: [PEER], psk: 'lab-render-replaced' }, { file: 'strongswan-branch-router.test.ts' }));
    const vici = join(lab.workDir, 'dut', 'charon.vici');
    // The router admin's own configuration replaces whatever the lab rendered.
    const conf = join(lab.workDir, 'dut', 'branch-office.swanctl.conf');
    writeFileSync(conf, filled('branch-office.swanctl.conf', { DUT, PEER, SECRET: `"${PSK}"` }), { mode: 0o600 });
    execFileSync('swanctl', ['--load-all', '--clear', '--noprompt', '--file', conf, '--uri', `unix://${vici}`], { stdio: 'pipe' });
    const conns = execFileSync('swanctl', ['--list-conns', '--uri', `unix://${vici}`], { stdio: 'pipe' }).toString();
    expect(conns).to.contain('head-end:').and.not.contain('peer1:');
    process.env.VICI = vici;
    process.env.BRANCH_PSK = PSK;
  });
  after(async () => {
    delete process.env.VICI;
    delete process.env.BRANCH_PSK;
    await lab?.down();
  });

  const profile = (name: string, edit?: (text: string) => string): string => profileIn(dir, 'branch-office.yaml', name, edit);
  const run = (profileFile: string, suites: string[], grep?: RegExp): Promise<ScenarioResult[]> => runIn(dir, profileFile, suites, grep);

  it('(a) with control commands: silence and responder scenarios get their verdicts and numbers from the router\'s own status', async () => {
    const results = await run(profile('with-control'), ['silence', 'responder']);
    expect(table(results), why(results)).to.deep.equal([
      ['responder/ack-echoes-sequence', 'passed'],
      ['responder/ack-within-bound', 'passed'],
      ['responder/answers-as-initiator-and-responder', 'passed'],
      ['silence/clear-after-dead', 'passed'],
      ['silence/dead-time-and-delete', 'passed'],
      ['silence/periodic-interval', 'passed'],
      ['silence/restart-after-dead', 'skipped'],
      ['silence/retries-after-silence', 'passed'],
      ['silence/silence-inbound-only', 'passed'],
      ['silence/silence-outbound-only', 'passed'],
    ]);
    // The death was read from swanctl --list-sas, not inferred: its check names the DUT status.
    const dead = results.find((r) => r.id === 'silence/silence-inbound-only')!;
    const gone = dead.checks.find((c) => c.name.startsWith('SA gone from the DUT status'))!;
    // dpd_timeout 16 s after the last inbound, the first probe 5 s after it: 11 s.
    expect(gone.expected).to.equal(11);
    expect(Math.abs(Number(gone.observed) - 11)).to.be.at.most(gone.tolerance!);
  });

  it('(b) with no control at all: deaths judged by the wire probe, DUT-initiated scenarios skipped with the reason', async () => {
    const results = await run(profile('no-control', (t) => t.replace(/  control:\n(    .*\n)+/, '')), ['silence', 'responder'], /silence-inbound-only|periodic-interval|answers-as-initiator/);
    expect(table(results), why(results)).to.deep.equal([
      ['responder/answers-as-initiator-and-responder', 'skipped'],
      ['silence/periodic-interval', 'passed'],
      ['silence/silence-inbound-only', 'passed'],
    ]);
    const byId = (id: string): ScenarioResult => results.find((r) => r.id === id)!;
    const probe = byId('silence/silence-inbound-only').checks.find((c) => c.name.includes('by wire probe'))!;
    expect(probe.observed).to.match(/^gone by t = [\d.]+ s \(wire probe: /);
    expect(byId('responder/answers-as-initiator-and-responder').reason).to.match(/needs the DUT to initiate IKE .*target\.control\.initiate/);
  });

  it('(c) mismatched profiles are set-up errors naming the DUT\'s notify, within seconds', async () => {
    const cases: Mismatch[] = [
      ['wrong-selectors', (t) => t.replace('{ local: 198.51.100.160/28, remote: 198.51.100.128/27 }', '{ local: 198.51.100.160/28, remote: 198.51.100.0/25 }'), /INVALID-ID-INFORMATION.*ike\.traffic_selectors/],
      ['wrong-esp', (t) => t.replace('esp_proposals: [{ encryption: aes-256, integrity: sha2-256 }]', 'esp_proposals: [{ encryption: aes-128, integrity: sha1 }]'), /NO-PROPOSAL-CHOSEN.*ike\.esp_proposals/],
      ['wrong-ike', (t) => t.replace('proposals: [{ encryption: aes-256, hash: sha2-256, group: modp2048 }]', 'proposals: [{ encryption: 3des, hash: md5, group: modp1024 }]'), /NO-PROPOSAL-CHOSEN.*ike\.proposals/],
      ['wrong-psk', (t) => t.replace('psk: { env: BRANCH_PSK }', 'psk: { value: not-the-router-key }'), /pre-shared keys differ/],
    ];
    await expectRefusals(dir, 'branch-office.yaml', cases, [PSK, 'not-the-router-key']);
  });
});
