/**
 * results.json, the machine-readable report (format: docs/results-format.md).
 * Bump RESULTS_SCHEMA_VERSION on any change a consumer could trip over
 * (renamed or removed field, changed meaning); adding a field does not.
 */
import { espCounts } from './esp-traffic-summary.js';
import { messageTimeline } from './message-timeline.js';
import { countByStatus, type RunReport, type ScenarioResult, secondsSinceStart } from './result-model.js';
import { daemonLogsOf, scenarioNotes } from './scenario-annotations.js';
import { scenarioArtifacts } from './scenario-artifacts.js';

export const RESULTS_SCHEMA_VERSION = 1;

const iso = (wallMs: number): string => new Date(wallMs).toISOString();

/** Seconds rounded to the microsecond: ns precision in JSON numbers is noise to every reader. */
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

function scenarioJson(s: ScenarioResult): unknown {
  const artifacts = scenarioArtifacts(s);
  return {
    id: s.id,
    suite: s.suite,
    title: s.title,
    status: s.status,
    reason: s.reason ?? null,
    startedAt: iso(s.startedWallMs),
    durationMs: Math.round(s.durationMs),
    checks: s.checks.map((c) => ({
      name: c.name,
      expected: c.expected,
      observed: c.observed,
      tolerance: c.tolerance ?? null,
      unit: c.unit ?? null,
      pass: c.pass,
      detail: c.detail ?? null,
    })),
    expectedWindows: (s.expectedWindows ?? []).map((w) => ({ label: w.label, from: w.from, to: w.to })),
    timeline: messageTimeline(s).map((m) => ({
      t: round6(m.t),
      stampedBy: m.stampedBy,
      direction: m.direction,
      peer: m.peer,
      local: m.local,
      exchangeType: m.exchangeType,
      exchange: m.exchange,
      kind: m.kind,
      label: m.label,
      seq: m.seq,
      messageId: m.messageId,
      notifyType: m.notifyType,
      deleteSpis: m.deleteSpis,
      bytes: m.bytes,
      sa: m.sa,
      rejected: m.rejected,
      behaviour: m.behaviour,
    })),
    notes: scenarioNotes(s).map((n) => ({ ...n, t: round6(n.t) })),
    daemonLogs: daemonLogsOf(s).map((d) => ({ daemon: d.daemon, lines: d.lines.map((l) => ({ t: round6(secondsSinceStart(s, l.t)), line: l.line })) })),
    esp: espCounts(s.events),
    files: artifacts && {
      pcap: artifacts.pcap,
      // One key table per scenario, in the form of the IKE version it spoke.
      ikev1Keys: artifacts.ikev2Keys ? null : artifacts.keys,
      ikev2Keys: artifacts.ikev2Keys ? artifacts.keys : null,
      keyCount: artifacts.ikev2Keys?.length ?? artifacts.ikev1Keys.length,
      espKeys: artifacts.espKeys?.file ?? null,
    },
  };
}

/**
 * Each scenario's JSON text, rendered once: the writer rewrites results.json after every scenario,
 * and re-rendering a long run's earlier scenarios (their daemon logs: pluto at plutodebug=base
 * writes hundreds of thousands of lines) blocked the event loop for tenths of a second while
 * other scenarios' timers were due. Results are not changed once finished.
 */
const renderedScenarios = new WeakMap<ScenarioResult, string>();
/** Where a scenario object sits in the document: suites[i].scenarios[j] is 8 spaces deep. */
const SCENARIO_INDENT = '\n        ';

function scenarioText(s: ScenarioResult): string {
  let text = renderedScenarios.get(s);
  if (text === undefined) renderedScenarios.set(s, (text = JSON.stringify(scenarioJson(s), null, 2).replaceAll('\n', SCENARIO_INDENT)));
  return text;
}

/** results.json as pieces in file order: the scenarios' kept texts between the document's own parts. */
export function renderResultsJsonChunks(report: RunReport): string[] {
  const scenarios: ScenarioResult[] = [];
  const slot = (s: ScenarioResult): string => `\u0000scenario ${scenarios.push(s) - 1}\u0000`;
  const doc = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'dpd-harness', version: report.toolVersion },
    history: report.history ?? null,
    startedAt: iso(report.startedWallMs),
    finishedAt: report.finishedWallMs === undefined ? null : iso(report.finishedWallMs),
    interrupted: report.interrupted,
    profile: { vendor: report.profile.vendor, product: report.profile.product, version: report.profile.version, target: report.profile.target, file: report.profile.file ?? null },
    dataPlane: report.dataPlane,
    shard: report.shard ?? null,
    summary: { total: report.suites.reduce((n, s) => n + s.scenarios.length, 0), ...countByStatus(report) },
    suites: report.suites.map((suite) => ({ name: suite.name, file: suite.file, scenarios: suite.scenarios.map(slot) })),
  };
  // Placeholders hold the scenarios' places; JSON.stringify writes their NUL as \u0000, which no other field of the document holds.
  const parts = `${JSON.stringify(doc, null, 2)}\n`.split(/"\\u0000scenario (\d+)\\u0000"/);
  return parts.map((part, i) => (i % 2 === 1 ? scenarioText(scenarios[Number(part)]!) : part));
}

export function renderResultsJson(report: RunReport): string {
  return renderResultsJsonChunks(report).join('');
}
