import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './capture-output.js';
import { renderResultsJson } from '../../src/report/results-json.js';
import { syntheticRun } from '../report/synthetic-run.js';


describe('cli: diff exit codes and outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpd-diff-cli-'));
  const baseline = join(dir, 'baseline');
  mkdirSync(baseline);
  const doc = JSON.parse(renderResultsJson(syntheticRun()));
  writeFileSync(join(baseline, 'results.json'), JSON.stringify(doc));
  const regressed = structuredClone(doc);
  const probes = regressed.suites.flatMap((s: { scenarios: unknown[] }) => s.scenarios).find((s: { status: string }) => s.status === 'passed');
  probes.status = 'failed';
  writeFileSync(join(dir, 'regressed.json'), JSON.stringify(regressed));

  it('0 for the same run twice, 1 with a regression (text, Markdown, JUnit and HTML written), 2 for bad input', async () => {
    expect((await runMain(['diff', baseline, join(baseline, 'results.json')])).code).to.equal(0);
    const junit = join(dir, 'diff.xml');
    const html = join(dir, 'diff.html');
    const r = await runMain(['diff', baseline, join(dir, 'regressed.json'), '--format', 'markdown', '--junit', junit, '--html', html]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^### dpd-harness diff: ❌ 1 regressed/);
    expect(readFileSync(junit, 'utf8')).to.match(/<failure /);
    expect(readFileSync(html, 'utf8')).to.match(/^<!DOCTYPE html>/);
  });

  it('2 with the error code for a folder without results.json, a non-results file, another version, or wrong arguments', async () => {
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    writeFileSync(join(dir, 'v9.json'), JSON.stringify({ ...doc, schemaVersion: 9 }));
    const cases: [string[], RegExp][] = [
      [['diff', baseline, dir], /ERR_RESULTS_FORMAT/],
      [['diff', baseline, join(dir, 'other.json')], /ERR_RESULTS_FORMAT/],
      [['diff', join(dir, 'v9.json'), baseline], /ERR_RESULTS_VERSION/],
      [['diff', baseline], /ERR_USAGE/],
      [['diff', baseline, baseline, '--threshold', 'soon'], /ERR_USAGE/],
      [['diff', baseline, baseline, '--format', 'pdf'], /ERR_USAGE/],
    ];
    for (const [argv, code] of cases) {
      const r = await runMain(argv);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err, argv.join(' ')).to.match(code);
    }
  });
});
