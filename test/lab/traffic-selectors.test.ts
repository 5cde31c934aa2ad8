/**
 * A lab profile's ike.traffic_selectors reach the real daemon: charon gets one child per
 * pair, pluto one conn per pair, and the fake peer's Quick Mode for every pair is accepted
 * (an IPsec SA per pair in the DUT's own log) while the DPD smoke suite passes on top.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { labLeftovers, REPO, SMOKE_SUITE } from '../e2e/cli-run.js';
import { runAllSuites, type FullRun } from '../conformance/full-run.js';
import { requireCommands, requireRoot } from '../support/environment.js';

interface Daemon {
  kind: 'strongswan' | 'libreswan';
  lab: string;
  subnet: string;
  dut: string;
  peers: string[];
  commands: string[];
  /** The DUT's log line for pair `i`'s IPsec SA (0-based). */
  established(i: number): RegExp;
}

const daemons: Daemon[] = [
  {
    kind: 'strongswan',
    lab: 'dpdtss',
    subnet: '203.0.113.208/29',
    dut: '203.0.113.209',
    peers: ['203.0.113.210'],
    commands: ['/usr/lib/ipsec/charon', 'swanctl'],
    established: (i) => new RegExp(`CHILD_SA ${i === 0 ? 'net' : `net${i + 1}`}\\{\\d+\\} established`),
  },
  {
    kind: 'libreswan',
    lab: 'dpdtsl',
    subnet: '203.0.113.216/29',
    dut: '203.0.113.217',
    peers: ['203.0.113.218'],
    commands: [],
    established: (i) => new RegExp(`"peer1${i === 0 ? '' : `-ts${i + 1}`}" #\\d+: .*IPsec SA established`),
  },
];

// From the fake peer's side: local behind the peer, remote behind the DUT. The second pair is
// host-to-subnet with a protocol and a port, so both ID types and the port fields are exercised.
const SELECTORS = [
  { local: '192.0.2.128/28', remote: '192.0.2.144/28' },
  { local: '192.0.2.200', remote: '192.0.2.160/28', protocol: 17, port: 4789 },
];

function profileFor(d: Daemon, dir: string): string {
  const doc = parseDocument(readFileSync(join(REPO, 'profiles', `${d.kind}.yaml`), 'utf8'));
  doc.setIn(['ike', 'traffic_selectors'], SELECTORS);
  doc.setIn(['lab', 'name'], d.lab);
  doc.setIn(['lab', 'subnet'], d.subnet);
  doc.setIn(['lab', 'dut_address'], d.dut);
  doc.setIn(['lab', 'peer_addresses'], d.peers);
  doc.deleteIn(['lab', 'dut_subnets']);
  doc.deleteIn(['lab', 'peer_subnets']);
  const file = join(dir, `${d.kind}-selectors.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

for (const d of daemons) {
  describe(`lab: traffic selectors rendered into ${d.kind} @root`, function () {
    this.timeout(240_000);
    let run: FullRun | undefined;

    before(async function () {
      requireRoot(this);
      requireCommands(this, 'ip', ...d.commands);
      const dir = mkdtempSync(join(tmpdir(), 'dpdh-ts-'));
      run = await runAllSuites(profileFor(d, dir), [], 180_000, SMOKE_SUITE);
    });
    after(() => run?.discard());

    it('the smoke suite passes with the selectors in place, and the lab is gone afterwards', () => {
      expect(run!.code, run!.output.slice(-3000)).to.equal(0);
      expect([...run!.byId.values()].map((s) => `${s.id}: ${s.status}`)).to.deep.equal(['dpd-smoke/ack-echoes-probe: passed', 'dpd-smoke/probes-while-answered: passed', 'dpd-smoke/silent-peer-declared-dead: passed']);
      expect(labLeftovers(d.lab)).to.deep.equal([]);
    });

    it('every bring-up ran one Quick Mode per pair and the DUT logged an IPsec SA for each', () => {
      for (const s of run!.byId.values()) {
        const qmIn = s.timeline.filter((m) => m.kind === 'quick-mode' && m.direction === 'in');
        const ids = new Set(qmIn.map((m) => m.messageId));
        expect(ids.size, `${s.id}: Quick Mode message IDs answered by the DUT`).to.equal(SELECTORS.length);
        const lines = s.daemonLogs.flatMap((l) => l.lines.map((x) => x.line));
        SELECTORS.forEach((_, i) => expect(lines.some((l) => d.established(i).test(l)), `${s.id}: pair ${i + 1} in the DUT log:\n${lines.join('\n')}`).to.equal(true));
        expect(lines.join('\n')).not.to.match(/INVALID_ID_INFORMATION|INVALID-ID-INFORMATION|no matching CHILD_SA config|cannot respond to IPsec SA request/);
      }
    });
  });
}
