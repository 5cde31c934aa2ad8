import { expect } from 'chai';
import { ikev1Keys } from '../../src/report/ikev1-key-table.js';
import { reportFromResults } from '../../src/report/report-from-results.js';
import { renderResultsJson } from '../../src/report/results-json.js';
import { checkResults, type ResultsDoc } from '../../src/report/results-reader.js';
import { mergeRuns } from '../../src/report/run-merge.js';
import { renderJunitXml } from '../../src/report/junit-xml.js';
import { renderReportHtml } from '../../src/report/report-html.js';
import { renderReportReadme } from '../../src/report/report-readme.js';
import { syntheticRun } from './synthetic-run.js';

const history = { profileHash: 'sha256:11', dutVersion: { value: 'strongSwan 5.9.8', source: 'daemon' as const }, suitesRevision: 'abc', suitesDirty: false };

describe('report: a results.json read back and merged', () => {
  const run = { ...syntheticRun(), history };
  const doc = checkResults(JSON.parse(renderResultsJson(run)), 'synthetic');
  const keys = new Map(run.suites.flatMap((s) => s.scenarios).map((s) => [s.id, ikev1Keys(s)]));
  const rebuilt = reportFromResults(doc, (s) => ({ ikev1: keys.get(s.id) ?? [], ikev2: [] }));

  it('rebuilds a report that renders to the same results.json, junit.xml, report.html and README.md as the live one', () => {
    expect(renderResultsJson(rebuilt)).to.equal(renderResultsJson(run));
    expect(renderJunitXml(rebuilt)).to.equal(renderJunitXml(run));
    expect(renderReportReadme(rebuilt)).to.equal(renderReportReadme(run));
    expect(renderReportHtml(rebuilt)).to.equal(renderReportHtml(run));
  });

  /** Shard i of n of the synthetic run: every n-th scenario. */
  const shard = (index: number, count: number): ResultsDoc => ({
    ...doc,
    shard: { index, count },
    suites: doc.suites.map((s) => ({ ...s, scenarios: s.scenarios.filter((_, i) => i % count === index - 1) })).filter((s) => s.scenarios.length > 0),
  });

  it('merges shards back into every scenario once, the plan’s suites in file order, shard cleared', () => {
    const merged = mergeRuns([{ doc: shard(2, 2), name: 'b' }, { doc: shard(1, 2), name: 'a' }]);
    const ids = (d: ResultsDoc) => d.suites.flatMap((s) => s.scenarios.map((x) => x.id)).sort();
    expect(ids(merged)).to.deep.equal(ids(doc));
    expect(merged.shard).to.equal(null);
    expect(merged.suites.map((s) => s.file)).to.deep.equal([...merged.suites.map((s) => s.file)].sort());
  });

  it('refuses a missing or repeated shard, a scenario twice, and runs of another DUT version or profile (ERR_RESULTS_MERGE)', () => {
    const other = (change: (d: ResultsDoc) => ResultsDoc) => () => mergeRuns([{ doc: shard(1, 2), name: 'a' }, { doc: change(shard(2, 2)), name: 'b' }]);
    expect(() => mergeRuns([{ doc: shard(1, 3), name: 'a' }, { doc: shard(3, 3), name: 'c' }])).to.throw(/2\/3 missing/).with.property('code', 'ERR_RESULTS_MERGE');
    expect(() => mergeRuns([{ doc: shard(1, 2), name: 'a' }, { doc: shard(1, 2), name: 'b' }])).to.throw(/given twice/).with.property('code', 'ERR_RESULTS_MERGE');
    expect(() => mergeRuns([{ doc, name: 'a' }, { doc, name: 'b' }])).to.throw(/in both a and b/).with.property('code', 'ERR_RESULTS_MERGE');
    expect(other((d) => ({ ...d, history: { ...history, dutVersion: { value: 'strongSwan 6.0.0', source: 'daemon' } } }))).to.throw(/DUT version/).with.property('code', 'ERR_RESULTS_MERGE');
    expect(other((d) => ({ ...d, history: { ...history, profileHash: 'sha256:22' } }))).to.throw(/profile/).with.property('code', 'ERR_RESULTS_MERGE');
    expect(other((d) => ({ ...d, shard: null }))).to.throw(/whole run/).with.property('code', 'ERR_RESULTS_MERGE');
  });
});
