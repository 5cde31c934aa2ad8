/**
 * What happened around the messages of a scenario: runner marks, SA state
 * changes and the DUT daemons' log lines, on the same t0 as the timeline.
 */
import { type DaemonLog, type ScenarioResult, secondsSinceStart } from './result-model.js';

export interface ScenarioNote {
  /** Seconds since the scenario start. */
  t: number;
  kind: 'mark' | 'sa-state';
  text: string;
}

export function scenarioNotes(result: Pick<ScenarioResult, 'startedAt' | 'events'>): ScenarioNote[] {
  const notes: ScenarioNote[] = [];
  for (const e of result.events) {
    if (e.type === 'mark') notes.push({ t: secondsSinceStart(result, e.t), kind: 'mark', text: e.label });
    if (e.type === 'sa-state') {
      const text = `phase ${e.phase} SA ${e.state} with ${e.remote.address}:${e.remote.port}${e.detail ? ` (${e.detail})` : ''}`;
      notes.push({ t: secondsSinceStart(result, e.t), kind: 'sa-state', text });
    }
  }
  return notes.sort((a, b) => a.t - b.t);
}

/**
 * The daemon logs attached to a scenario: the runner's `daemonLogs` when it
 * collected them itself, else the daemon-log events of the stream grouped by
 * daemon (the two are alternatives, never merged, so no line appears twice).
 */
export function daemonLogsOf(result: Pick<ScenarioResult, 'daemonLogs' | 'events'>): DaemonLog[] {
  if (result.daemonLogs) return result.daemonLogs;
  const byDaemon = new Map<string, DaemonLog>();
  for (const e of result.events) {
    if (e.type !== 'daemon-log') continue;
    let log = byDaemon.get(e.daemon);
    if (!log) byDaemon.set(e.daemon, (log = { daemon: e.daemon, lines: [] }));
    log.lines.push({ t: e.t, line: e.line });
  }
  return [...byDaemon.values()];
}

/**
 * The part of a lab daemon's log that belongs to one scenario: lines stamped
 * (on the events' monotonic clock) between its start and end. Takes the lab's
 * DaemonHandle.snapshot() lines as they are.
 */
export function daemonLogWindow(daemon: string, lines: readonly { t: bigint; line: string }[], from: bigint, to: bigint): DaemonLog {
  return { daemon, lines: lines.filter((l) => l.t >= from && l.t <= to).map((l) => ({ t: l.t, line: l.line })) };
}
