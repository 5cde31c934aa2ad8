/**
 * The reports of an IKEv2 scenario: results.json names its key table in `files.ikev2Keys`
 * (not `ikev1Keys`), the timeline names the RFC 7296 exchanges as Wireshark does, and a
 * report rebuilt from results.json (merge) reads the `.ikev2-keys` table back, so its README
 * prints the same IKEv2 tshark command as the live one.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatagramEvent, HarnessEvent, Ikev2KeyMaterial, MessageSummary } from '../../src/events.js';
import { renderIkev2KeyTable } from '../../src/report/ikev2-key-table.js';
import { messageTimeline } from '../../src/report/message-timeline.js';
import { reportFromResults } from '../../src/report/report-from-results.js';
import { renderReportReadme } from '../../src/report/report-readme.js';
import type { RunReport, ScenarioResult } from '../../src/report/result-model.js';
import { renderResultsJson } from '../../src/report/results-json.js';
import { checkResults, readScenarioKeys } from '../../src/report/results-reader.js';
import { DUT, PEER, START_WALL_MS } from './synthetic-run.js';

const T0 = 1_000_000_000n;
const at = (s: number): bigint => T0 + BigInt(Math.round(s * 1e9));
const SA = '0011223344556677' + '8899aabbccddeeff';
const KEYS: Ikev2KeyMaterial = {
  spiI: '0011223344556677',
  spiR: '8899aabbccddeeff',
  skEi: '00'.repeat(16),
  skEr: '11'.repeat(16),
  skAi: '22'.repeat(32),
  skAr: '33'.repeat(32),
  encryption: 'AES-CBC-128 [RFC3602]',
  integrity: 'HMAC_SHA2_256_128 [RFC4868]',
};

function datagram(t: number, direction: 'in' | 'out', summary: MessageSummary, length: number): DatagramEvent {
  return { type: 'datagram', t: at(t), direction, local: PEER, remote: DUT, bytes: new Uint8Array(length), sa: SA, summary };
}

const events: HarnessEvent[] = [
  datagram(0.001, 'out', { exchangeType: 34, messageId: 0, kind: 'ike-sa-init' }, 376),
  datagram(0.002, 'in', { exchangeType: 34, messageId: 0, kind: 'ike-sa-init' }, 376),
  datagram(0.003, 'out', { exchangeType: 35, messageId: 1, kind: 'ike-auth' }, 224),
  datagram(0.004, 'in', { exchangeType: 35, messageId: 1, kind: 'ike-auth' }, 224),
  { type: 'sa-keys', t: at(0.004), sa: SA, ikev2: KEYS },
  datagram(3.004, 'in', { exchangeType: 37, messageId: 0, kind: 'liveness' }, 80),
  datagram(3.005, 'out', { exchangeType: 37, messageId: 0, kind: 'liveness-response' }, 80),
];

const scenario: ScenarioResult = {
  id: 'ikev2-silence/liveness-while-answering',
  suite: 'ikev2-silence',
  title: 'a liveness request after the idle interval, answered',
  status: 'passed',
  startedAt: T0,
  startedWallMs: START_WALL_MS,
  durationMs: 3_100,
  checks: [{ name: 'liveness from the DUT arrives', expected: 3, observed: 3.004, tolerance: 0.5, unit: 's', pass: true }],
  events,
};

const run: RunReport = {
  toolVersion: '0.1.0',
  startedWallMs: START_WALL_MS,
  finishedWallMs: START_WALL_MS + 4_000,
  profile: { vendor: 'Cisco', product: 'IOS XE (IKEv2)', version: 'reference DUT', target: 'reference', file: 'profiles/reference-ikev2.yaml' },
  dataPlane: 'emulated',
  interrupted: false,
  suites: [{ name: 'ikev2-silence', file: 'suites/ikev2-silence.yaml', scenarios: [scenario] }],
};

describe('report: an IKEv2 scenario', () => {
  const doc = checkResults(JSON.parse(renderResultsJson(run)), 'synthetic');
  const files = doc.suites[0]!.scenarios[0]!.files!;

  it('results.json names the IKEv2 key table in files.ikev2Keys and none in ikev1Keys', () => {
    expect(files).to.deep.include({ ikev1Keys: null, keyCount: 1 });
    expect(files.ikev2Keys).to.match(/^ikev2-silence-liveness-while-answering-[0-9a-f]{8}\.ikev2-keys$/);
    expect(files.pcap).to.equal(files.ikev2Keys!.replace(/\.ikev2-keys$/, '.pcap'));
  });

  it('the timeline names the IKEv2 exchanges as Wireshark prints them, and labels them by exchange', () => {
    const rows = messageTimeline(scenario).map((m) => [m.exchange, m.label]);
    expect(rows).to.deep.equal([
      ['IKE_SA_INIT', 'IKE_SA_INIT'],
      ['IKE_SA_INIT', 'IKE_SA_INIT'],
      ['IKE_AUTH', 'IKE_AUTH'],
      ['IKE_AUTH', 'IKE_AUTH'],
      ['INFORMATIONAL', 'liveness check'],
      ['INFORMATIONAL', 'liveness response'],
    ]);
  });

  it('a report rebuilt from results.json reads the .ikev2-keys table: the same README (IKEv2 tshark command) and results.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpdh-ikev2-report-'));
    try {
      writeFileSync(join(dir, files.ikev2Keys!), renderIkev2KeyTable([KEYS]));
      const rebuilt = reportFromResults(doc, (s) => readScenarioKeys(dir, s));
      const readme = renderReportReadme(rebuilt);
      expect(readme).to.equal(renderReportReadme(run));
      expect(readme).to.contain(`uat:ikev2_decryption_table:${renderIkev2KeyTable([KEYS]).trim()}`);
      expect(renderResultsJson(rebuilt)).to.equal(renderResultsJson(run));
      // Without the table the rebuilt README has no keys to print: the table really was read.
      expect(renderReportReadme(reportFromResults(doc, (s) => readScenarioKeys(join(dir, 'missing'), s)))).not.to.contain('ikev2_decryption_table:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a results.json from before ikev2Keys, which named the IKEv2 table in ikev1Keys', () => {
    const old = JSON.parse(renderResultsJson(run));
    const f = old.suites[0].scenarios[0].files;
    old.suites[0].scenarios[0].files = { pcap: f.pcap, ikev1Keys: f.ikev2Keys, keyCount: 1, espKeys: null };
    expect(checkResults(old, 'old').suites[0]!.scenarios[0]!.files).to.deep.equal({ ...f, ikev1Keys: null });
  });
});
