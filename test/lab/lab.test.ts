import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import type { HarnessError } from '../../src/errors.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { labSpecFor, leftovers, STAND_IN_MARKER } from './fixtures/lab-fixture.js';

const spec = (name: string, subnet: string, extra: Record<string, unknown> = {}) =>
  parseLabSpec(labSpecFor(name, subnet, extra), { file: 'lab.test' });
const ip = (...args: string[]) => execFileSync('ip', args, { timeout: 10_000 }).toString();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as HarnessError).code;
  }
  return 'no error';
}

/** A UDP echo server in the DUT namespace, proving the link carries traffic where the fake peer will bind. */
function echoServer(lab: Lab, address: string) {
  const js = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(5000,'${address}',()=>console.log('listening'));`;
  return lab.supervisor.spawnDaemon({ name: 'echo', cmd: process.execPath, args: ['-e', js, STAND_IN_MARKER + '-' + lab.spec.name], netns: lab.names.dutNs });
}

describe('lab/lab topology up/down @root', function () {
  this.timeout(30_000);
  const labs: Lab[] = [];
  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', 'setpriv', 'sysctl');
  });
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((l) => l.down()));
  });

  it('host mode: DUT namespace, peer addresses in the root namespace, UDP across; down leaves nothing', async () => {
    const lab = await Lab.up(spec('tli1', '203.0.113.0/28'), { daemons: false });
    labs.push(lab);
    expect(lab.peerBind).to.deep.equal({ addresses: ['203.0.113.2', '203.0.113.3'] });
    expect(lab.dataPlane).to.be.oneOf(['real', 'emulated']);
    expect(ip('-n', 'tli1-dut', '-br', 'addr')).to.match(/tli1-d@\S+\s+UP\s+203\.0\.113\.1\/28/).and.match(/lo\s+\S+\s+127\.0\.0\.1\/8 198\.51\.100\.241\/29/);
    expect(ip('-br', 'addr', 'show', 'dev', 'tli1-p')).to.contain('203.0.113.2/28 203.0.113.3/28');
    expect(existsSync('/run/dpd-harness/tli1.json')).to.equal(true);

    const echo = echoServer(lab, '203.0.113.1');
    for await (const l of echo.lines()) if (l.line === 'listening') break;
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '203.0.113.3', r));
    const reply = new Promise<string>((r) => sock.once('message', (m) => r(m.toString())));
    sock.send('ping', 5000, '203.0.113.1');
    expect(await reply).to.equal('ping');
    sock.close();

    expect(leftovers('tli1')).not.to.deep.equal([]);
    await lab.down();
    expect(leftovers('tli1')).to.deep.equal([]);
    await lab.down();
    expect(lab.status().status).to.equal('down');
  });

  it('peer-namespace mode: nothing in the root namespace, addresses and inner subnets in <lab>-peer', async () => {
    const lab = await Lab.up(spec('tli2', '203.0.113.16/28', { peer_netns: true, peer_subnets: ['198.51.100.232/29'] }), { daemons: false });
    labs.push(lab);
    expect(lab.peerBind).to.deep.equal({ addresses: ['203.0.113.18', '203.0.113.19'], netns: 'tli2-peer' });
    expect(ip('-o', 'link', 'show')).not.to.contain('tli2-');
    expect(ip('-n', 'tli2-peer', '-br', 'addr')).to.contain('203.0.113.18/28 203.0.113.19/28').and.contain('198.51.100.233/29');
    expect(ip('-n', 'tli2-peer', 'route', 'get', '203.0.113.17')).to.contain('dev tli2-p');
    await lab.down();
    expect(leftovers('tli2')).to.deep.equal([]);
  });

  it('refuses a busy name and a subnet overlapping one in use, leaving the other lab intact', async () => {
    const lab = await Lab.up(spec('tli3', '203.0.113.32/28'), { daemons: false });
    labs.push(lab);
    expect(await codeOf(Lab.up(spec('tli3', '203.0.113.32/28'), { daemons: false }))).to.equal('ERR_LAB_NAME_BUSY');
    expect(await codeOf(Lab.up(spec('tli4', '203.0.113.32/29'), { daemons: false }))).to.equal('ERR_LAB_SUBNET_BUSY');
    expect(leftovers('tli4')).to.deep.equal([]);
    expect(ip('-br', 'addr', 'show', 'dev', 'tli3-p')).to.contain('203.0.113.34/28');
  });

  it('fails with ERR_LAB_DAEMON, cleaning up, when no adapter is registered for the DUT kind', async () => {
    const code = await codeOf(Lab.up(spec('tli4', '203.0.113.48/28'), { adapters: {} }));
    expect(code).to.equal('ERR_LAB_DAEMON');
    expect(leftovers('tli4')).to.deep.equal([]);
  });
});
