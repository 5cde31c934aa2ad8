import { expect } from 'chai';
import { RESULTS_SCHEMA_VERSION, renderResultsJson } from '../../src/report/results-json.js';
import { DUT, ENC_KEY, PEER, probesAnswered, syntheticRun } from './synthetic-run.js';

/** Parsed results.json, navigated freely: the assertions are the type check. */
type Json = any;

describe('report: results.json', () => {
  const doc: Json = JSON.parse(renderResultsJson(syntheticRun()));
  const scenario = (id: string): Json => doc.suites.flatMap((s: Json) => s.scenarios).find((s: Json) => s.id === id);

  it('is laid out exactly as JSON.stringify(doc, null, 2) lays out the whole document, also when rendered again', () => {
    // Scenarios are rendered once and spliced in (the writer re-renders after every scenario).
    const run = syntheticRun();
    const text = renderResultsJson(run);
    expect(text).to.equal(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(renderResultsJson(run)).to.equal(text);
    const fewer = { ...run, suites: run.suites.map((s) => ({ ...s, scenarios: s.scenarios.slice(1) })) };
    const shorter: Json = JSON.parse(renderResultsJson(fewer));
    expect(shorter.suites.map((s: Json) => s.scenarios.map((c: Json) => c.id))).to.deep.equal(run.suites.map((s) => s.scenarios.slice(1).map((c) => c.id)));
  });

  it('has a schema version, the run header and counts per status', () => {
    expect(doc.schemaVersion).to.equal(RESULTS_SCHEMA_VERSION);
    expect(doc).to.deep.include({ interrupted: true, dataPlane: 'emulated', startedAt: '2026-11-28T12:00:00.000Z', finishedAt: '2026-11-28T12:01:10.000Z' });
    expect(doc.profile).to.deep.equal({ vendor: 'strongSwan', product: 'charon', version: '5.9.8', target: 'strongswan', file: 'profiles/strongswan-5.9.yaml' });
    expect(doc.summary).to.deep.equal({ total: 6, passed: 1, failed: 1, error: 0, 'expected-fail': 1, 'unexpected-pass': 1, skipped: 1, interrupted: 1 });
  });

  it('per scenario: suite, title, status, reason and the checks with expected, observed, tolerance and pass', () => {
    const dead = scenario('dpd-basics/dead-peer');
    expect(dead).to.deep.include({ suite: 'dpd-basics', title: 'DUT declares a silent peer dead and sends Delete', status: 'failed', reason: null, durationMs: 20000 });
    expect(dead.checks[1]).to.deep.equal({ name: 'Delete after last retry', expected: 2, observed: 3.6, tolerance: 0.5, unit: 's', pass: false, detail: 'Delete came late' });
    expect(dead.checks[2]).to.deep.include({ expected: 'present', observed: null, tolerance: null });
    expect(scenario('failover/second-peer')).to.deep.include({ status: 'skipped', reason: 'profile lists one peer', timeline: [], files: null });
  });

  it('the timeline has every message with relative time, direction, peer, exchange, kind, seq and message ID', () => {
    const timeline: Json[] = scenario(probesAnswered.id).timeline;
    expect(timeline).to.have.length(10);
    expect(timeline.map((m) => m.kind)).to.deep.equal([...Array(6).fill('main-mode'), 'r-u-there', 'r-u-there-ack', 'r-u-there', 'r-u-there-ack']);
    expect(timeline[6]).to.deep.include({
      t: 10.002,
      direction: 'in',
      peer: DUT,
      local: PEER,
      exchangeType: 5,
      exchange: 'Informational',
      label: 'R-U-THERE',
      seq: 0x1a2b0001,
      messageId: '11111111',
      notifyType: 36136,
    });
    expect(timeline[0]).to.deep.include({ t: 0.001, direction: 'out', exchange: 'Identity Protection (Main Mode)', label: 'Main Mode #1', seq: null, messageId: '00000000' });
    const times = timeline.map((m) => m.t);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
  });

  it('Delete messages carry their SPIs; notes and daemon logs use the same relative times', () => {
    const dead = scenario('dpd-basics/dead-peer');
    const del = dead.timeline.find((m: Json) => m.kind === 'delete');
    expect(del).to.deep.include({ t: 19.6, label: 'Delete', deleteSpis: ['0102030405060708a1a2a3a4a5a6a7a8'] });
    expect(dead.notes.map((n: Json) => n.t)).to.deep.equal([0.006, 0.5, 19.6]);
    expect(dead.daemonLogs[0].daemon).to.equal('charon');
    expect(dead.daemonLogs[0].lines[1]).to.deep.equal({ t: 12.001, line: '10[IKE] retransmit 1 of request with message ID 167772162' });
  });

  it('names the pcap and key table files but never holds key material', () => {
    expect(scenario(probesAnswered.id).files).to.deep.equal({ pcap: 'dpd-basics-probes-answered-e8b8e513.pcap', ikev1Keys: 'dpd-basics-probes-answered-e8b8e513.ikev1-keys', ikev2Keys: null, keyCount: 1, espKeys: null });
    expect(renderResultsJson(syntheticRun())).not.to.contain(ENC_KEY);
  });

  it('history is null for a report without it, and carries what diff compares when the runner sets it', () => {
    expect(doc.history).to.equal(null);
    const history = { profileHash: `sha256:${'ab'.repeat(32)}`, dutVersion: { value: 'strongSwan 5.9.8', source: 'daemon' as const }, suitesRevision: null, suitesDirty: null };
    const withHistory: Json = JSON.parse(renderResultsJson({ ...syntheticRun(), history }));
    expect(withHistory.history).to.deep.equal(history);
  });
});
