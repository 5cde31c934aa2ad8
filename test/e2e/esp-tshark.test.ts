/**
 * Real ESP from a run, judged by tshark: the fake peer's ESP traffic against the reference DUT
 * (suites/traffic.yaml, on-demand profile with nat_t), the report's esp_sa key file beside the
 * pcap, and the README's tshark command, run as printed: every ESP packet authenticates
 * (esp.icv_good), its inner packet is the ICMP echo request the peer sent, and the count is
 * what results.json reports. A key with one bit flipped fails the ICV.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from '../support/environment.js';
import { startCli } from './cli-run.js';

const SCENARIO = 'traffic/inbound-esp-suppresses-on-demand-dpd';

describe('report: tshark decrypts the ESP of a real run with the esp_sa key file', function () {
  this.timeout(120_000);

  it(`${SCENARIO}: every ESP packet has a good ICV and carries ICMP echo; counts match results.json`, async function () {
    requireCommands(this, 'tshark');
    const out = mkdtempSync(join(tmpdir(), 'dpdh-esp-'));
    const run = startCli(['run', '--profile', 'profiles/cisco-iosxe-on-demand.yaml', '--grep', SCENARIO, '--out', out, 'suites/traffic.yaml']);
    const { code } = await run.exited;
    expect(code, run.output()).to.equal(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const scenario = results.suites[0].scenarios.find((s: { id: string }) => s.id === SCENARIO);
    expect(scenario.esp.sent).to.be.greaterThan(8);
    expect(scenario.esp.authFailed).to.equal(0);
    const keyFile = readFileSync(join(out, scenario.files.espKeys), 'utf8').trim().split('\n');
    expect(keyFile).to.have.length(2);

    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const command = /Its ESP[^\n]*\n\n```sh\n(tshark [^\n]+)\n```/.exec(readme)?.[1];
    expect(command, readme).to.be.a('string');
    const fields = (cmd: string): string[][] =>
      execFileSync('sh', ['-c', `${cmd} -Y esp -T fields -e esp.sequence -e esp.icv_good -e esp.icv_bad -e icmp.type`], { cwd: out, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim().split('\n').map((l) => l.split('\t'));
    const rows = fields(command!);
    expect(rows).to.have.length(scenario.esp.sent + scenario.esp.received);
    for (const [seq, good, , icmp] of rows) {
      expect(good, `ESP seq ${seq}`).to.equal('1');
      expect(icmp, `ESP seq ${seq}`).to.equal('8');
    }
    expect(rows.map((r) => Number(r[0]))).to.deep.equal(rows.map((_, i) => i + 1));

    // One bit of the outbound integrity key flipped: tshark must now call the ICV bad.
    const broken = command!.replace(/("HMAC-SHA-1-96 \[RFC2404\]","0x)([0-9a-f])/, (_, head: string, d: string) => `${head}${(parseInt(d, 16) ^ 1).toString(16)}`);
    expect(broken).to.not.equal(command);
    const bad = fields(broken);
    expect(bad.some(([, good, icvBad]) => icvBad === '1' && good !== '1')).to.equal(true);
  });
});
