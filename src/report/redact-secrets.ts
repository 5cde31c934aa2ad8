/**
 * Last line of defence for "the PSK never appears in a report": the model has
 * no field for it, but free text does (a DUT daemon logging its secrets at a
 * high debug level, a check detail quoting a config line). The writer runs
 * every finished scenario through this with the run's secrets before rendering.
 */
import type { HarnessEvent } from '../events.js';
import type { Check, DaemonLog, RunReport, ScenarioResult } from './result-model.js';

export const REDACTED = '[redacted]';

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

function redactEvent(e: HarnessEvent, r: (s: string) => string): HarnessEvent {
  switch (e.type) {
    case 'daemon-log':
      return { ...e, line: r(e.line) };
    case 'mark':
      return { ...e, label: r(e.label) };
    case 'sa-state':
      return e.detail === undefined ? e : { ...e, detail: r(e.detail) };
    case 'datagram':
      return e.rejected ? { ...e, rejected: { ...e.rejected, message: r(e.rejected.message) } } : e;
    case 'sa-keys':
    case 'esp-keys':
      return e;
  }
}

function redactCheck(c: Check, r: (s: string) => string): Check {
  return {
    ...c,
    name: r(c.name),
    expected: typeof c.expected === 'string' ? r(c.expected) : c.expected,
    observed: typeof c.observed === 'string' ? r(c.observed) : c.observed,
    ...(c.detail === undefined ? {} : { detail: r(c.detail) }),
  };
}

function redactScenario(s: ScenarioResult, r: (s: string) => string): ScenarioResult {
  const daemonLogs = s.daemonLogs?.map((d: DaemonLog) => ({ daemon: d.daemon, lines: d.lines.map((l) => ({ t: l.t, line: r(l.line) })) }));
  return {
    ...s,
    title: r(s.title),
    ...(s.reason === undefined ? {} : { reason: r(s.reason) }),
    checks: s.checks.map((c) => redactCheck(c, r)),
    events: s.events.map((e) => redactEvent(e, r)),
    ...(daemonLogs === undefined ? {} : { daemonLogs }),
  };
}

/** A copy of the scenario with every occurrence of every secret in free text replaced by [redacted]. */
export function redactScenarioResult(s: ScenarioResult, secrets: readonly string[]): ScenarioResult {
  if (!secrets.some((x) => x.length > 0)) return s;
  return redactScenario(s, (text) => redactText(text, secrets));
}

/** A copy of the report with every occurrence of every secret in free text replaced by [redacted]. */
export function redactReport(report: RunReport, secrets: readonly string[]): RunReport {
  return { ...report, suites: report.suites.map((suite) => ({ ...suite, scenarios: suite.scenarios.map((s) => redactScenarioResult(s, secrets)) })) };
}
