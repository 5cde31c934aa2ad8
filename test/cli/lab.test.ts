import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labCommand } from '../../src/cli/lab.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { rejectionOf } from '../support/rejection-of.js';
import { leftovers } from '../lab/fixtures/lab-fixture.js';
import { processStartTime } from '../../src/lab/process-identity.js';

const RUN_MAIN = fileURLToPath(new URL('./fixtures/run-main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Running, not a zombie waiting for init to reap it. */
const processAlive = (pid: number): boolean => processStartTime(pid) !== undefined;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', RUN_MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `# lab test profile
lab:
  name: tli7
  kind: strongswan
  subnet: 203.0.113.32/28
  dut_address: 203.0.113.33
  peer_addresses: [203.0.113.34]
  psk: cli-test-psk
`;

describe('cli/lab', function () {
  this.timeout(30_000);
  let dir: string;
  const profile = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tli-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a profile without a PSK: exit 2, ERR_CONFIG_SCHEMA at file:line:col naming lab.psk, no stack trace', () => {
    const file = profile('no-psk.yaml', GOOD.replace(/ {2}psk:.*\n/, ''));
    const r = cli(['lab', 'up', '--profile', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`ERR_CONFIG_SCHEMA: ${file}:3:3: lab.psk:`);
    expect(r.stderr).not.to.match(/\n\s+at /);
  });

  it('an unknown DUT kind or an address outside the documentation ranges: exit 2 naming the field and its position', () => {
    const kind = profile('kind.yaml', GOOD.replace('kind: strongswan', 'kind: vyos'));
    expect(cli(['lab', 'up', '--profile', kind]).stderr).to.contain(`${kind}:4:9: lab.kind: unknown DUT kind "vyos"`);
    const addr = profile('addr.yaml', GOOD.replace('[203.0.113.34]', '[203.0.113.34, 10.0.0.9]'));
    const r = cli(['lab', 'up', '--profile', addr]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`${addr}:7:34: lab.peer_addresses.1:`);
  });

  it('YAML syntax errors and unknown subcommands: exit 2', () => {
    const bad = profile('syntax.yaml', 'lab: [unclosed\n');
    const r = cli(['lab', 'up', '--profile', bad]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('ERR_CONFIG_SYNTAX');
    expect(cli(['lab', 'sideways']).code).to.equal(2);
  });

  it('status of a lab that is not up says so, exit 0', () => {
    const r = cli(['lab', 'status', '--name', 'tli7']);
    expect([r.code, r.stdout]).to.deep.equal([0, 'lab tli7: down\n']);
  });

  it('without root: ERR_LAB_NOT_ROOT (an ERR_LAB_* code, so exit 2) before touching anything', async () => {
    const realGetuid = process.getuid;
    process.getuid = () => 1000;
    try {
      expect(await rejectionOf(labCommand(['down', '--name', 'tli7']))).to.have.property('code', 'ERR_LAB_NOT_ROOT');
    } finally {
      process.getuid = realGetuid;
    }
  });

  describe('@root', () => {
    before(function () {
      requireRoot(this);
      requireCommands(this, 'ip', 'unshare', 'setpriv', 'sysctl');
    });

    it('up returns once the lab is up, leaving an owner process; a second up is busy; down removes it all', () => {
      const file = profile('good.yaml', GOOD);
      const up = cli(['lab', 'up', '--profile', file, '--no-daemons']);
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stdout).to.contain('DUT            strongswan in netns tli7-dut, address 203.0.113.33');
      expect(up.stdout).to.contain('peer bind      203.0.113.34 in the root namespace');
      expect(up.stdout).to.match(/data plane {5}(real|emulated)/);
      expect(up.stdout).not.to.contain('cli-test-psk');
      const owner = Number(/owner pid (\d+)/.exec(up.stdout)?.[1]);
      expect(processAlive(owner)).to.equal(true);

      const busy = cli(['lab', 'up', '--profile', file, '--no-daemons']);
      expect(busy.code).to.equal(2);
      expect(busy.stderr).to.contain('ERR_LAB_NAME_BUSY');
      expect(cli(['lab', 'status', '--profile', file]).stdout).to.contain('lab tli7: up');

      const down = cli(['lab', 'down', '--name', 'tli7']);
      expect([down.code, down.stdout]).to.deep.equal([0, 'lab tli7: removed\n']);
      expect(processAlive(owner)).to.equal(false);
      expect(leftovers('tli7')).to.deep.equal([]);
      expect(cli(['lab', 'down', '--name', 'tli7']).stdout).to.equal('lab tli7: nothing to remove\n');
    });

    it('up --foreground holds the lab in the foreground until a signal, then removes it', async () => {
      const file = profile('good.yaml', GOOD);
      const up = spawn(process.execPath, ['--import', 'tsx', RUN_MAIN, 'lab', 'up', '--profile', file, '--no-daemons', '--foreground'], { cwd: ROOT });
      let out = '';
      const exited = new Promise<NodeJS.Signals | null>((r) => up.on('exit', (_c, s) => r(s)));
      await new Promise<void>((resolve, reject) => {
        up.stdout.on('data', (d) => (out += d) && out.includes('is up') && resolve());
        up.on('exit', () => reject(new Error(`lab up exited early: ${out}`)));
      });
      expect(out).to.contain('lab tli7: up');
      up.kill('SIGINT');
      expect(await exited).to.equal('SIGINT');
      expect(leftovers('tli7')).to.deep.equal([]);
    });
  });
});
