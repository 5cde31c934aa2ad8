/**
 * Ctrl-C during a run against a real strongSwan DUT (issue 5 evidence): the
 * CLI exits 130, junit.xml and results.json are complete for the scenarios
 * that finished and say the run was interrupted, and the lab is gone. Its own
 * lab name and subnet (scxi, 198.51.100.160/28) so it can run beside lab-run.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommands, requireRoot } from '../support/environment.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function interruptProfile(dir: string): string {
  const text = readFileSync(fileURLToPath(new URL('./fixtures/strongswan-scx.yaml', import.meta.url)), 'utf8')
    .replace('name: scx', 'name: scxi')
    .replace(/198\.51\.100\.(\d+)/g, (_, n: string) => `198.51.100.${Number(n) + 32}`);
  const file = join(dir, 'strongswan-scxi.yaml');
  writeFileSync(file, text);
  return file;
}

describe('Ctrl-C during a run against a strongSwan lab DUT @root', function () {
  this.timeout(240_000);

  before(function () {
    requireRoot(this);
    requireCommands(this, '/usr/lib/ipsec/charon', '/usr/sbin/swanctl', 'ip');
  });

  it('exits 130 with complete reports for the finished scenarios and a clean lab', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpdh-interrupt-'));
    const out = join(dir, 'reports');
    const args = JSON.stringify(['run', 'suites/silence.yaml', '--grep', 'retries-after-silence|clear-after-dead', '--profile', interruptProfile(dir), '--out', out, '--reporter', 'spec']);
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(${args}); })`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The first scenario has its verdict: interrupt the second one while it runs.
      if (!signalled && /✔|passing|\d\) /.test(stdout)) {
        signalled = true;
        setTimeout(() => child.kill('SIGINT'), 1000);
      }
    });
    child.stderr.resume();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(signalled, stdout).to.equal(true);
    expect(code).to.equal(130);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.interrupted).to.equal(true);
    const statuses = results.suites[0].scenarios.map((s: { id: string; status: string }) => [s.id, s.status]);
    expect(statuses, JSON.stringify(results.suites[0].scenarios.map((s: { reason?: string }) => s.reason))).to.deep.equal([['silence/retries-after-silence', 'passed'], ['silence/clear-after-dead', 'interrupted']]);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).to.match(/<testcase classname="silence" name="after the peer goes silent[^"]*" time="[\d.]+" file="suites\/silence.yaml"\/>/);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.to.match(/\bscxi-/);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.to.match(/scxi/);
  });
});
