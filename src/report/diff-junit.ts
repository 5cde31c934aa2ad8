/**
 * A run diff as JUnit XML, so a CI that shows test results shows the upgrade
 * check the same way: one testcase per scenario compared, grouped by suite,
 * each regression a <failure> listing why; a scenario that is gone is skipped.
 */
import { escapeAttribute, escapeMarkup } from './markup-escape.js';
import type { RunDiff, ScenarioDiff } from './run-diff.js';

function testcase(s: ScenarioDiff): string {
  const attrs = `classname="diff.${escapeAttribute(s.suite)}" name="${escapeAttribute(s.title)}"`;
  const verdict = `${s.baseline?.status ?? 'new'} → ${s.candidate?.status ?? 'gone'}`;
  if (s.regressions.length > 0) {
    return `    <testcase ${attrs}>\n      <failure message="${escapeAttribute(`${s.id}: ${s.regressions[0]}`)}" type="regression">${escapeMarkup([`${s.id} (${verdict})`, ...s.regressions].join('\n'))}</failure>\n    </testcase>\n`;
  }
  if (s.change === 'gone') return `    <testcase ${attrs}>\n      <skipped message="${escapeAttribute(`${s.id}: not in the candidate run`)}"/>\n    </testcase>\n`;
  return `    <testcase ${attrs}>\n      <system-out>${escapeMarkup(`${s.id} (${verdict})`)}</system-out>\n    </testcase>\n`;
}

export function renderDiffJunit(diff: RunDiff): string {
  const suites = [...new Set(diff.scenarios.map((s) => s.suite))];
  const body = suites
    .map((name) => {
      const cases = diff.scenarios.filter((s) => s.suite === name);
      const failures = cases.filter((s) => s.regressions.length > 0).length;
      const skipped = cases.filter((s) => s.regressions.length === 0 && s.change === 'gone').length;
      return `  <testsuite name="diff.${escapeAttribute(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.map(testcase).join('')}  </testsuite>\n`;
    })
    .join('');
  const skippedAll = diff.scenarios.filter((s) => s.regressions.length === 0 && s.change === 'gone').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dpd-harness diff" tests="${diff.scenarios.length}" failures="${diff.regressionCount}" errors="0" skipped="${skippedAll}">\n${body}</testsuites>\n`;
}
