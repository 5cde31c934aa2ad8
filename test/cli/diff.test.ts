import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { renderResultsJson } from '../../src/report/results-json.js';
import { syntheticRun } from '../report/synthetic-run.js';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

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
    expect((await capture(['diff', baseline, join(baseline, 'results.json')])).code).to.equal(0);
    const junit = join(dir, 'diff.xml');
    const html = join(dir, 'diff.html');
    const r = await capture(['diff', baseline, join(dir, 'regressed.json'), '--format', 'markdown', '--junit', junit, '--html', html]);
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
      const r = await capture(argv);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err, argv.join(' ')).to.match(code);
    }
  });
});
