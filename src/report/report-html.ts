/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no
 * fonts or images fetched) that a network engineer can open from a CI artifact
 * or mail around. Summary first, then each scenario with its checks, timeline,
 * message list and the DUT's daemon logs. Derived IKE keys are not shown here
 * (they live in the .ikev1-keys files and README.md).
 */
import { formatNumber, formatObserved, formatTolerance, formatValue } from './check-text.js';
import { escapeAttribute, escapeMarkup as esc } from './markup-escape.js';
import { formatEndpoint, kindLabel, messageTimeline } from './message-timeline.js';
import { countByStatus, type RunReport, type ScenarioResult, type ScenarioStatus, SCENARIO_STATUSES, secondsSinceStart } from './result-model.js';
import { daemonLogsOf, scenarioNotes } from './scenario-annotations.js';
import { scenarioArtifacts } from './scenario-artifacts.js';
import { KIND_COLOURS, renderTimelineSvg, timelineViewOf } from './timeline-svg.js';

const STATUS_LABELS: Record<ScenarioStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  error: 'set-up error',
  'expected-fail': 'expected fail',
  'unexpected-pass': 'unexpected pass',
  skipped: 'skipped',
  interrupted: 'interrupted',
};

/** The page's CSS, timeline diagram included: shared with the diff page. */
export const REPORT_STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;
--passed:#1a7f37;--failed:#cf222e;--error:#953800;--expected-fail:#8250df;--unexpected-pass:#bc4c00;--skipped:#6e7781;--interrupted:#9a6700}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
header.run{background:#24292f;color:#fff;padding:18px 32px}
header.run h1{margin:0 0 6px;font-size:20px;font-weight:600}
header.run dl{display:flex;flex-wrap:wrap;gap:4px 28px;margin:0}
header.run dt{color:#afb8c1;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
header.run dd{margin:0;font-weight:500}
header.run dl>div{display:flex;flex-direction:column}
main{max-width:1200px;margin:0 auto;padding:20px 32px 48px}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:10px 14px;margin-bottom:16px}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 18px}
.count{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--c);border-radius:6px;padding:8px 14px;min-width:120px}
.count b{display:block;font-size:22px;line-height:1.1}
.count span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.count.zero{opacity:.55}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:top}
th{background:var(--bg);font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.index{border:1px solid var(--line);border-radius:6px;margin-bottom:24px}
table.index a{color:var(--fg);text-decoration:none}
table.index a:hover{text-decoration:underline}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff;background:var(--c);white-space:nowrap}
.s-passed{--c:var(--passed)}.s-failed{--c:var(--failed)}.s-error{--c:var(--error)}.s-expected-fail{--c:var(--expected-fail)}
.s-unexpected-pass{--c:var(--unexpected-pass)}.s-skipped{--c:var(--skipped)}.s-interrupted{--c:var(--interrupted)}
h2.suite{font-size:16px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h2.suite small{color:var(--muted);font-weight:400;margin-left:8px}
section.scenario{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--c);border-radius:6px;padding:14px 18px;margin:0 0 16px}
section.scenario h3{margin:0;font-size:16px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.meta{color:var(--muted);font-size:12.5px;margin:4px 0 10px}
.meta a{color:inherit}
.reason{margin:6px 0 10px;padding:6px 10px;background:var(--bg);border-radius:4px}
h4{margin:14px 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
table.checks th:first-child{width:40%}
table.checks td.verdict{font-weight:700;white-space:nowrap}
table.checks tr.fail td{background:#ffebe9}
table.checks tr.fail td.verdict{color:var(--failed)}
table.checks tr.pass td.verdict{color:var(--passed)}
.detail{color:var(--muted);font-size:12.5px}
table.msgs td:not(:last-child){white-space:nowrap}
details{margin:8px 0}
summary{cursor:pointer;color:#0969da;font-weight:500}
pre.log{background:#0d1117;color:#e6edf3;padding:10px 12px;border-radius:6px;overflow:auto;max-height:420px;margin:6px 0 0;white-space:pre}
pre.log .t{color:#7d8590}
.none{color:var(--muted);font-style:italic}
svg.timeline{display:block;background:var(--card);border:1px solid var(--line);border-radius:6px;margin-top:4px}
svg .lane{fill:#fbfcfd}svg .lane-alt{fill:#f3f5f7}
svg .lane-label{font:600 12px system-ui,sans-serif;fill:#424a53}
svg .band{fill:#54aeff;fill-opacity:.16;stroke:#54aeff;stroke-opacity:.55;stroke-dasharray:3 2}
svg .band-tick{stroke:#54aeff;stroke-opacity:.6}
svg .band-label{font:11px system-ui,sans-serif;fill:#0a3069}
svg .axis{stroke:#57606a}svg .grid{stroke:#d8dee4;stroke-width:1}
svg .tick{font:11px system-ui,sans-serif;fill:#57606a}
svg .msg-label{font:600 11px system-ui,sans-serif}
svg .mark path{fill:#57606a}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);margin:6px 0 0}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
.legend i.band{border-radius:2px;background:rgba(84,174,255,.25);border:1px dashed #54aeff}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:32px}
@media print{details{display:block}body{background:#fff}}
`;

const anchor = (s: ScenarioResult): string => `scenario-${s.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

const time = (wallMs: number): string => new Date(wallMs).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');

export function statusPill(status: ScenarioStatus): string {
  return `<span class="pill s-${status}">${STATUS_LABELS[status]}</span>`;
}

function header(report: RunReport): string {
  const p = report.profile;
  const items: [string, string][] = [
    ['device', `${p.vendor} ${p.product} ${p.version}`],
    ['target', p.target],
    ['data plane', report.dataPlane],
    ['started', time(report.startedWallMs)],
    ['duration', report.finishedWallMs === undefined ? 'still running' : `${formatNumber((report.finishedWallMs - report.startedWallMs) / 1000)} s`],
    ['dpd-harness', report.toolVersion],
  ];
  if (p.file) items.push(['profile', p.file]);
  const dl = items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('');
  return `<header class="run"><h1>DPD conformance report</h1><dl>${dl}</dl></header>`;
}

function summary(report: RunReport): string {
  const counts = countByStatus(report);
  const total = report.suites.reduce((n, s) => n + s.scenarios.length, 0);
  const cards = [`<div class="count" style="--c:#24292f"><b>${total}</b><span>scenarios</span></div>`]
    .concat(SCENARIO_STATUSES.map((s) => `<div class="count s-${s}${counts[s] === 0 ? ' zero' : ''}"><b>${counts[s]}</b><span>${STATUS_LABELS[s]}</span></div>`))
    .join('');
  const banner = report.interrupted ? '<div class="banner"><b>Run interrupted.</b> This report covers the scenarios that finished before the interruption.</div>' : '';
  const rows = report.suites
    .flatMap((suite) =>
      suite.scenarios.map(
        (s) =>
          `<tr><td>${statusPill(s.status)}</td><td>${esc(suite.name)}</td><td><a href="#${anchor(s)}">${esc(s.title)}</a></td>` +
          `<td class="num">${s.checks.filter((c) => c.pass).length}/${s.checks.length}</td><td class="num">${formatNumber(s.durationMs / 1000)} s</td></tr>`,
      ),
    )
    .join('');
  const index = rows === '' ? '<p class="none">No scenario finished.</p>' : `<table class="index"><thead><tr><th>status</th><th>suite</th><th>scenario</th><th>checks passed</th><th>duration</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `${banner}<div class="counts">${cards}</div>${index}`;
}

function checksTable(s: ScenarioResult): string {
  if (s.checks.length === 0) return '<p class="none">No checks recorded.</p>';
  const rows = s.checks
    .map(
      (c) =>
        `<tr class="check ${c.pass ? 'pass' : 'fail'}"><td>${esc(c.name)}${c.detail ? `<div class="detail">${esc(c.detail)}</div>` : ''}</td>` +
        `<td class="num">${esc(formatValue(c.expected, c.unit))}</td><td class="num">${esc(formatObserved(c))}</td><td class="num">${c.tolerance === undefined ? '' : `± ${esc(formatTolerance(c))}`}</td>` +
        `<td class="verdict">${c.pass ? '✓ pass' : '✗ fail'}</td></tr>`,
    )
    .join('');
  return `<table class="checks"><thead><tr><th>check</th><th>expected</th><th>observed</th><th>tolerance</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The key under a timeline diagram. */
export function timelineLegend(): string {
  const kinds = ['r-u-there', 'r-u-there-ack', 'delete', 'main-mode', 'quick-mode', 'informational'] as const;
  const items = kinds.map((k) => `<span><i style="background:${KIND_COLOURS[k]}"></i>${esc(kindLabel(k))}</span>`);
  items.push('<span><i class="band"></i>expected window</span>', '<span>○ hollow: rejected by the fake peer</span>', '<span>▲ runner mark</span>');
  return `<div class="legend">${items.join('')}</div>`;
}

function messagesTable(s: ScenarioResult): string {
  const messages = messageTimeline(s);
  if (messages.length === 0) return '';
  const rows = messages
    .map((m) => {
      const [from, to] = m.direction === 'in' ? [m.peer, m.local] : [m.local, m.peer];
      const note = [m.rejected ? `rejected ${m.rejected.code}: ${m.rejected.message}` : '', m.behaviour ? `behaviour: ${m.behaviour}` : ''].filter(Boolean).join('; ');
      return (
        `<tr><td class="num">${m.t.toFixed(3)}</td><td>${m.direction === 'in' ? 'DUT → peer' : 'peer → DUT'}</td><td class="mono">${esc(formatEndpoint(from))} → ${esc(formatEndpoint(to))}</td>` +
        `<td>${esc(m.exchange ?? '?')}</td><td>${esc(m.label)}</td><td class="num">${m.seq ?? ''}</td><td class="mono">${esc(m.messageId ?? '')}</td><td class="num">${m.bytes}</td><td>${esc(note)}</td></tr>`
      );
    })
    .join('');
  return (
    `<details class="messages"><summary>Messages (${messages.length})</summary><table class="msgs"><thead><tr><th>t (s)</th><th>direction</th><th>from → to</th><th>exchange</th><th>message</th><th>seq</th><th>message ID</th><th>bytes</th><th>note</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></details>`
  );
}

function notesList(s: ScenarioResult): string {
  const notes = scenarioNotes(s);
  if (notes.length === 0) return '';
  const lines = notes.map((n) => `<span class="t">+${n.t.toFixed(3)}</span> ${esc(n.text)}`).join('\n');
  return `<details class="notes"><summary>Runner and SA events (${notes.length})</summary><pre class="log">${lines}</pre></details>`;
}

function daemonLogs(s: ScenarioResult): string {
  return daemonLogsOf(s)
    .map((d) => {
      const lines = d.lines.map((l) => `<span class="t">${secondsSinceStart(s, l.t).toFixed(3).padStart(9)}</span> ${esc(l.line)}`).join('\n');
      return `<details class="daemon-log"><summary>${esc(d.daemon)} log (${d.lines.length} lines)</summary><pre class="log">${lines}</pre></details>`;
    })
    .join('');
}

/** Each scenario's section, rendered once (see results-json.ts: the writer re-renders after every scenario). */
const renderedSections = new WeakMap<ScenarioResult, string>();

function scenarioSection(s: ScenarioResult): string {
  let html = renderedSections.get(s);
  if (html === undefined) renderedSections.set(s, (html = renderSection(s)));
  return html;
}

function renderSection(s: ScenarioResult): string {
  const a = scenarioArtifacts(s);
  const files = a ? ` · <a href="${escapeAttribute(a.pcap)}">${esc(a.pcap)}</a> · <a href="${escapeAttribute(a.keys)}">${esc(a.keys)}</a> (decrypt: see README.md)` : '';
  const reason = s.reason ? `<div class="reason">${esc(s.reason)}</div>` : '';
  const hasTimeline = s.events.some((e) => e.type === 'datagram') || (s.expectedWindows?.length ?? 0) > 0;
  const timeline = hasTimeline ? `<h4>Timeline</h4>${renderTimelineSvg(timelineViewOf(s))}${timelineLegend()}` : '';
  return (
    `<section class="scenario s-${s.status}" id="${anchor(s)}"><h3>${statusPill(s.status)}<span class="title">${esc(s.title)}</span></h3>` +
    `<div class="meta">${esc(s.id)} · started ${esc(time(s.startedWallMs))} · ${formatNumber(s.durationMs / 1000)} s${files}</div>${reason}` +
    `<h4>Checks</h4>${checksTable(s)}${timeline}${messagesTable(s)}${notesList(s)}${daemonLogs(s)}</section>`
  );
}

/** report.html as pieces in file order: the head, each suite's heading and its scenarios' kept sections, the foot. */
export function renderReportHtmlChunks(report: RunReport): string[] {
  const title = `dpd-harness: ${report.profile.vendor} ${report.profile.product} ${report.profile.version}`;
  return [
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
      `<title>${esc(title)}</title><style>${REPORT_STYLE}</style></head>\n<body>${header(report)}<main>${summary(report)}`,
    ...report.suites.flatMap((suite) => [
      `<h2 class="suite">${esc(suite.name)}${suite.file ? `<small class="mono">${esc(suite.file)}</small>` : ''}</h2>`,
      ...suite.scenarios.map(scenarioSection),
    ]),
    `<footer>Generated by dpd-harness ${esc(report.toolVersion)}. Times on timelines are seconds since each scenario's start.</footer></main></body></html>\n`,
  ];
}

export function renderReportHtml(report: RunReport): string {
  return renderReportHtmlChunks(report).join('');
}
