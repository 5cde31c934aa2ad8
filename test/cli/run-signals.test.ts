/**
 * A run stopped by SIGTERM (a cancelled CI job) or SIGHUP ends like Ctrl-C: exit 130,
 * reports closed as interrupted with the finished scenarios complete. Reference DUT on
 * loopback, so no root.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runUntilFirstScenarioThenSignal(signal: NodeJS.Signals, out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/cli/fixtures/run-main.ts', 'run', 'suites/silence.yaml', '--profile', 'profiles/cisco-iosxe.yaml', '--grep', 'retries-after-silence|periodic-interval', '--jobs', '1', '--out', out],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // The first scenario has finished and the second has started: stop now.
      if (!sent && /\] done/.test(stderr) && /retries-after-silence\] 2\//.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('cli/run: SIGTERM and SIGHUP stop a run like Ctrl-C', function () {
  this.timeout(90_000);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: exit 130, results.json closed as interrupted, the finished scenario complete`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'dpdh-signal-'));
      const { code, stderr } = await runUntilFirstScenarioThenSignal(signal, out);
      expect(code, stderr.slice(-2000)).to.equal(130);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.interrupted).to.equal(true);
      expect(results.finishedAt).to.be.a('string');
      const statuses = results.suites.flatMap((s: { scenarios: Array<{ id: string; status: string }> }) => s.scenarios.map((x) => [x.id, x.status]));
      expect(statuses).to.deep.include(['silence/periodic-interval', 'passed']);
      expect(statuses).to.deep.include(['silence/retries-after-silence', 'interrupted']);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).to.contain('interrupted');
    });
  }
});
