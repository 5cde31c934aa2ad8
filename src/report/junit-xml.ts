/**
 * junit.xml in the shape Jenkins, GitLab and GitHub test reporters ingest: a
 * testsuite per suite, a testcase per scenario (classname = suite). Status
 * mapping (docs/reports.md): failed and unexpected-pass are <failure>,
 * interrupted is <error>, skipped is <skipped>, and expected-fail counts as
 * passed with a <system-out> note, because CI must stay green on a deviation
 * the profile declares.
 */
import { checkLine } from './check-text.js';
import { escapeAttribute, escapeMarkup } from './markup-escape.js';
import type { RunReport, ScenarioResult, SuiteResult } from './result-model.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

const isoTime = (wallMs: number): string => new Date(wallMs).toISOString().replace(/\.\d{3}Z$/, '');

function tally(scenarios: readonly ScenarioResult[]): { tests: number; failures: number; errors: number; skipped: number; ms: number } {
  const count = (pred: (s: ScenarioResult) => boolean): number => scenarios.filter(pred).length;
  return {
    tests: scenarios.length,
    failures: count((s) => s.status === 'failed' || s.status === 'unexpected-pass'),
    errors: count((s) => s.status === 'interrupted' || s.status === 'error'),
    skipped: count((s) => s.status === 'skipped'),
    ms: scenarios.reduce((n, s) => n + s.durationMs, 0),
  };
}

function failureText(s: ScenarioResult): string {
  const failed = s.checks.filter((c) => !c.pass);
  const lines = failed.map(checkLine);
  if (s.reason) lines.unshift(s.reason);
  return lines.join('\n');
}

function outcome(s: ScenarioResult): string {
  switch (s.status) {
    case 'passed':
      return '';
    case 'failed': {
      const first = s.checks.find((c) => !c.pass);
      const message = first ? checkLine(first) : (s.reason ?? 'failed');
      return `      <failure type="check-failed" message="${escapeAttribute(message)}">${escapeMarkup(failureText(s) || message)}</failure>\n`;
    }
    case 'unexpected-pass': {
      const message = `passed, but the profile declares it fails on this device${s.reason ? `: ${s.reason}` : ''}`;
      return `      <failure type="unexpected-pass" message="${escapeAttribute(message)}">${escapeMarkup(message)}</failure>\n`;
    }
    case 'interrupted': {
      const message = s.reason ?? 'run interrupted before the scenario finished';
      return `      <error type="interrupted" message="${escapeAttribute(message)}">${escapeMarkup(failureText(s) || message)}</error>\n`;
    }
    case 'error': {
      // JUnit's own split: <error> for a test that could not run, <failure> for a check that failed.
      const code = /^(ERR_[A-Z_]+)/.exec(s.reason ?? '')?.[1] ?? 'setup-error';
      const message = s.reason?.split('\n')[0] ?? 'set-up error';
      return `      <error type="${escapeAttribute(code)}" message="${escapeAttribute(message)}">${escapeMarkup(failureText(s) || message)}</error>\n`;
    }
    case 'skipped':
      return `      <skipped message="${escapeAttribute(s.reason ?? 'skipped')}"/>\n`;
    case 'expected-fail': {
      const text = [`expected-fail: the profile declares this scenario fails on this device${s.reason ? `: ${s.reason}` : ''}`, ...s.checks.filter((c) => !c.pass).map(checkLine)].join('\n');
      return `      <system-out>${escapeMarkup(text)}</system-out>\n`;
    }
  }
}

function testcase(suite: SuiteResult, s: ScenarioResult): string {
  const attrs = `classname="${escapeAttribute(suite.name)}" name="${escapeAttribute(s.title)}" time="${seconds(s.durationMs)}"${suite.file ? ` file="${escapeAttribute(suite.file)}"` : ''}`;
  const body = outcome(s);
  return body === '' ? `    <testcase ${attrs}/>\n` : `    <testcase ${attrs}>\n${body}    </testcase>\n`;
}

function testsuite(report: RunReport, suite: SuiteResult, index: number): string {
  const t = tally(suite.scenarios);
  const timestamp = suite.scenarios.length > 0 ? Math.min(...suite.scenarios.map((s) => s.startedWallMs)) : report.startedWallMs;
  const attrs = [
    `name="${escapeAttribute(suite.name)}"`,
    `id="${index}"`,
    `tests="${t.tests}"`,
    `failures="${t.failures}"`,
    `errors="${t.errors}"`,
    `skipped="${t.skipped}"`,
    `time="${seconds(t.ms)}"`,
    `timestamp="${isoTime(timestamp)}"`,
    ...(suite.file ? [`file="${escapeAttribute(suite.file)}"`] : []),
  ].join(' ');
  const p = report.profile;
  const properties = [
    ['profile', `${p.vendor} ${p.product} ${p.version}`],
    ['target', p.target],
    ['data-plane', report.dataPlane],
    ['tool-version', report.toolVersion],
  ]
    .map(([name, value]) => `      <property name="${escapeAttribute(name)}" value="${escapeAttribute(value)}"/>\n`)
    .join('');
  return `  <testsuite ${attrs}>\n    <properties>\n${properties}    </properties>\n${suite.scenarios.map((s) => testcase(suite, s)).join('')}  </testsuite>\n`;
}

export function renderJunitXml(report: RunReport): string {
  const all = tally(report.suites.flatMap((s) => s.scenarios));
  // While the run is going (or after a crash) there is no finish time: the scenarios' own time is the best figure.
  const wallMs = report.finishedWallMs === undefined ? all.ms : report.finishedWallMs - report.startedWallMs;
  const attrs = `name="dpd-harness" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" time="${seconds(wallMs)}" timestamp="${isoTime(report.startedWallMs)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs}>\n${report.suites.map((s, i) => testsuite(report, s, i)).join('')}</testsuites>\n`;
}
