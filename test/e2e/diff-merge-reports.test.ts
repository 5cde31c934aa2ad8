/**
 * `dpd-harness diff` and `merge` on report folders that real runs wrote (issue 13): the
 * shipped Cisco IOS XE reference profile, once as is and once with a fault switch standing
 * in for a regressed firmware, each run through the CLI in its own process. Timers are
 * scaled down (allow_short_timers) and a few short scenarios picked with --grep, so every
 * run takes about ten seconds, and all of them run at once.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { runMain } from '../cli/capture-output.js';
import { readResults, REPO, scenariosOf, startCli } from './cli-run.js';

const SUITES = ['suites/silence.yaml', 'suites/responder.yaml'];
const GREP = 'silence/(periodic-interval|retries-after-silence)|responder/ack-echoes-sequence';
const REGRESSED = 'silence/retries-after-silence';

/** profiles/cisco-iosxe.yaml with the keepalive scaled from 10 s / 2 s to 2 s / 0.5 s, as firmware `version` with `faults`. */
function scaledProfile(version: string, faults: Record<string, unknown>): string {
  const doc = parseDocument(readFileSync(join(REPO, 'profiles/cisco-iosxe.yaml'), 'utf8'));
  doc.setIn(['identity', 'version'], version);
  doc.setIn(['dpd', 'interval'], 2);
  doc.setIn(['dpd', 'retry_interval'], 0.5);
  doc.setIn(['dpd', 'dead_timeout'], 2.5);
  doc.setIn(['dpd', 'tolerance', 'absolute'], 0.3);
  doc.setIn(['dut', 'allow_short_timers'], true);
  doc.setIn(['dut', 'faults'], doc.createNode(faults, { flow: true }));
  return doc.toString();
}

describe('e2e: diff and merge on the reports of real reference-DUT runs', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'dpd-diff-e2e-'));
  const out = (name: string): string => join(dir, name);

  before(async () => {
    writeFileSync(out('good.yaml'), scaledProfile('IOS XE 17.9 (reference DUT)', {}));
    // Retries a second apart instead of the configured 0.5 s: the kind of regression an upgrade brings.
    writeFileSync(out('regressed.yaml'), scaledProfile('IOS XE 17.12 (reference DUT, retrySeconds fault)', { retrySeconds: 1 }));
    const runs: [string, string, string[]][] = [
      ['clean', 'good.yaml', []],
      ['clean2', 'good.yaml', []],
      ['faulted', 'regressed.yaml', []],
      ['shard1', 'good.yaml', ['--shard', '1/2']],
      ['shard2', 'good.yaml', ['--shard', '2/2']],
    ];
    const started = runs.map(([name, profile, extra]) =>
      startCli(['run', ...SUITES, '--profile', out(profile), '--grep', GREP, '--reporter', 'dot', '--out', out(name), ...extra]));
    try {
      const exits = await Promise.all(started.map((r) => r.exited));
      exits.forEach((e, i) => {
        const [name] = runs[i]!;
        // The faulted run fails its scenario (exit 1); a shard or clean run failing is a broken test set-up.
        expect(e.code, `${name}:\n${started[i]!.output()}`).to.equal(name === 'faulted' ? 1 : 0);
      });
    } finally {
      await Promise.all(started.map((r) => r.stop()));
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the faulted run: exit 1, the regressed scenario and the retry spacing that drifted, in text, Markdown, JUnit and HTML', async () => {
    const text = await runMain(['diff', out('clean'), out('faulted')]);
    expect(text.code, text.err).to.equal(1);
    expect(text.out).to.contain(`✗ ${REGRESSED}: REGRESSED (passed → failed)`);
    expect(text.out).to.match(/R-U-THERE spacing 1→2: 0\.\d+ s → 1(\.\d+)? s \(\+0\.\d+ s, threshold 0\.\d+\)/);
    expect(text.out).to.match(/DUT version: IOS XE 17\.9 \(reference DUT\) → IOS XE 17\.12/);
    // Only the scenario the fault is meant to break regressed.
    expect(text.out).to.contain('1 regressed scenario(s) of 3');
    expect(text.out).to.not.match(/periodic-interval: REGRESSED|ack-echoes-sequence: REGRESSED/);

    const junit = out('diff.xml');
    const html = out('diff.html');
    const md = await runMain(['diff', out('clean'), out('faulted'), '--format', 'markdown', '--junit', junit, '--html', html]);
    expect(md.code).to.equal(1);
    expect(md.out).to.match(/^### dpd-harness diff: ❌ 1 regressed scenario\(s\) of 3/);
    expect(md.out).to.match(new RegExp(`\\| ❌ \\| \`${REGRESSED}\` \\| REGRESSED \\| passed → failed \\| .*R-U-THERE spacing 1→2`));
    const xml = readFileSync(junit, 'utf8');
    expect(xml).to.match(/<testsuites name="dpd-harness diff" tests="3" failures="1"/);
    expect(xml).to.contain(`<failure message="${REGRESSED}: passed → failed" type="regression">`);
    const page = readFileSync(html, 'utf8');
    expect(page).to.match(/^<!DOCTYPE html>/);
    expect(page).to.contain(REGRESSED);
    // Both timelines of the changed scenario, side by side.
    expect(page.match(/<svg/g)?.length).to.be.at.least(2);
  });

  it('two clean runs of the same DUT: exit 0, nothing regressed', async () => {
    const text = await runMain(['diff', out('clean'), out('clean2')]);
    expect(text.code, text.out).to.equal(0);
    expect(text.out).to.not.contain('REGRESSED');
    const md = await runMain(['diff', out('clean'), out('clean2'), '--format', 'markdown', '--junit', out('same.xml')]);
    expect(md.code).to.equal(0);
    expect(md.out).to.match(/^### dpd-harness diff: ✅/);
    expect(readFileSync(out('same.xml'), 'utf8')).to.match(/tests="3" failures="0"/).and.not.contain('<failure');
  });

  it('--shard 1/2 and 2/2 merged: the unsharded run’s scenarios and verdicts, and diff finds nothing', async () => {
    const shards = [readResults(out('shard1')), readResults(out('shard2'))].map((r) => scenariosOf(r).map((s) => s.id));
    // Each shard ran some of the scenarios, none ran one twice.
    expect(shards.every((ids) => ids.length > 0)).to.equal(true);
    expect(shards[0]!.filter((id) => shards[1]!.includes(id))).to.deep.equal([]);

    const merged = await runMain(['merge', out('shard2'), out('shard1'), '--out', out('merged')]);
    expect(merged.code, merged.err).to.equal(0);
    const verdicts = (name: string): [string, string][] =>
      scenariosOf(readResults(out(name))).map((s): [string, string] => [s.id, s.status]).sort(([a], [b]) => a.localeCompare(b));
    expect(verdicts('merged')).to.deep.equal(verdicts('clean'));
    expect(verdicts('clean').map(([, v]) => v)).to.deep.equal(['passed', 'passed', 'passed']);
    expect((await runMain(['diff', out('clean'), out('merged')])).code).to.equal(0);
  });
});
