/**
 * A run diff as text: plain for the terminal, Markdown for a merge-request
 * comment. Both list the same things in the same order — what differs between
 * the runs, then each changed scenario with its verdict and moved numbers.
 */
import { formatNumber } from './check-text.js';
import { changedScenarios, type CheckDrift, type RunDiff, type ScenarioDiff } from './run-diff.js';

const CHANGE_WORDS: Record<ScenarioDiff['change'], string> = {
  unchanged: 'same verdict',
  regressed: 'REGRESSED',
  fixed: 'fixed',
  changed: 'verdict changed',
  'reason-changed': 'skip reason changed',
  new: 'new',
  gone: 'gone',
};

const value = (v: number | string | null, unit: string | null): string => (v === null ? 'nothing' : typeof v === 'number' ? `${formatNumber(v)}${unit ? ` ${unit}` : ''}` : v);

function verdict(s: ScenarioDiff): string {
  const b = s.baseline ? s.baseline.status : '—';
  const c = s.candidate ? s.candidate.status : '—';
  return `${b} → ${c}`;
}

function driftText(c: CheckDrift): string {
  const moved = c.drift === null ? '' : ` (${c.drift >= 0 ? '+' : ''}${formatNumber(c.drift)}${c.unit ? ` ${c.unit}` : ''}, threshold ${formatNumber(c.threshold)})`;
  return `${c.name}: ${value(c.baseline, c.unit)} → ${value(c.candidate, c.unit)}${moved}`;
}

/** Checks worth a line: regressed or changed verdict (report.html of each run has the rest; the --html page every check). */
const shownChecks = (s: ScenarioDiff): CheckDrift[] => s.checks.filter((c) => c.regression !== null || c.basePass !== c.candidatePass);

/** A failed scenario's reason repeats its failing checks; other statuses' reasons say what the checks cannot. */
function reasons(s: ScenarioDiff): string[] {
  if (s.change === 'unchanged' || s.change === 'new' || s.change === 'gone' || s.candidate?.status === 'failed') return [];
  const b = s.baseline?.reason ?? null;
  const c = s.candidate?.reason ?? null;
  return b === c ? [] : [`reason: ${b ?? '—'} → ${c ?? '—'}`];
}

function headline(diff: RunDiff): string {
  const changed = changedScenarios(diff).length;
  return diff.regressionCount === 0
    ? `no regression (${diff.scenarios.length} scenarios, ${changed} changed)`
    : `${diff.regressionCount} regressed scenario(s) of ${diff.scenarios.length} (${changed} changed)`;
}

export function renderDiffText(diff: RunDiff, names: { baseline: string; candidate: string }): string {
  const lines = [`baseline:  ${names.baseline}`, `candidate: ${names.candidate}`];
  for (const h of diff.history) lines.push(`  ${h.field}: ${h.baseline} → ${h.candidate}`);
  lines.push('');
  for (const s of changedScenarios(diff)) {
    lines.push(`${s.regressions.length > 0 ? '✗' : '·'} ${s.id}: ${CHANGE_WORDS[s.change]} (${verdict(s)})`);
    for (const r of reasons(s)) lines.push(`    ${r}`);
    for (const c of shownChecks(s)) lines.push(`    ${c.regression ? '✗' : ' '} ${driftText(c)}`);
  }
  lines.push(headline(diff));
  return `${lines.join('\n')}\n`;
}

/** Markdown table cells: a pipe or a newline would break the row. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderDiffMarkdown(diff: RunDiff, names: { baseline: string; candidate: string }): string {
  const out = [`### dpd-harness diff: ${diff.regressionCount === 0 ? '✅' : '❌'} ${headline(diff)}`, ''];
  out.push(`Baseline \`${cell(names.baseline)}\` → candidate \`${cell(names.candidate)}\``, '');
  if (diff.history.length > 0) {
    out.push('| | baseline | candidate |', '| --- | --- | --- |');
    for (const h of diff.history) out.push(`| ${h.field} | ${cell(h.baseline)} | ${cell(h.candidate)} |`);
    out.push('');
  }
  const changed = changedScenarios(diff);
  if (changed.length > 0) {
    out.push('| | scenario | change | verdict | details |', '| --- | --- | --- | --- | --- |');
    for (const s of changed) {
      const details = [...reasons(s), ...shownChecks(s).map((c) => `${c.regression ? '**' : ''}${driftText(c)}${c.regression ? '**' : ''}`)].map(cell).join('<br>');
      out.push(`| ${s.regressions.length > 0 ? '❌' : 'ℹ️'} | \`${cell(s.id)}\` | ${CHANGE_WORDS[s.change]} | ${verdict(s)} | ${details} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
