import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { tsharkKeyArguments } from '../../src/report/ikev1-key-table.js';
import { defaultReportDir, ReportWriter, type ReportWriterOptions } from '../../src/report/report-writer.js';
import { scenarioArtifacts } from '../../src/report/scenario-artifacts.js';
import { requireCommands } from '../support/environment.js';
import { DPD_SEQ, encryptedDpdExchange, KEY_HEX } from './encrypted-exchange.js';
import { deadPeer, DUT, ENC_KEY, ICOOKIE, PEER, probesAnswered, PSK, seqReuse, START_WALL_MS } from './synthetic-run.js';
import { childrenNamed, readXml } from './xml-reader.js';

const run = promisify(execFile);

describe('report: ReportWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = (): ReportWriterOptions => ({
    outDir: join(dir, 'out'),
    toolVersion: '0.1.0',
    profile: { vendor: 'strongSwan', product: 'charon', version: '5.9.8', target: 'strongswan' },
    dataPlane: 'emulated',
    startedWallMs: START_WALL_MS,
    suites: [
      { name: 'failover', file: 'suites/failover.yaml' },
      { name: 'dpd-basics', file: 'suites/dpd-basics.yaml' },
    ],
    secrets: [PSK],
  });
  const read = (name: string): string => readFileSync(join(dir, 'out', name), 'utf8');
  const testcaseTitles = (): string[] => childrenNamed(readXml(read('junit.xml')), 'testsuite').flatMap((s) => childrenNamed(s, 'testcase').map((c) => c.attributes.name));
  const resultIds = (): string[] => JSON.parse(read('results.json')).suites.flatMap((s: { scenarios: { id: string }[] }) => s.scenarios.map((x) => x.id));

  it('interrupted after two scenarios: junit.xml and results.json hold exactly those, marked interrupted', () => {
    const writer = new ReportWriter(options());
    writer.scenarioFinished(probesAnswered);
    writer.scenarioFinished(deadPeer);
    writer.finish({ interrupted: true, finishedWallMs: START_WALL_MS + 45_000 });

    expect(testcaseTitles()).to.deep.equal([probesAnswered.title, deadPeer.title]);
    const junit = readXml(read('junit.xml'));
    expect(junit.attributes).to.include({ tests: '2', failures: '1', errors: '0', time: '45.000' });
    const results = JSON.parse(read('results.json'));
    expect(results).to.deep.include({ interrupted: true, finishedAt: '2026-11-28T12:00:45.000Z' });
    expect(resultIds()).to.deep.equal([probesAnswered.id, deadPeer.id]);
    // A declared suite with nothing finished stays listed, empty.
    expect(results.suites.map((s: { name: string; scenarios: unknown[] }) => [s.name, s.scenarios.length])).to.deep.equal([
      ['failover', 0],
      ['dpd-basics', 2],
    ]);
    expect(read('report.html')).to.contain('Run interrupted.');
  });

  it('every finished scenario is on disk at once, before finish(), with no temp files left', () => {
    const writer = new ReportWriter(options());
    expect(testcaseTitles()).to.deep.equal([]);
    writer.scenarioFinished(seqReuse);
    // What a killed run leaves behind: complete files covering what finished.
    expect(testcaseTitles()).to.deep.equal([seqReuse.title]);
    expect(resultIds()).to.deep.equal([seqReuse.id]);
    const a = scenarioArtifacts(seqReuse)!;
    expect(existsSync(join(dir, 'out', a.pcap))).to.equal(true);
    expect(read(a.keys)).to.equal(`"${ICOOKIE}","${ENC_KEY}"\n`);
    expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-'))).to.deep.equal([]);
    expect(JSON.parse(read('results.json')).finishedAt).to.equal(null);
  });

  it('redacts the secrets it was given from every file; key material only in the key table and README', () => {
    const writer = new ReportWriter(options());
    writer.scenarioFinished(deadPeer);
    writer.finish({ interrupted: false, finishedWallMs: START_WALL_MS + 30_000 });
    const files = readdirSync(join(dir, 'out'));
    for (const f of files) {
      const text = readFileSync(join(dir, 'out', f)).toString('latin1');
      expect(text, f).not.to.contain(PSK);
      expect(text, f).not.to.contain(PSK.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'));
    }
    expect(read('results.json')).to.contain('loaded IKE shared key [redacted]');
    const withKey = files.filter((f) => readFileSync(join(dir, 'out', f), 'utf8').includes(ENC_KEY)).sort();
    expect(withKey).to.deep.equal(['README.md', scenarioArtifacts(deadPeer)!.keys]);
    expect(read('README.md')).to.contain(`tshark -r ${scenarioArtifacts(deadPeer)!.pcap} -o 'uat:ikev1_decryption_table:${ICOOKIE},${ENC_KEY}'`);
  });

  it('live capture: each datagram is in the pcap as it happens; the finished scenario replaces it', () => {
    const writer = new ReportWriter(options());
    const live = writer.liveCapture(deadPeer);
    const path = join(dir, 'out', scenarioArtifacts(deadPeer)!.pcap);
    const datagrams = deadPeer.events.filter((e) => e.type === 'datagram');
    live.record(deadPeer.events.find((e) => e.type === 'mark')!);
    expect(readFileSync(path).length).to.equal(24);
    live.record(datagrams[0]);
    live.record(datagrams[1]);
    // 24-byte file header, then per record 16 bytes + IPv4 (20) + UDP (8) + payload.
    const size = (n: number): number => 24 + datagrams.slice(0, n).reduce((sum, d) => sum + 16 + 28 + d.bytes.length, 0);
    expect(readFileSync(path).length).to.equal(size(2));
    writer.scenarioFinished(deadPeer);
    expect(readFileSync(path).length).to.equal(size(datagrams.length));
    // A scenario that never exchanged a datagram leaves no pcap behind.
    const quiet = { ...seqReuse, events: [] };
    writer.liveCapture(quiet);
    writer.scenarioFinished(quiet);
    expect(existsSync(join(dir, 'out', scenarioArtifacts(seqReuse)!.pcap))).to.equal(false);
  });

  it('a run grown large: junit.xml at once, results.json and report.html whole after settled(), finish() at once', async () => {
    // A DUT that logs a lot (pluto at plutodebug=base): the run files pass the slice size.
    const lines = Array.from({ length: 8000 }, (_, n) => ({ t: probesAnswered.startedAt + BigInt(n) * 1_000_000n, line: `pluto[42]: | dpd: R_U_THERE_ACK seq ${n} from 203.0.113.2:500` }));
    const writer = new ReportWriter(options());
    writer.scenarioFinished({ ...probesAnswered, daemonLogs: [{ daemon: 'libreswan (lab)', lines }] });
    expect(testcaseTitles()).to.deep.equal([probesAnswered.title]);
    expect(resultIds()).to.deep.equal([]);
    await writer.settled();
    expect(resultIds()).to.deep.equal([probesAnswered.id]);
    expect(read('report.html')).to.contain('dpd: R_U_THERE_ACK seq 7999');
    writer.scenarioFinished(deadPeer);
    writer.finish({ interrupted: false, finishedWallMs: START_WALL_MS + 1000 });
    expect(resultIds().sort()).to.deep.equal([deadPeer.id, probesAnswered.id].sort());
    await writer.settled();
    expect(JSON.parse(read('results.json')).finishedAt).to.be.a('string');
    expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-'))).to.deep.equal([]);
  });

  it('a scenario re-reported under the same id replaces the earlier result', () => {
    const writer = new ReportWriter(options());
    writer.scenarioFinished({ ...seqReuse, status: 'interrupted' });
    writer.scenarioFinished(seqReuse);
    expect(JSON.parse(read('results.json')).summary).to.include({ total: 1, 'expected-fail': 1, interrupted: 0 });
  });

  it('refuses scenarios after finish() and unwritable folders with ERR_REPORT_WRITE', () => {
    const writer = new ReportWriter(options());
    writer.finish({ interrupted: false, finishedWallMs: START_WALL_MS });
    expect(() => writer.scenarioFinished(seqReuse)).to.throw().with.property('code', 'ERR_REPORT_WRITE');
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => new ReportWriter({ ...options(), outDir: join(dir, 'a-file', 'sub') })).to.throw().with.property('code', 'ERR_REPORT_WRITE');
  });

  it('default folder: reports/<UTC start time> without colons', () => {
    expect(defaultReportDir(Date.UTC(2026, 10, 28, 14, 50, 7, 123))).to.equal(join('reports', '2026-11-28T14-50-07Z'));
  });

  describe('the pcap, read by tshark', function () {
    this.timeout(60_000);
    before(function () {
      requireCommands(this, 'tshark');
    });

    it('has every datagram with real addresses, ports and wall-clock times, and tshark takes the key table', async () => {
      const writer = new ReportWriter(options());
      writer.scenarioFinished(deadPeer);
      const a = scenarioArtifacts(deadPeer)!;
      const fields = ['frame.time_epoch', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'isakmp.exchangetype', 'isakmp.notify.msgtype', 'isakmp.delete.spi'];
      const { stdout, stderr } = await run('tshark', ['-n', '-r', join(dir, 'out', a.pcap), ...tsharkKeyArguments(a.ikev1Keys), '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { timeout: 50_000 });
      expect(stderr).not.to.match(/error|invalid|must be/i);
      const rows = stdout.trim().split('\n').map((l) => l.split('|'));
      const datagrams = deadPeer.events.filter((e) => e.type === 'datagram');
      expect(rows).to.have.length(datagrams.length);
      // Main Mode #1 goes peer → DUT; R-U-THERE comes DUT → peer; times are start wall time + offset.
      expect(rows[0].slice(1, 5)).to.deep.equal([PEER.address, DUT.address, String(PEER.port), String(DUT.port)]);
      const probes = rows.filter((r) => r[6] === '36136');
      expect(probes.map((r) => r.slice(1, 3))).to.deep.equal(Array(4).fill([DUT.address, PEER.address]));
      const startS = (START_WALL_MS + 22_000) / 1000;
      expect(probes.map((r) => Number(r[0]) - startS).map((t) => Math.round(t * 1e6) / 1e6)).to.deep.equal([10, 12.001, 14.002, 16.003]);
      const del = rows.find((r) => r[7] !== '');
      expect(del?.[7]).to.equal('0102030405060708a1a2a3a4a5a6a7a8');
    });

    it('decrypts an encrypted R-U-THERE with the written .ikev1-keys table (and not without it)', async () => {
      const { events, messageId } = encryptedDpdExchange(seqReuse.startedAt, PEER, DUT);
      const scenario = { ...seqReuse, id: 'dpd-basics/encrypted', events };
      new ReportWriter(options()).scenarioFinished(scenario);
      const a = scenarioArtifacts(scenario)!;
      // Read the key table the way a user's script would: the UAT file's quoted pairs, unquoted for -o.
      const pairs = read(a.keys).trim().split('\n').map((line) => line.replace(/"/g, ''));
      expect(pairs).to.deep.equal([`1112131415161718,${KEY_HEX}`]);
      const dissect = async (keyOptions: string[]): Promise<string[][]> => {
        const fields = ['isakmp.messageid', 'isakmp.notify.msgtype', 'isakmp.notify.data.dpd.are_you_there'];
        const { stdout } = await run('tshark', ['-n', '-r', join(dir, 'out', a.pcap), ...keyOptions, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { timeout: 50_000 });
        return stdout.trim().split('\n').map((l) => l.split('|'));
      };
      const decrypted = await dissect(pairs.flatMap((p) => ['-o', `uat:ikev1_decryption_table:${p}`]));
      expect(decrypted.at(-1)).to.deep.equal([`0x${messageId.toString(16)}`, '36136', String(DPD_SEQ)]);
      const withoutKeys = await dissect([]);
      expect(withoutKeys.at(-1)?.slice(1)).to.deep.equal(['', '']);
      // The command README.md gives the user works as pasted, from the report folder.
      const command = read('README.md').split('\n').find((l) => l.startsWith(`tshark -r ${a.pcap} `));
      expect(command).to.be.a('string');
      const { stdout } = await run('sh', ['-c', `${command} -T fields -e isakmp.notify.data.dpd.are_you_there`], { cwd: join(dir, 'out'), timeout: 50_000 });
      expect(stdout.trim().split('\n').at(-1)).to.equal(String(DPD_SEQ));
    });
  });
});
