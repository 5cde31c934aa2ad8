/**
 * End to end against a real strongSwan 5.9 DUT in the lab (issue 5 evidence):
 * two silence scenarios and one responder scenario through the whole runner,
 * then junit.xml is well-formed with the right counts, results.json has the
 * DUT's R-U-THEREs at increasing times, and tshark decrypts the DPD notifies
 * in the pcap with the written key table. Lab prefix scx, 198.51.100.128/26.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { systemClock } from '../../src/peer/system-clock.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import { runPlan, type RunOutcome } from '../../src/scenario/run-plan.js';
import { createTargetFactory } from '../../src/target/target-registry.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const profile = fileURLToPath(new URL('./fixtures/strongswan-scx.yaml', import.meta.url));
const suites = ['silence.yaml', 'responder.yaml'].map((f) => fileURLToPath(new URL(`../../suites/${f}`, import.meta.url)));

describe('run against a strongSwan lab DUT @root', function () {
  this.timeout(240_000);
  let outcome: RunOutcome;
  let outDir: string;

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'tshark', 'python3', '/usr/lib/ipsec/charon', '/usr/sbin/swanctl', 'ip');
    const inputs = loadRunInputs(suites, profile);
    outDir = mkdtempSync(join(tmpdir(), 'dpdh-lab-run-'));
    outcome = await runPlan({
      suites: inputs.suites,
      profile: inputs.profile,
      factory: await createTargetFactory(inputs.profile, systemClock),
      clock: systemClock,
      jobs: 1,
      grep: /retries-after-silence|dead-time-and-delete|ack-echoes-sequence/,
      outDir,
      reporter: Mocha.reporters.Base,
      toolVersion: 'test',
      signal: new AbortController().signal,
    });
  });

  it('every scenario passes against the measured strongSwan semantics and the lab is gone afterwards', () => {
    expect(outcome.results.map((r) => [r.id, r.status, r.reason ?? ''])).to.deep.equal([
      ['silence/retries-after-silence', 'passed', ''],
      ['silence/dead-time-and-delete', 'passed', ''],
      ['responder/ack-echoes-sequence', 'passed', ''],
    ]);
    expect(outcome.exitCode).to.equal(0);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.to.match(/\bscx-/);
  });

  it('junit.xml is well-formed with one testcase per scenario', () => {
    const file = join(outDir, 'junit.xml');
    const counts = execFileSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(r.findall(".//testcase")), len(r.findall(".//failure")))', file], { encoding: 'utf8' });
    expect(counts.trim()).to.equal('3 0');
  });

  it("results.json has the DUT's R-U-THEREs at increasing times", () => {
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    const scenario = results.suites.flatMap((s: { scenarios: unknown[] }) => s.scenarios).find((s: { id: string }) => s.id === 'silence/retries-after-silence');
    const probes = scenario.timeline.filter((m: { direction: string; kind: string }) => m.direction === 'in' && m.kind === 'r-u-there');
    expect(probes.length).to.equal(2);
    expect(probes[1].t).to.be.greaterThan(probes[0].t);
    expect(JSON.stringify(results)).not.to.contain('dpd-harness-lab-strongswan');
  });

  it('tshark decrypts the R-U-THERE notifies in the pcap with the written key table', () => {
    const pcap = readdirSync(outDir).find((f) => f.startsWith('silence-retries-after-silence') && f.endsWith('.pcap'))!;
    const keys = readFileSync(join(outDir, pcap.replace(/\.pcap$/, '.ikev1-keys')), 'utf8').trim().split('\n');
    const args = keys.flatMap((line) => ['-o', `uat:ikev1_decryption_table:${line.replace(/"/g, '')}`]);
    const out = execFileSync('tshark', ['-r', join(outDir, pcap), ...args, '-T', 'fields', '-e', 'isakmp.notify.msgtype'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    // 36136 = R-U-THERE (RFC 3706 §5.2): only readable after decryption.
    expect(out.split('\n').filter((l) => l.split(',').includes('36136')).length).to.equal(2);
  });
});
