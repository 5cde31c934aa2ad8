import { expect } from 'chai';
import { redactReport, redactText } from '../../src/report/redact-secrets.js';
import { deadPeer, PSK, syntheticRun } from './synthetic-run.js';

describe('report: secret redaction', () => {
  it('replaces every occurrence, longest secret first', () => {
    expect(redactText('k=abc, again abc', ['abc'])).to.equal('k=[redacted], again [redacted]');
    expect(redactText('psk abcdef', ['abc', 'abcdef'])).to.equal('psk [redacted]');
    expect(redactText('unchanged', ['', 'zzz'])).to.equal('unchanged');
  });

  it('scrubs daemon logs, reasons, check text, marks, SA details and rejection messages; leaves the input untouched', () => {
    const run = syntheticRun();
    const leaky = {
      ...deadPeer,
      reason: `bad ${PSK}`,
      checks: [{ name: `n ${PSK}`, expected: PSK, observed: PSK, pass: false, detail: PSK }],
      daemonLogs: [{ daemon: 'pluto', lines: [{ t: 0n, line: `secret ${PSK}` }] }],
      events: [
        ...deadPeer.events,
        { type: 'mark' as const, t: 1n, label: PSK },
        { type: 'sa-state' as const, t: 1n, sa: 'x', phase: 1 as const, state: 'failed' as const, remote: { address: '192.0.2.2', port: 500 }, detail: PSK },
        { type: 'datagram' as const, t: 1n, direction: 'in' as const, local: { address: '192.0.2.1', port: 500 }, remote: { address: '192.0.2.2', port: 500 }, bytes: new Uint8Array(1), rejected: { code: 'ERR_IKE_BAD_HASH', message: PSK } },
      ],
    };
    const report = { ...run, suites: [{ ...run.suites[0], scenarios: [leaky] }] };
    const before = JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    const clean = JSON.stringify(redactReport(report, [PSK]), (_, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(clean).not.to.contain(PSK);
    // reason, 4 in the check, the daemonLogs line, the daemon-log event, mark, SA detail, rejection.
    expect(clean.match(/\[redacted\]/g)).to.have.length(10);
    expect(JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? String(v) : v))).to.equal(before);
  });
});
