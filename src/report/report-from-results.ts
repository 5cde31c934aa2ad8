/**
 * The inverse of results-json.ts: a RunReport rebuilt from a results.json
 * (plus the key tables beside it, IKEv1's or IKEv2's), so the renderers of a live run (junit.xml,
 * report.html, README.md) also render a merged one. What results.json does
 * not keep is not invented: datagram bytes are zeros of the recorded length
 * (every renderer here reads only their length; the pcaps are copied as they
 * are), and times sit on a scenario-relative clock starting at 0.
 */
import type { DatagramEvent, HarnessEvent, MessageKind, SaStateEvent } from '../events.js';
import type { RunReport, ScenarioResult, SuiteResult } from './result-model.js';
import type { ResultsDoc, ScenarioJson, ScenarioKeys } from './results-reader.js';

const ns = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9));

/** `Main Mode #3` → 3: the step the label was made from (message-timeline.ts). */
const stepOf = (label: string): number | undefined => {
  const m = / #(\d+)$/.exec(label);
  return m ? Number(m[1]) : undefined;
};

function datagram(m: ScenarioJson['timeline'][number]): DatagramEvent {
  const step = stepOf(m.label);
  return {
    type: 'datagram',
    t: ns(m.t),
    direction: m.direction,
    local: { ...m.local },
    remote: { ...m.peer },
    bytes: new Uint8Array(m.bytes),
    ...(m.sa === null ? {} : { sa: m.sa }),
    ...(m.exchangeType === null
      ? {}
      : {
          summary: {
            exchangeType: m.exchangeType,
            messageId: m.messageId === null ? 0 : parseInt(m.messageId, 16),
            kind: m.kind as MessageKind,
            ...(m.seq === null ? {} : { seq: m.seq }),
            ...(m.notifyType === null ? {} : { notifyType: m.notifyType }),
            ...(m.deleteSpis === null ? {} : { deleteSpis: [...m.deleteSpis] }),
            ...(step === undefined ? {} : { step }),
          },
        }),
    ...(m.rejected ? { rejected: { ...m.rejected } } : {}),
    ...(m.behaviour === null ? {} : { behaviour: m.behaviour }),
    // results.json files from before the field existed: their times were all the event loop's.
    stampedBy: m.stampedBy ?? 'event-loop',
  };
}

/** The text scenario-annotations.ts wrote for an sa-state event, read back; a note that does not parse stays a mark. */
const SA_STATE = /^phase ([12]) SA (negotiating|established|deleted|expired|failed) with (.+):(\d+)(?: \((.*)\))?$/s;

function note(n: ScenarioJson['notes'][number]): HarnessEvent {
  const m = n.kind === 'sa-state' ? SA_STATE.exec(n.text) : null;
  if (!m) return { type: 'mark', t: ns(n.t), label: n.text };
  const state: SaStateEvent = { type: 'sa-state', t: ns(n.t), sa: '', phase: Number(m[1]) as 1 | 2, state: m[2] as SaStateEvent['state'], remote: { address: m[3]!, port: Number(m[4]) } };
  return m[5] === undefined ? state : { ...state, detail: m[5] };
}

function scenario(s: ScenarioJson, keys: ScenarioKeys): ScenarioResult {
  const events: HarnessEvent[] = [
    ...s.timeline.map(datagram),
    ...s.notes.map(note),
    ...keys.ikev1.map((k): HarnessEvent => ({ type: 'sa-keys', t: 0n, sa: k.initiatorCookie, initiatorCookie: k.initiatorCookie, encryptionKey: k.encryptionKey })),
    ...keys.ikev2.map((k): HarnessEvent => ({ type: 'sa-keys', t: 0n, sa: k.spiI + k.spiR, ikev2: { ...k } })),
  ];
  return {
    id: s.id,
    suite: s.suite,
    title: s.title,
    status: s.status,
    ...(s.reason === null ? {} : { reason: s.reason }),
    startedAt: 0n,
    startedWallMs: Date.parse(s.startedAt),
    durationMs: s.durationMs,
    checks: s.checks.map((c) => ({
      name: c.name, expected: c.expected, observed: c.observed, pass: c.pass,
      ...(c.tolerance === null ? {} : { tolerance: c.tolerance }),
      ...(c.unit === null ? {} : { unit: c.unit }),
      ...(c.detail === null ? {} : { detail: c.detail }),
    })),
    events,
    daemonLogs: s.daemonLogs.map((d) => ({ daemon: d.daemon, lines: d.lines.map((l) => ({ t: ns(l.t), line: l.line })) })),
    expectedWindows: s.expectedWindows.map((w) => ({ ...w })),
  };
}

/** `keysOf(scenario)`: the key table beside the results.json for that scenario (readScenarioKeys; empty when there is none). */
export function reportFromResults(doc: ResultsDoc, keysOf: (s: ScenarioJson) => ScenarioKeys): RunReport {
  const suites: SuiteResult[] = doc.suites.map((suite) => ({ name: suite.name, file: suite.file, scenarios: suite.scenarios.map((s) => scenario(s, keysOf(s))) }));
  return {
    toolVersion: doc.tool.version,
    ...(doc.history ? { history: doc.history } : {}),
    startedWallMs: Date.parse(doc.startedAt),
    ...(doc.finishedAt === null ? {} : { finishedWallMs: Date.parse(doc.finishedAt) }),
    profile: { vendor: doc.profile.vendor, product: doc.profile.product, version: doc.profile.version, target: doc.profile.target, ...(doc.profile.file === null ? {} : { file: doc.profile.file }) },
    dataPlane: doc.dataPlane,
    ...(doc.shard ? { shard: doc.shard } : {}),
    interrupted: doc.interrupted,
    suites,
  };
}
