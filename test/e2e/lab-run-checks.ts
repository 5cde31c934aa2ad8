/**
 * Issue 5 evidence, from the outside: `dpd-harness run` in a child process runs
 * the smoke suite against a real lab DUT, and every artefact is checked with the
 * tool an engineer would use on it: a strict XML parser for junit.xml, JSON for
 * results.json, tshark with the written key table for the pcaps, headless
 * Chromium for report.html. DPD expectations come from the profile (sequence
 * numbers on retry, Delete on dead), so one set of checks serves every lab DUT.
 * The lab must be gone afterwards.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireCommands, requireRoot } from '../support/environment.js';
import { childrenNamed, readXml } from '../report/xml-reader.js';
import { labLeftovers, notifyTypesInPcap, readLabProfile, readResults, scenariosOf, MISS_SUITE, SMOKE_SUITE, startCli, type CliRun, type ScenarioJson, type TimelineMessage } from './cli-run.js';
import type { LabDut } from './lab-duts.js';

const execFileAsync = promisify(execFile);
const R_U_THERE = 36136; // RFC 3706 §5.2
const R_U_THERE_ACK = 36137;
const TITLES = {
  responder: 'smoke responder - the DUT acknowledges our R-U-THERE with its sequence number',
  interval: 'smoke interval - the DUT probes every interval while we answer',
  dead: 'smoke dead time - a silent peer is retried and declared dead on time',
  miss: 'smoke deliberate failure - expects answered probes to repeat their sequence number',
};

export function describeLabRun(dut: LabDut): void {
  describe(`e2e: dpd-harness run against a ${dut.name} lab DUT @root`, function () {
    this.timeout(240_000);
    const profile = readLabProfile(dut.profile);
    const { dpd } = profile;
    let outDir: string;
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    let output: string;
    let run: CliRun | undefined;
    let scenario: (id: string) => ScenarioJson;

    before(async function () {
      requireRoot(this);
      requireCommands(this, 'ip', 'tshark', 'chromium', ...dut.commands);
      outDir = mkdtempSync(join(tmpdir(), 'dpdh-e2e-run-'));
      run = startCli(['run', SMOKE_SUITE, MISS_SUITE, '--profile', profile.file, '--out', outDir]);
      exit = await run.exited;
      output = run.output();
      // A run that wrote no report (e.g. ERR_LAB_NAME_BUSY: someone else holds the lab) says why.
      if (!existsSync(join(outDir, 'results.json'))) throw new Error(`no results.json; the run exited ${JSON.stringify(exit)}:\n${output}`);
      const scenarios = scenariosOf(readResults(outDir));
      scenario = (id) => scenarios.find((s) => s.id === id)!;
    });

    after(async () => {
      await run?.stop();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    it('exits 1 (one scenario failed), names the report folder, and leaves no lab behind', () => {
      expect(exit, output).to.deep.equal({ code: 1, signal: null });
      expect(output).to.contain(`reports: ${outDir}`);
      expect(labLeftovers(profile.lab)).to.deep.equal([]);
    });

    it('junit.xml is well-formed XML: a testsuite per suite, a testcase per scenario, the failure with expected and observed', () => {
      const root = readXml(readFileSync(join(outDir, 'junit.xml'), 'utf8'));
      expect(root.name).to.equal('testsuites');
      expect(root.attributes).to.include({ tests: '4', failures: '1', errors: '0', skipped: '0' });
      const suites = childrenNamed(root, 'testsuite');
      expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures])).to.deep.equal([
        ['dpd-smoke', '3', '0'],
        ['dpd-smoke-miss', '1', '1'],
      ]);
      const cases = childrenNamed(suites[0]!, 'testcase');
      expect(cases.map((c) => c.attributes.name)).to.deep.equal([TITLES.responder, TITLES.interval, TITLES.dead]);
      for (const c of cases) expect(c.children.map((x) => x.name), c.attributes.name).to.deep.equal([]);
      const missed = childrenNamed(suites[1]!, 'testcase');
      expect(missed.map((c) => c.attributes.name)).to.deep.equal([TITLES.miss]);
      const failures = childrenNamed(missed[0]!, 'failure');
      expect(failures.map((f) => f.attributes.type)).to.deep.equal(['check-failed']);
      // The DUT's two sequence numbers, as the failure line must state them.
      const [first, second] = scenario('dpd-smoke-miss/answered-probes-repeat-seq').timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      expect(failures[0]!.text).to.match(new RegExp(`expected ${first!.seq}\\b.*observed ${second!.seq}\\b`));
    });

    it('results.json: the smoke scenarios passed every check, the deliberate miss failed only its sequence checks', () => {
      const results = readResults(outDir);
      expect(results).to.include({ schemaVersion: 1, interrupted: false });
      expect(results.finishedAt).to.be.a('string');
      expect(results.summary).to.include({ total: 4, passed: 3, failed: 1, interrupted: 0 });
      const [smoke, miss] = results.suites;
      for (const s of smoke!.scenarios) {
        expect(s.status, `${s.id}: ${s.reason}`).to.equal('passed');
        expect(s.checks.length, s.id).to.be.greaterThan(0);
        expect(s.checks.filter((c) => !c.pass), s.id).to.deep.equal([]);
      }
      // Every datagram is between the lab's DUT and the fake peer's first address, on UDP/500.
      for (const s of scenariosOf(results)) {
        const endpoints = new Set(s.timeline.map((m) => `${m.local.address}:${m.local.port} ${m.peer.address}:${m.peer.port}`));
        expect([...endpoints], s.id).to.deep.equal([`${profile.peerAddresses[0]}:500 ${profile.dutAddress}:500`]);
      }
      const missed = miss!.scenarios[0]!;
      expect(missed.status).to.equal('failed');
      const failed = missed.checks.filter((c) => !c.pass);
      expect(failed.length).to.be.greaterThan(0);
      for (const c of failed) {
        expect(c.name).to.match(/sequence number/);
        expect(c.observed, c.name).to.equal((c.expected as number) + 1);
      }
    });

    const inbound = (s: ScenarioJson, kind: string): TimelineMessage[] => s.timeline.filter((m) => m.direction === 'in' && m.kind === kind);

    it("results.json timeline: the DUT's R-U-THEREs while answered come every interval with sequence numbers +1, each ACKed with its number", () => {
      const s = scenario('dpd-smoke/probes-while-answered');
      const probes = inbound(s, 'r-u-there');
      expect(probes.length).to.be.at.least(2);
      const tolerance = dpd.tolerance.absolute + dpd.tolerance.relative * dpd.interval;
      for (let i = 1; i < probes.length; i++) {
        expect(probes[i]!.t - probes[i - 1]!.t, `spacing ${i}→${i + 1}`).to.be.closeTo(dpd.interval, tolerance);
        expect(probes[i]!.seq, `seq of probe ${i + 1}`).to.equal(probes[i - 1]!.seq! + 1);
      }
      const acks = s.timeline.filter((m) => m.direction === 'out' && m.kind === 'r-u-there-ack').map((m) => m.seq);
      expect(acks.slice(0, probes.length)).to.deep.equal(probes.map((p) => p.seq));
    });

    it("results.json timeline: a silent peer gets probes_before_dead R-U-THEREs at increasing times, sequence numbers as the profile says, Delete as the profile says", () => {
      const s = scenario('dpd-smoke/silent-peer-declared-dead');
      const probes = inbound(s, 'r-u-there');
      expect(probes.length).to.equal(dpd.probes_before_dead);
      const tolerance = dpd.tolerance.absolute + dpd.tolerance.relative * dpd.retry_interval;
      for (let i = 1; i < probes.length; i++) expect(probes[i]!.t - probes[i - 1]!.t, `spacing ${i}→${i + 1}`).to.be.closeTo(dpd.retry_interval, tolerance);
      const step = dpd.retry_seq === 'reuse' ? 0 : 1;
      expect(probes.map((p) => p.seq! - probes[0]!.seq!)).to.deep.equal(probes.map((_, i) => i * step));
      expect(s.timeline.filter((m) => m.direction === 'out' && m.kind === 'r-u-there-ack'), 'the silent peer sent no ACK').to.deep.equal([]);
      expect(inbound(s, 'delete').length > 0, 'Delete from the DUT').to.equal(dpd.delete_on_dead);
    });

    it('results.json timeline: our R-U-THERE is answered by an ACK with the same sequence number', () => {
      const s = scenario('dpd-smoke/ack-echoes-probe');
      const ours = s.timeline.filter((m) => m.direction === 'out' && m.kind === 'r-u-there');
      const acks = inbound(s, 'r-u-there-ack');
      expect(ours).to.have.length(1);
      expect(acks.map((a) => a.seq)).to.deep.equal([ours[0]!.seq]);
      expect(acks[0]!.t).to.be.greaterThan(ours[0]!.t);
    });

    it("each scenario carries the DUT daemon's log of its time span", () => {
      for (const s of scenariosOf(readResults(outDir))) {
        expect(s.daemonLogs.length, s.id).to.be.greaterThan(0);
        const times = s.daemonLogs.flatMap((d) => d.lines.map((l) => l.t));
        expect(times.length, s.id).to.be.greaterThan(0);
        expect(Math.min(...times), s.id).to.be.at.least(0);
        // durationMs is rounded to the millisecond in results.json, line times to the microsecond.
        expect(Math.max(...times), s.id).to.be.at.most((s.durationMs + 0.5) / 1000);
      }
    });

    if (dut.probeIdsInLog) {
      const probeIdsInLog = dut.probeIdsInLog;
      it("the R-U-THEREs in the timeline are the ones the attached daemon log says the DUT sent", () => {
        for (const id of ['dpd-smoke/probes-while-answered', 'dpd-smoke/silent-peer-declared-dead']) {
          const s = scenario(id);
          const logged = probeIdsInLog(s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line)));
          expect(logged.length, id).to.be.greaterThan(0);
          expect(inbound(s, 'r-u-there').map((m) => m.messageId), id).to.deep.equal(logged);
        }
      });
    }

    it("tshark decrypts the R-U-THERE / R-U-THERE-ACK notifies in each pcap with the written key table (README.md's command), and sees none without it", () => {
      const expected: Record<string, number[]> = {
        'ack-echoes-probe': [R_U_THERE, R_U_THERE_ACK],
        'probes-while-answered': [R_U_THERE, R_U_THERE_ACK, R_U_THERE, R_U_THERE_ACK],
        'silent-peer-declared-dead': Array<number>(dpd.probes_before_dead).fill(R_U_THERE),
      };
      const readme = readFileSync(join(outDir, 'README.md'), 'utf8');
      for (const [id, types] of Object.entries(expected)) {
        const files = scenario(`dpd-smoke/${id}`).files!;
        expect(files.keyCount, id).to.equal(1);
        const decrypted = notifyTypesInPcap(outDir, files).filter((t) => t === R_U_THERE || t === R_U_THERE_ACK);
        expect(decrypted.slice(0, types.length), id).to.deep.equal(types);
        expect(notifyTypesInPcap(outDir, files, false), `${id} without keys`).to.deep.equal([]);
        // README.md gives the same command for people to paste.
        const key = readFileSync(join(outDir, files.ikev1Keys!), 'utf8').trim().replace(/"/g, '');
        expect(readme, id).to.contain(`tshark -r ${files.pcap} -o 'uat:ikev1_decryption_table:${key}'`);
      }
    });

    it('no report file contains the PSK', () => {
      for (const f of readdirSync(outDir)) expect(readFileSync(join(outDir, f), 'latin1'), f).not.to.contain(profile.psk);
    });

    it('report.html renders in headless Chromium with every scenario, its checks and its timeline', async () => {
      const userData = mkdtempSync(join(tmpdir(), 'dpdh-e2e-chromium-'));
      try {
        const { stdout } = await execFileAsync(
          'chromium',
          ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${userData}`, '--dump-dom', `file://${join(outDir, 'report.html')}`],
          { timeout: 100_000, maxBuffer: 32 * 1024 * 1024 },
        );
        for (const title of Object.values(TITLES)) expect(stdout).to.contain(title);
        const checks = scenariosOf(readResults(outDir)).flatMap((s) => s.checks);
        expect(stdout.match(/<tr class="check pass">/g) ?? []).to.have.length(checks.filter((c) => c.pass).length);
        expect(stdout.match(/<tr class="check fail">/g) ?? []).to.have.length(checks.filter((c) => !c.pass).length);
        expect(stdout.match(/<svg class="timeline"/g) ?? []).to.have.length(4);
      } finally {
        rmSync(userData, { recursive: true, force: true });
      }
    });
  });
}
