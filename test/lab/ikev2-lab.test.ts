/**
 * The shipped IKEv2 lab profiles bring up real daemons that load IKEv2 connections: charon
 * lists each conn as IKEv2 with the profile's dpd_delay and pluto's status gives its policy as
 * IKEv2 with the profile's dpddelay; and each daemon, rendered for IKEv2, negotiates
 * IKE_SA_INIT + IKE_AUTH with the other one (no harness IKE code involved).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import type { LabSpec } from '../../src/lab/lab-spec.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { leftovers } from './fixtures/lab-fixture.js';

function labOfProfile(kind: 'strongswan' | 'libreswan'): LabSpec {
  const p = loadProfile(`profiles/${kind}-ikev2.yaml`);
  if (!('lab' in p.target)) throw new Error(`profiles/${kind}-ikev2.yaml is not a lab profile`);
  return p.target.lab;
}

/** What the daemon says it loaded, through its own control tool. */
function loadedConns(lab: Lab): string {
  const where = lab.status().where.dut!;
  if (lab.spec.dutKind === 'strongswan') return execFileSync('swanctl', ['--list-conns', '--uri', where.vici!], { timeout: 10_000 }).toString();
  return execFileSync(join(where.daemon!, '..', 'whack'), ['--ctlsocket', where.ctlsocket!, '--status'], { timeout: 10_000 }).toString();
}

async function waitForSa(adapter: DutAdapter, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sas = await adapter.listSas();
    if (sas.some((s) => s.ike.established && s.children.some((c) => c.installed)) || Date.now() > deadline) return sas;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function logOf(adapter: DutAdapter): Promise<string[]> {
  const lines: string[] = [];
  for await (const { line } of adapter.logLines()) lines.push(line);
  return lines;
}

describe('lab: the IKEv2 profiles load IKEv2 connections into strongSwan and Libreswan @root', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', 'setpriv', 'swanctl', 'certutil', '/usr/lib/ipsec/charon');
  });
  afterEach(async () => {
    await lab?.down();
    lab = undefined;
  });

  it('strongSwan: swanctl --list-conns shows every peer connection as IKEv2 with the profile dpd_delay', async () => {
    const spec = labOfProfile('strongswan');
    lab = await Lab.up(spec);
    const text = loadedConns(lab);
    for (const [i, peer] of spec.peerAddresses.entries()) {
      expect(text, text).to.match(new RegExp(`^peer${i + 1}: IKEv2\\b.*dpd delay 5s`, 'm'));
      expect(text).to.contain(`remote: ${peer}`);
    }
    expect(text).not.to.match(/IKEv1/);
    await lab.down();
    expect(leftovers(spec.name)).to.deep.equal([]);
  });

  it('Libreswan: whack --status gives every peer connection an IKEv2 policy with the profile dpddelay', async () => {
    const spec = labOfProfile('libreswan');
    lab = await Lab.up(spec);
    const text = loadedConns(lab);
    for (let i = 1; i <= spec.peerAddresses.length; i++) {
      expect(text, text).to.match(new RegExp(`"peer${i}":.*policy: IKEv2\\b`));
      expect(text, text).to.match(new RegExp(`"peer${i}":   liveness: active; dpdaction:clear; dpddelay:5s;`));
      expect(text, text).to.match(new RegExp(`"peer${i}":   retransmit-interval: 500ms; retransmit-timeout: 10s;`));
    }
    expect(text).not.to.match(/policy: IKEv1/);
    await lab.down();
    expect(leftovers(spec.name)).to.deep.equal([]);
  });

  for (const [dutKind, peerKind] of [
    ['strongswan', 'libreswan'],
    ['libreswan', 'strongswan'],
  ] as const) {
    it(`${dutKind} DUT rendered for IKEv2 establishes an IKE SA and a CHILD SA with ${peerKind}`, async () => {
      const spec = labOfProfile(dutKind);
      const peerConfig = { ...spec.dut, dpd: { delay: 0 } };
      lab = await Lab.up({ ...spec, peerNetns: true, peerDaemon: { kind: peerKind, config: peerConfig } });
      const { dut, peerDaemon } = lab as Lab & { dut: DutAdapter; peerDaemon: DutAdapter };
      await dut.initiate('peer1');
      const mine = await waitForSa(dut, 15_000);
      const theirs = await waitForSa(peerDaemon, 5_000);
      const states = (kind: string, role: 'dut' | 'peer') => (kind === 'libreswan' ? execFileSync(join(lab!.status().where[role]!.daemon!, '..', 'whack'), ['--ctlsocket', lab!.status().where[role]!.ctlsocket!, '--showstates']).toString() : JSON.stringify(role === 'dut' ? mine : theirs));
      expect(mine.map((s) => [s.ike.established, s.ike.peer, s.children.some((c) => c.installed)]), states(dutKind, 'dut')).to.deep.equal([[true, spec.peerAddresses[0], true]]);
      expect(theirs.map((s) => s.ike.established && s.children.some((c) => c.installed)), states(peerKind, 'peer')).to.deep.equal([true]);
      await lab.down();
      lab = undefined;
      const log = (await logOf(dut)).join('\n');
      // Each daemon's own words for the IKEv2 exchanges (charon: message names; pluto: state names).
      expect(log).to.match(dutKind === 'strongswan' ? /IKE_SA_INIT request 0 \[/ : /STATE_V2_PARENT_I1|IKE_SA_INIT/);
      expect(log).not.to.match(/STATE_MAIN_I1|INFORMATIONAL_V1|ID_PROT request/);
      expect(leftovers(spec.name)).to.deep.equal([]);
    });
  }
});
