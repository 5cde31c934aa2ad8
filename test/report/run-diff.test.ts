import { expect } from 'chai';
import { renderDiffHtml } from '../../src/report/diff-html.js';
import { renderDiffJunit } from '../../src/report/diff-junit.js';
import { renderDiffMarkdown, renderDiffText } from '../../src/report/diff-text.js';
import type { ScenarioStatus } from '../../src/report/result-model.js';
import { renderResultsJson } from '../../src/report/results-json.js';
import { checkResults, type CheckJson, type ResultsDoc, type ScenarioJson } from '../../src/report/results-reader.js';
import { diffRuns } from '../../src/report/run-diff.js';
import { syntheticRun } from './synthetic-run.js';
import { childrenNamed, readXml } from './xml-reader.js';

const check = (name: string, observed: number | null, over: Partial<CheckJson> = {}): CheckJson => ({
  name, expected: 10, observed, tolerance: 0.5, unit: 's', pass: observed !== null && Math.abs(observed - 10) <= 0.5, detail: null, ...over,
});

const scenario = (id: string, status: ScenarioStatus, checks: CheckJson[] = [], reason: string | null = null): ScenarioJson => ({
  id, suite: id.split('/')[0]!, title: `title of ${id}`, status, reason, startedAt: '2026-12-06T12:00:00.000Z', durationMs: 1000, checks,
  expectedWindows: [], timeline: [], notes: [], daemonLogs: [], files: null,
});

/** A results.json of the given scenarios, built by the real writer and read back by the real reader. */
function run(scenarios: ScenarioJson[], dutVersion = '1.0'): ResultsDoc {
  const doc = JSON.parse(renderResultsJson({ ...syntheticRun(), suites: [] }));
  doc.history = { profileHash: 'sha256:00', dutVersion: { value: dutVersion, source: 'profile' }, suitesRevision: null, suitesDirty: null };
  doc.suites = [{ name: 's', file: 'suites/s.yaml', scenarios }];
  return checkResults(doc, 'test');
}

describe('report: run diff', () => {
  const baseline = run([
    scenario('s/steady', 'passed', [check('interval', 10.1)]),
    scenario('s/breaks', 'passed', [check('interval', 10.0)]),
    scenario('s/heals', 'failed', [check('interval', 12)]),
    scenario('s/drifts', 'passed', [check('interval', 9.7)]),
    scenario('s/vanishes', 'passed', [check('delete', 10)]),
    scenario('s/skip', 'skipped', [], 'no raw socket'),
    scenario('s/gone', 'passed'),
    scenario('s/seq', 'passed', [check('ACK echoes sequence number', 1234, { expected: 1234, tolerance: null, unit: null, pass: true })]),
  ]);
  const candidate = run([
    scenario('s/steady', 'passed', [check('interval', 10.2)]),
    scenario('s/breaks', 'failed', [check('interval', 11)]),
    scenario('s/heals', 'passed', [check('interval', 10)]),
    scenario('s/drifts', 'passed', [check('interval', 10.4)]),
    scenario('s/vanishes', 'failed', [check('delete', null)]),
    scenario('s/skip', 'skipped', [], 'profile lists one peer'),
    scenario('s/new-bad', 'error', [], 'ERR_DUT_REFUSED: no proposal chosen'),
    scenario('s/new-good', 'passed'),
    // A sequence number is drawn per run: only its deviation from the expectation counts.
    scenario('s/seq', 'passed', [check('ACK echoes sequence number', 987654, { expected: 987654, tolerance: null, unit: null, pass: true })]),
  ], '2.0');
  const diff = diffRuns(baseline, candidate);
  const byId = (id: string) => diff.scenarios.find((s) => s.id === id)!;

  it('classifies verdict changes: regressed, fixed, new, gone, skip reason changed', () => {
    expect(byId('s/breaks').change).to.equal('regressed');
    expect(byId('s/heals').change).to.equal('fixed');
    expect(byId('s/new-bad').change).to.equal('new');
    expect(byId('s/gone').change).to.equal('gone');
    expect(byId('s/skip').change).to.equal('reason-changed');
    expect(byId('s/steady').change).to.equal('unchanged');
  });

  it('regressions: good → bad, a new bad scenario, a vanished observation, drift past the tolerance; not a fix, a gone or a skip', () => {
    const regressed = diff.scenarios.filter((s) => s.regressions.length > 0).map((s) => s.id);
    expect(regressed).to.deep.equal(['s/breaks', 's/drifts', 's/vanishes', 's/new-bad']);
    expect(byId('s/drifts').checks[0]).to.deep.include({ baseline: 9.7, candidate: 10.4, threshold: 0.5 });
    expect(byId('s/drifts').checks[0]!.drift).to.be.closeTo(0.7, 1e-9);
    expect(byId('s/vanishes').regressions.join()).to.match(/check now fails/);
    expect(byId('s/seq').regressions).to.deep.equal([]);
    expect(diff.regressionCount).to.equal(4);
  });

  it('--threshold replaces the tolerance for timings: tighter flags the steady 0.1 s drift, looser lets the 0.7 s one pass', () => {
    expect(diffRuns(baseline, candidate, { threshold: 0.05 }).scenarios.find((s) => s.id === 's/steady')!.regressions).to.have.length(1);
    expect(diffRuns(baseline, candidate, { threshold: 1 }).scenarios.find((s) => s.id === 's/drifts')!.regressions).to.deep.equal([]);
  });

  it('names what differs between the runs themselves', () => {
    expect(diff.history).to.deep.equal([{ field: 'DUT version', baseline: '1.0', candidate: '2.0' }]);
    expect(diffRuns(baseline, baseline)).to.deep.include({ regressionCount: 0, history: [] });
  });

  it('text and Markdown list each regression; JUnit has one failure per regressed scenario', () => {
    const names = { baseline: 'old', candidate: 'new' };
    const text = renderDiffText(diff, names);
    expect(text).to.match(/✗ s\/breaks: REGRESSED \(passed → failed\)/).and.match(/4 regressed scenario\(s\) of 10/);
    expect(text).to.match(/s\/skip: skip reason changed .*\n\s+reason: no raw socket → profile lists one peer/);
    expect(text).to.not.match(/s\/steady/);
    const md = renderDiffMarkdown(diff, names);
    expect(md).to.match(/^### dpd-harness diff: ❌/).and.match(/\| ❌ \| `s\/drifts` \|/).and.match(/\| DUT version \| 1\.0 \| 2\.0 \|/);
    const cases = childrenNamed(readXml(renderDiffJunit(diff)), 'testsuite').flatMap((suite) => childrenNamed(suite, 'testcase'));
    expect(cases).to.have.length(diff.scenarios.length);
    expect(cases.filter((c) => childrenNamed(c, 'failure').length > 0)).to.have.length(4);
  });

  it('the HTML page shows both sides of each changed scenario and escapes what the runs carry', () => {
    const html = renderDiffHtml(diff, { baseline: '<old>', candidate: 'new' });
    expect(html).to.include('&lt;old&gt;').and.not.include('<old>');
    expect(html.match(/<section class="scenario/g)).to.have.length(diff.scenarios.filter((s) => s.change !== 'unchanged' || s.regressions.length > 0).length);
    expect(html).to.include('not in this run');
  });
});

describe('report: results reader', () => {
  it('refuses what is not a results.json (ERR_RESULTS_FORMAT) and another schema version (ERR_RESULTS_VERSION)', () => {
    expect(() => checkResults({ hello: 1 }, 'x')).to.throw().with.property('code', 'ERR_RESULTS_FORMAT');
    expect(() => checkResults([], 'x')).to.throw().with.property('code', 'ERR_RESULTS_FORMAT');
    const doc = JSON.parse(renderResultsJson(syntheticRun()));
    expect(() => checkResults({ ...doc, schemaVersion: 99 }, 'x')).to.throw().with.property('code', 'ERR_RESULTS_VERSION');
    doc.suites[0].scenarios[0].status = 'sideways';
    expect(() => checkResults(doc, 'x')).to.throw(/unknown status/).with.property('code', 'ERR_RESULTS_FORMAT');
  });

  it('reads a file without history (older than the field) with history null', () => {
    const { history: _h, ...old } = JSON.parse(renderResultsJson(syntheticRun()));
    expect(checkResults(old, 'x').history).to.equal(null);
  });
});
