import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Lab, readLabStatus } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { labSpecFor, leftovers } from './fixtures/lab-fixture.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-lab.ts', import.meta.url));

/** Starts the holder child and resolves once its lab is up. */
function holdLab(name: string, subnet: string, mode: 'wait' | 'crash' = 'wait'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, name, subnet, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('UP')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`holder exited before its lab was up (${code ?? signal}): ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => r({ code, signal }));
  });
}

async function startAgainAndDown(name: string, subnet: string): Promise<void> {
  const lab = await Lab.up(parseLabSpec(labSpecFor(name, subnet), { file: 'crash-recovery.test' }), { daemons: false });
  expect(lab.status().status).to.equal('up');
  await lab.down();
  expect(leftovers(name)).to.deep.equal([]);
}

describe('lab/crash recovery (harness killed mid-run) @root', function () {
  this.timeout(30_000);
  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', 'setpriv', 'sysctl');
  });

  it('after SIGKILL of the harness, the next start with the same name removes the stale lab and succeeds', async () => {
    const child = await holdLab('tli5', '203.0.113.48/28');
    child.kill('SIGKILL');
    expect((await exited(child)).signal).to.equal('SIGKILL');
    // Nothing ran in the killed process: namespace, root veth end and state file are still there.
    const stale = leftovers('tli5');
    expect(stale).to.include('netns tli5-dut').and.include('link tli5-p').and.include('state file');
    expect(readLabStatus('tli5').status).to.equal('stale');
    await startAgainAndDown('tli5', '203.0.113.48/28');
  });

  it('a lab left by a killed harness under another name does not block its subnet', async () => {
    const child = await holdLab('tli5', '203.0.113.48/28');
    child.kill('SIGKILL');
    await exited(child);
    await startAgainAndDown('tli6', '203.0.113.48/28');
    expect(leftovers('tli5')).to.deep.equal([]);
  });

  it('on SIGINT the harness stops its daemons and removes the lab itself before exiting', async () => {
    const child = await holdLab('tli6', '203.0.113.48/28');
    child.kill('SIGINT');
    expect((await exited(child)).signal).to.equal('SIGINT');
    expect(leftovers('tli6')).to.deep.equal([]);
    await startAgainAndDown('tli6', '203.0.113.48/28');
  });

  it('on an uncaught exception the harness removes the lab synchronously on exit', async () => {
    const child = await holdLab('tli6', '203.0.113.48/28', 'crash');
    expect((await exited(child)).code).to.equal(1);
    expect(leftovers('tli6')).to.deep.equal([]);
    expect(existsSync('/run/dpd-harness/tli6.json')).to.equal(false);
  });
});
