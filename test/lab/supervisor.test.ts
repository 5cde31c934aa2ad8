import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { LabError } from '../../src/errors.js';
import { daemonArgv, LabCommandError, Supervisor } from '../../src/lab/supervisor.js';
import { requireCommands, requireRoot } from '../support/environment.js';

async function rejection(p: Promise<unknown>): Promise<LabCommandError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(LabCommandError);
    expect(err).to.be.instanceOf(LabError);
    return err as LabCommandError;
  }
  throw new Error('expected a rejection');
}

describe('lab/supervisor run (one-shot commands)', () => {
  const sup = new Supervisor();

  it('returns stdout and stderr of a successful command, with input on stdin', async () => {
    const r = await sup.run('sh', ['-c', 'cat; echo err >&2'], { input: 'hello', env: { X: '1' } });
    expect(r).to.deep.equal({ stdout: 'hello', stderr: 'err\n' });
  });

  it('fails with ERR_LAB_COMMAND_FAILED carrying exit code and stderr', async () => {
    const err = await rejection(sup.run('sh', ['-c', 'echo nope >&2; exit 3']));
    expect(err.code).to.equal('ERR_LAB_COMMAND_FAILED');
    expect(err.exitCode).to.equal(3);
    expect(err.stderr).to.equal('nope\n');
  });

  it('kills a command at its hard timeout with ERR_LAB_TIMEOUT', async () => {
    const started = Date.now();
    const err = await rejection(sup.run('sleep', ['30'], { timeoutMs: 200 }));
    expect(err.code).to.equal('ERR_LAB_TIMEOUT');
    expect(Date.now() - started).to.be.below(10_000);
  });

  it('reports a missing executable as ERR_LAB_MISSING_PACKAGE', async () => {
    expect((await rejection(sup.run('dpd-harness-no-such-tool', []))).code).to.equal('ERR_LAB_MISSING_PACKAGE');
  });
});

describe('lab/supervisor daemonArgv (pure)', () => {
  it('wraps the daemon: parent-death signal, netns, private mount namespace, mounts, exec', () => {
    const argv = daemonArgv({
      cmd: '/usr/lib/ipsec/charon',
      args: ['--debug-ike', '2'],
      netns: 'tli1-dut',
      privateMounts: [{ type: 'tmpfs', target: '/run' }, { type: 'bind', source: "/a b'c", target: '/usr/libexec' }],
    });
    expect(argv).to.deep.equal([
      'setpriv', '--pdeathsig', 'TERM', '--',
      'ip', 'netns', 'exec', 'tli1-dut',
      'unshare', '--mount', '--propagation', 'private', '--',
      'sh', '-c', `mount -t tmpfs tmpfs '/run' && mount --bind '/a b'\\''c' '/usr/libexec' && exec "$0" "$@"`,
      '/usr/lib/ipsec/charon', '--debug-ike', '2',
    ]);
  });
});

describe('lab/supervisor daemons @root', function () {
  this.timeout(30_000);
  before(function () {
    requireRoot(this);
    requireCommands(this, 'setpriv', 'unshare', 'ip');
  });

  it('runs a daemon in a private mount namespace the host does not see, streaming its output and log file', async () => {
    const sup = new Supervisor();
    const log = `/tmp/tli-sup-${process.pid}.log`;
    const d = sup.spawnDaemon({
      name: 'probe',
      cmd: 'sh',
      args: ['-c', `echo started; grep -c ' /mnt tmpfs' /proc/self/mounts; echo to-file > ${log}; exec sleep 60`],
      privateMounts: [{ type: 'tmpfs', target: '/mnt' }],
      logFile: log,
    });
    const seen: string[] = [];
    for await (const l of d.lines()) {
      seen.push(`${l.source}:${l.line}`);
      if (seen.length === 3) break;
    }
    expect(seen).to.have.members(['stdout:started', 'stdout:1', 'log:to-file']);
    expect(execFileSync('cat', ['/proc/self/mounts']).toString()).not.to.match(/ \/mnt tmpfs/);
    expect(d.running).to.equal(true);
    const exit = await d.stop(5_000);
    expect(exit.signal).to.equal('SIGTERM');
    expect(d.running).to.equal(false);
    execFileSync('rm', ['-f', log]);
  });

  it('escalates to SIGKILL when a daemon ignores SIGTERM for longer than the grace period', async () => {
    const sup = new Supervisor();
    const d = sup.spawnDaemon({ name: 'stubborn', cmd: 'sh', args: ['-c', `trap '' TERM; echo ready; while :; do sleep 1; done`] });
    for await (const l of d.lines()) if (l.line === 'ready') break;
    const started = Date.now();
    const exit = await d.stop(300);
    expect(exit.signal).to.equal('SIGKILL');
    expect(Date.now() - started).to.be.at.least(300);
    expect(sup.runningDaemons()).to.deep.equal([]);
  });
});
