/**
 * A run diff as one self-contained page (same rules as report.html: inline
 * CSS and SVG, nothing fetched): what differs between the runs, then every
 * changed scenario with its moved checks and its two timelines side by side,
 * drawn by report.html's own timeline renderer from the results.json rows.
 */
import { formatNumber } from './check-text.js';
import { escapeMarkup as esc } from './markup-escape.js';
import { REPORT_STYLE, statusPill, timelineLegend } from './report-html.js';
import type { ScenarioJson } from './results-reader.js';
import { changedScenarios, type RunDiff, type ScenarioDiff } from './run-diff.js';
import { renderTimelineSvg } from './timeline-svg.js';

const STYLE = `${REPORT_STYLE}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.sides h5{margin:6px 0 2px;font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
td.regression{color:var(--failed);font-weight:600}
`;

function side(label: string, s: ScenarioJson | null): string {
  if (!s) return `<div><h5>${esc(label)}</h5><p class="none">not in this run</p></div>`;
  const view = { messages: s.timeline, windows: s.expectedWindows, marks: s.notes.filter((n) => n.kind === 'mark'), durationS: s.durationMs / 1000 };
  const reason = s.reason ? `<div class="reason">${esc(s.reason)}</div>` : '';
  return `<div><h5>${esc(label)} ${statusPill(s.status)}</h5>${reason}${renderTimelineSvg(view)}</div>`;
}

const value = (v: number | string | null, unit: string | null): string => (v === null ? 'nothing observed' : typeof v === 'number' ? `${formatNumber(v)}${unit ? ` ${unit}` : ''}` : v);

function checksTable(s: ScenarioDiff): string {
  if (s.checks.length === 0) return '';
  const rows = s.checks
    .map((c) => `<tr><td>${esc(c.name)}</td><td class="num">${esc(value(c.baseline, c.unit))}</td><td class="num">${esc(value(c.candidate, c.unit))}</td>` +
      `<td class="num">${c.drift === null ? '' : esc(`${c.drift >= 0 ? '+' : ''}${formatNumber(c.drift)}`)}</td><td class="num">${esc(formatNumber(c.threshold))}</td>` +
      `<td class="${c.regression ? 'regression' : ''}">${esc(c.regression ?? (c.candidatePass ? 'pass' : 'fail'))}</td></tr>`)
    .join('');
  return `<table class="checks"><thead><tr><th>check</th><th>baseline</th><th>candidate</th><th>drift</th><th>threshold</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function scenarioSection(s: ScenarioDiff): string {
  const status = s.regressions.length > 0 ? 'failed' : 'passed';
  const why = s.regressions.length > 0 ? `<div class="reason">${s.regressions.map(esc).join('<br>')}</div>` : '';
  return `<section class="scenario s-${status}"><h3><span class="title">${esc(s.title)}</span></h3><div class="meta">${esc(s.id)} · ${esc(s.change)}</div>${why}` +
    `${checksTable(s)}<div class="sides">${side('baseline', s.baseline)}${side('candidate', s.candidate)}</div>${timelineLegend()}</section>`;
}

export function renderDiffHtml(diff: RunDiff, names: { baseline: string; candidate: string }): string {
  const history = diff.history.length === 0 ? '' : `<table class="index"><thead><tr><th></th><th>baseline</th><th>candidate</th></tr></thead><tbody>${diff.history.map((h) => `<tr><td>${esc(h.field)}</td><td class="mono">${esc(h.baseline)}</td><td class="mono">${esc(h.candidate)}</td></tr>`).join('')}</tbody></table>`;
  const changed = changedScenarios(diff);
  const headline = diff.regressionCount === 0 ? `No regression: ${changed.length} of ${diff.scenarios.length} scenarios changed` : `${diff.regressionCount} regressed scenario(s) of ${diff.scenarios.length}`;
  const sections = changed.length === 0 ? '<p class="none">No scenario changed.</p>' : changed.map(scenarioSection).join('');
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>dpd-harness diff</title><style>${STYLE}</style></head>\n<body><header class="run"><h1>DPD run comparison</h1><dl>` +
    `<div><dt>baseline</dt><dd>${esc(names.baseline)}</dd></div><div><dt>candidate</dt><dd>${esc(names.candidate)}</dd></div></dl></header>` +
    `<main><div class="banner"><b>${esc(headline)}</b></div>${history}${sections}</main></body></html>\n`
  );
}
