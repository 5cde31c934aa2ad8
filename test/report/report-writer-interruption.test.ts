import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { scenarioArtifacts } from '../../src/report/scenario-artifacts.js';
import { childrenNamed, readXml } from './xml-reader.js';
import { deadPeer, probesAnswered, seqReuse } from './synthetic-run.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'interrupted-run.ts');

function runUntilSignal(outDir: string, signal: 'SIGINT' | 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, outDir, signal], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve({ code, signal: sig }));
  });
}

describe('report: a run stopped from outside (separate process)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-interrupt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const titles = (out: string): string[] => childrenNamed(readXml(readFileSync(join(out, 'junit.xml'), 'utf8')), 'testsuite').flatMap((s) => childrenNamed(s, 'testcase').map((c) => c.attributes.name));

  it('Ctrl-C (SIGINT): the handler closes the report; the finished scenarios and the interrupted one are in it', async () => {
    const out = join(dir, 'out');
    expect(await runUntilSignal(out, 'SIGINT')).to.deep.equal({ code: 130, signal: null });
    expect(titles(out)).to.deep.equal([probesAnswered.title, deadPeer.title, seqReuse.title]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.interrupted).to.equal(true);
    expect(results.summary).to.include({ total: 3, passed: 1, failed: 1, interrupted: 1 });
  });

  it('SIGKILL: complete files for the two finished scenarios, and the running one has its packets so far', async () => {
    const out = join(dir, 'out');
    expect((await runUntilSignal(out, 'SIGKILL')).signal).to.equal('SIGKILL');
    expect(titles(out)).to.deep.equal([probesAnswered.title, deadPeer.title]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results).to.deep.include({ interrupted: false, finishedAt: null });
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).to.deep.equal([]);
    for (const s of [probesAnswered, deadPeer]) expect(existsSync(join(out, scenarioArtifacts(s)!.pcap))).to.equal(true);
    // The fixture recorded seqReuse's first three events (Main Mode #1-#3): file header, then per packet a record header, IPv4 + UDP and the ISAKMP bytes.
    const recorded = seqReuse.events.slice(0, 3).flatMap((e) => (e.type === 'datagram' ? [e.bytes.length] : []));
    expect(recorded).to.have.length(3);
    const live = readFileSync(join(out, scenarioArtifacts(seqReuse)!.pcap));
    expect(live.length).to.equal(24 + recorded.reduce((n, b) => n + 16 + 20 + 8 + b, 0));
  });
});
