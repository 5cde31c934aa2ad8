/**
 * Issue 5 evidence: a run stopped with Ctrl-C (SIGINT to the run's process
 * group, as a terminal sends it) after one scenario finished leaves complete
 * junit.xml/results.json for that scenario, the others marked interrupted as
 * docs/reports.md says, exit code 130 (docs/suites.md), and a clean lab. A run
 * killed with SIGKILL leaves a stale lab that the next run with the same profile
 * removes before it succeeds. Against each lab DUT (lab-duts.ts).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands, requireRoot } from '../support/environment.js';
import { childrenNamed, readXml } from '../report/xml-reader.js';
import { LIBRESWAN, STRONGSWAN } from './lab-duts.js';
import { labLeftovers, readLabProfile, readResults, scenariosOf, SMOKE_SUITE, startCli, type CliRun } from './cli-run.js';

const EXIT_INTERRUPTED = 130;
/** Plain progress lines (stderr is not a TTY): `[<scenario id>] <step>/<steps> …` and `[<id>] done`. */
const FIRST_DONE = /\[dpd-smoke\/ack-echoes-probe\] done/;
/** The second scenario has its SA and is waiting for probes: well inside the scenario. */
const SECOND_WAITING = /\[dpd-smoke\/probes-while-answered\] 2\/3 /;

for (const dut of [STRONGSWAN, LIBRESWAN]) {
  describe(`e2e: interrupting dpd-harness run against a ${dut.name} lab DUT @root`, function () {
    this.timeout(180_000);
    const profile = readLabProfile(dut.profile);
    const runs: CliRun[] = [];
    const dirs: string[] = [];
    const start = (args: string[]): CliRun => {
      const run = startCli(args);
      runs.push(run);
      return run;
    };
    const outDir = (): string => {
      const dir = mkdtempSync(join(tmpdir(), 'dpdh-e2e-interrupt-'));
      dirs.push(dir);
      return dir;
    };

    before(function () {
      requireRoot(this);
      requireCommands(this, 'ip', 'tshark', ...dut.commands);
      expect(labLeftovers(profile.lab), `lab ${profile.lab} is in use or stale before the test`).to.deep.equal([]);
    });

    after(async function () {
      this.timeout(60_000);
      for (const run of runs) await run.stop();
      // Only after a failed assertion can a lab remain: remove it so later tests find the subnet free.
      if (labLeftovers(profile.lab).length > 0) await startCli(['lab', 'down', '--profile', profile.file]).exited;
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('Ctrl-C mid-run: exit 130, reports complete for the finished scenario, the rest interrupted, the lab gone', async () => {
      const dir = outDir();
      const run = start(['run', SMOKE_SUITE, '--profile', profile.file, '--out', dir]);
      await run.waitForOutput(FIRST_DONE, 120_000);
      await run.waitForOutput(SECOND_WAITING, 60_000);
      // The leftover probe sees the live lab, so its empty answer at the end means something.
      const live = labLeftovers(profile.lab).map((l) => l.split(' ')[0]);
      expect(live).to.include.members(['namespace', 'link', 'state', 'process']);
      process.kill(-run.child.pid!, 'SIGINT');
      const exit = await run.exited;
      expect(exit, run.output()).to.deep.equal({ code: EXIT_INTERRUPTED, signal: null });

      const results = readResults(dir);
      expect(results.interrupted).to.equal(true);
      expect(results.finishedAt).to.be.a('string');
      expect(results.summary).to.include({ total: 3, passed: 1, failed: 0, interrupted: 2 });
      const scenarios = scenariosOf(results);
      expect(scenarios.map((s) => [s.id, s.status])).to.deep.equal([
        ['dpd-smoke/ack-echoes-probe', 'passed'],
        ['dpd-smoke/probes-while-answered', 'interrupted'],
        ['dpd-smoke/silent-peer-declared-dead', 'interrupted'],
      ]);
      const finished = scenarios[0]!;
      expect(finished.checks.length).to.be.greaterThan(0);
      expect(finished.checks.every((c) => c.pass)).to.equal(true);
      expect(finished.timeline.map((m) => m.kind)).to.include.members(['r-u-there', 'r-u-there-ack']);
      expect(finished.files).to.not.equal(null);
      // The interrupted scenario's pcap is complete up to the interruption: tshark reads it without
      // complaint, and it holds at least the set-up of its one IKE SA (Main Mode 6 messages, Quick Mode 3).
      const interruptedPcap = scenarios[1]!.files!.pcap;
      const cookies = execFileSync('tshark', ['-r', join(dir, interruptedPcap), '-T', 'fields', '-e', 'isakmp.ispi'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim().split('\n');
      expect(cookies.length).to.be.at.least(9);
      expect(new Set(cookies).size, 'one IKE SA, every frame ISAKMP').to.equal(1);

      const root = readXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
      expect(root.attributes).to.include({ tests: '3', failures: '0', errors: '2', skipped: '0' });
      const cases = childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase');
      expect(cases.map((c) => c.children.map((x) => `${x.name}:${x.attributes.type ?? ''}`))).to.deep.equal([[], ['error:interrupted'], ['error:interrupted']]);

      expect(readFileSync(join(dir, 'report.html'), 'utf8')).to.contain('<b>Run interrupted.</b>');

      expect(labLeftovers(profile.lab)).to.deep.equal([]);
    });

    it('SIGKILL mid-run leaves a stale lab and reports up to the last finished scenario; the next run cleans up and passes', async () => {
      const killedDir = outDir();
      const killed = start(['run', SMOKE_SUITE, '--profile', profile.file, '--out', killedDir]);
      await killed.waitForOutput(FIRST_DONE, 120_000);
      await killed.waitForOutput(SECOND_WAITING, 60_000);
      killed.child.kill('SIGKILL');
      expect(await killed.exited).to.deep.equal({ code: null, signal: 'SIGKILL' });

      // Nobody tore the lab down: its state file (at least) is still there for the next run to find.
      expect(labLeftovers(profile.lab)).to.include(`state file /run/dpd-harness/${profile.lab}.json`);
      const partial = readResults(killedDir);
      expect(partial.finishedAt).to.equal(null);
      expect(scenariosOf(partial).map((s) => [s.id, s.status])).to.deep.equal([['dpd-smoke/ack-echoes-probe', 'passed']]);

      const nextDir = outDir();
      const next = start(['run', SMOKE_SUITE, '--profile', profile.file, '--grep', 'ack-echoes-probe', '--out', nextDir]);
      const exit = await next.exited;
      expect(exit, next.output()).to.deep.equal({ code: 0, signal: null });
      expect(scenariosOf(readResults(nextDir)).map((s) => [s.id, s.status])).to.deep.equal([['dpd-smoke/ack-echoes-probe', 'passed']]);
      expect(labLeftovers(profile.lab)).to.deep.equal([]);
    });
  });
}
