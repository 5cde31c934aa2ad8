/**
 * The commands the strongSwan and Libreswan adapters issue, recorded by a fake
 * supervisor, so the control contract (swanctl's --uri after the command word,
 * whack's own socket, private mounts, the shim only when ESP is emulated, the
 * bound on every call, secrets files readable by root only) is checked without
 * root or daemons. test/lab/daemons.test.ts runs the same adapters for real.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataPlane } from '../../src/lab/data-plane.js';
import type { DutAdapterContext } from '../../src/lab/dut-adapter-types.js';
import { createLibreswanAdapter } from '../../src/lab/libreswan.js';
import { createStrongswanAdapter } from '../../src/lab/strongswan.js';
import type { DaemonHandle, DaemonOptions, RunOptions, Supervisor } from '../../src/lab/supervisor.js';
import { FakeClock } from '../support/fake-clock.js';

interface Recorded {
  runs: Array<{ cmd: string; args: string[]; opts: RunOptions }>;
  daemons: DaemonOptions[];
}

/** Answers every command at once with `stdout(cmd, args)`; daemons "run" until stopped. */
function recordingSupervisor(stdout: (cmd: string, args: string[]) => string): { supervisor: Supervisor; recorded: Recorded } {
  const recorded: Recorded = { runs: [], daemons: [] };
  const fake = {
    run: async (cmd: string, args: string[], opts: RunOptions = {}) => {
      recorded.runs.push({ cmd, args, opts });
      return { stdout: stdout(cmd, args), stderr: '' };
    },
    spawnDaemon: (opts: DaemonOptions): DaemonHandle => {
      recorded.daemons.push(opts);
      let running = true;
      const exit = { code: 0, signal: null };
      return {
        name: opts.name,
        pid: 4242,
        identity: { pid: 4242, startTime: '1' },
        exited: Promise.resolve(exit),
        get running() {
          return running;
        },
        lines: async function* () {},
        snapshot: () => [],
        catchUpLog: async () => undefined,
        stop: async () => {
          running = false;
          return exit;
        },
      };
    },
  };
  return { supervisor: fake as unknown as Supervisor, recorded };
}

const PSK = 'commands-test-psk';

function contextFor(role: 'dut' | 'peer', workDir: string, dataPlane: DataPlane, supervisor: Supervisor): DutAdapterContext {
  return {
    role,
    lab: 'ldxc',
    netns: `ldxc-${role}`,
    localAddresses: ['203.0.113.65'],
    remoteAddresses: ['203.0.113.66', '203.0.113.67'],
    localSubnets: [],
    remoteSubnets: [],
    selectors: [],
    ikeVersion: 1,
    psk: PSK,
    config: { dpd: { delay: 2, timeout: 6, action: 'clear' }, control_timeout: 4 },
    workDir,
    dataPlane,
    ...(dataPlane === 'emulated' ? { shimPath: '/cache/lab/fake-xfrm-sa.so' } : {}),
    cacheDir: '/cache',
    supervisor,
    clock: new FakeClock(),
  };
}

describe('lab/daemons-commands: what the adapters ask of the supervisor', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ldx-commands-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('strongSwan: charon with its own conf, /run and shim; every swanctl call names the vici socket after the command and is bounded', async () => {
    const listing = 'list-sa event {peer2 {state=ESTABLISHED remote-host=203.0.113.67 child-sas {net-1 {name=net state=INSTALLED spi-in=0000abcd spi-out=c0ffee00}}}}\n';
    const { supervisor, recorded } = recordingSupervisor((_cmd, args) => (args[0] === '--list-sas' ? listing : 'ok'));
    // A socket left by an earlier charon must not make start() believe the new one is ready.
    writeFileSync(join(workDir, 'charon.vici'), '');
    const adapter = createStrongswanAdapter(contextFor('dut', workDir, 'emulated', supervisor));
    await adapter.start();
    expect(existsSync(join(workDir, 'charon.vici'))).to.equal(false);
    await adapter.loadConfig();
    await adapter.initiate('peer2');
    const sas = await adapter.listSas();
    await adapter.terminate('peer2');
    await adapter.stop();

    expect(recorded.daemons).to.have.length(1);
    const [charon] = recorded.daemons;
    expect([charon.cmd, charon.args, charon.netns]).to.deep.equal(['/usr/lib/ipsec/charon', [], 'ldxc-dut']);
    expect(charon.env).to.deep.equal({ STRONGSWAN_CONF: join(workDir, 'strongswan.conf'), LD_PRELOAD: '/cache/lab/fake-xfrm-sa.so' });
    expect(charon.privateMounts).to.deep.equal([{ type: 'tmpfs', target: '/run' }]);
    expect(charon.logFile).to.equal(join(workDir, 'charon.log'));

    const uri = `unix://${join(workDir, 'charon.vici')}`;
    expect(recorded.runs.map((r) => [r.cmd, r.args[0], r.args.slice(-2).join(' ')])).to.deep.equal(
      ['--stats', '--load-all', '--initiate', '--list-sas', '--terminate'].map((command) => ['swanctl', command, `--uri ${uri}`]),
    );
    expect(recorded.runs.find((r) => r.args[0] === '--initiate')?.args).to.include.members(['--child', 'net', '--ike', 'peer2']);
    expect(recorded.runs.every((r) => r.opts.timeoutMs !== undefined && r.opts.timeoutMs > 0)).to.equal(true);
    expect(recorded.runs.find((r) => r.args[0] === '--list-sas')?.opts.timeoutMs).to.equal(4000);

    expect(statSync(join(workDir, 'swanctl.conf')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(workDir, 'strongswan.conf'), 'utf8')).not.to.contain(PSK);
    expect(sas).to.deep.equal([
      {
        conn: 'peer2',
        ike: { state: 'ESTABLISHED', peer: '203.0.113.67', established: true },
        children: [{ name: 'net', state: 'INSTALLED', installed: true, spis: ['0000abcd', 'c0ffee00'] }],
      },
    ]);
  });

  it('strongSwan on a kernel with ESP: no shim, and larval SAs keep charon\'s default expiry', async () => {
    const { supervisor, recorded } = recordingSupervisor(() => 'ok');
    const adapter = createStrongswanAdapter(contextFor('dut', workDir, 'real', supervisor));
    await adapter.start();
    expect(recorded.daemons[0].env).to.deep.equal({ STRONGSWAN_CONF: join(workDir, 'strongswan.conf') });
    expect(readFileSync(join(workDir, 'strongswan.conf'), 'utf8')).to.contain('xfrm_acq_expires = 165');
  });

  it('Libreswan: pluto from the cache in a mount namespace with libexec bound over /usr/libexec, its own NSS db and whack socket', async () => {
    const { supervisor, recorded } = recordingSupervisor(() => '');
    const adapter = createLibreswanAdapter(contextFor('peer', workDir, 'emulated', supervisor));
    await adapter.start();
    await adapter.loadConfig();
    await adapter.initiate('dut1');
    await adapter.listSas();
    await adapter.terminate('dut1');
    await adapter.stop();

    const libexec = '/cache/libreswan/usr/libexec';
    const [pluto] = recorded.daemons;
    expect(pluto.cmd).to.equal(`${libexec}/ipsec/pluto`);
    expect(pluto.netns).to.equal('ldxc-peer');
    expect(pluto.args).to.include.members(['--nofork', '--config', join(workDir, 'ipsec.conf'), '--secretsfile', join(workDir, 'ipsec.secrets')]);
    expect(pluto.privateMounts).to.deep.equal([
      { type: 'bind', source: libexec, target: '/usr/libexec' },
      { type: 'tmpfs', target: '/run' },
    ]);
    expect(pluto.env).to.deep.equal({ LD_PRELOAD: '/cache/lab/fake-xfrm-sa.so' });

    const [certutil, ...control] = recorded.runs;
    expect([certutil.cmd, ...certutil.args]).to.deep.equal(['certutil', '-N', '-d', `sql:${join(workDir, 'nss')}`, '--empty-password']);
    const ctl = join(workDir, 'run', 'pluto.ctl');
    const whacks = control.filter((r) => r.cmd === `${libexec}/ipsec/whack`);
    expect(whacks.map((r) => r.args.slice(0, 2))).to.deep.equal(Array(whacks.length).fill(['--ctlsocket', ctl]));
    expect(whacks.map((r) => r.args.slice(2))).to.deep.equal([
      ['--status'],
      ['--rereadsecrets'],
      ['--name', 'dut1', '--initiate'],
      ['--showstates'],
      ['--name', 'dut1', '--terminate'],
    ]);
    const addconn = control.find((r) => r.cmd === `${libexec}/ipsec/addconn`);
    expect(addconn?.args).to.deep.equal(['--config', join(workDir, 'ipsec.conf'), '--ctlsocket', ctl, '--autoall']);
    expect(control.every((r) => r.opts.timeoutMs !== undefined && r.opts.timeoutMs > 0)).to.equal(true);

    expect(statSync(join(workDir, 'ipsec.secrets')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(workDir, 'ipsec.conf'), 'utf8')).not.to.contain(PSK);
    // A peer daemon with one local address gets one connection per remote: dut1, dut2.
    expect(readFileSync(join(workDir, 'ipsec.conf'), 'utf8').match(/^conn \S+/gm)).to.deep.equal(['conn dut1', 'conn dut2']);
  });

  for (const kind of ['strongswan', 'libreswan'] as const) {
    it(`${kind} with failover: the hook is written into the work dir (0755), the config points at it, and every terminate runs under the hold`, async () => {
      const hold = join(workDir, 'failover.hold');
      const heldDuring: string[] = [];
      const { supervisor } = recordingSupervisor((_cmd, args) => {
        if (args.includes('--terminate')) heldDuring.push(existsSync(hold) ? 'held' : 'not held');
        return 'ok';
      });
      const ctx = { ...contextFor('dut', workDir, 'real', supervisor), config: { dpd: { delay: 2, timeout: 6, action: 'clear' }, failover: { peers: [1, 0] } } };
      const adapter = kind === 'strongswan' ? createStrongswanAdapter(ctx) : createLibreswanAdapter(ctx);
      await adapter.start();
      await adapter.loadConfig();
      await adapter.terminate('peer1');
      await adapter.stop();
      const hookPath = join(workDir, 'failover-updown.sh');
      expect(statSync(hookPath).mode & 0o777).to.equal(0o755);
      const hook = readFileSync(hookPath, 'utf8');
      // Order [1, 0]: peer2 (203.0.113.67) fails over to peer1; peer1 is last.
      expect(hook).to.contain('  203.0.113.67) next=peer1 ;;').and.match(/203\.0\.113\.66\) say .*last peer/);
      expect(hook).to.contain(join(workDir, 'failover-updown.log'));
      const conf = readFileSync(join(workDir, kind === 'strongswan' ? 'swanctl.conf' : 'ipsec.conf'), 'utf8');
      expect(conf).to.contain(kind === 'strongswan' ? `updown = ${hookPath}` : `leftupdown=${hookPath}`);
      if (kind === 'strongswan') {
        expect(hook).to.contain(`/usr/sbin/swanctl --initiate --child net --ike peer1 --timeout 30 --uri unix://${join(workDir, 'charon.vici')}`);
      } else {
        expect(hook).to.contain('--name peer1 --initiate --asynchronous').and.not.contain('--delete').and.not.contain('--unroute');
        expect(conf).to.contain('rekey=no');
      }
      expect(heldDuring).to.deep.equal(['held']);
      expect(existsSync(hold)).to.equal(false);
      expect(adapter.describe()).to.include({ failover_hook: hookPath, failover_log: join(workDir, 'failover-updown.log') });
    });
  }

  it('Libreswan IKEv2 with failover: the hook unroutes the dead conn (its %trap stays after dpdaction=clear) before it initiates the next', async () => {
    const { supervisor } = recordingSupervisor(() => 'ok');
    const ctx = { ...contextFor('dut', workDir, 'real', supervisor), ikeVersion: 2 as const, config: { dpd: { delay: 2, timeout: 6, action: 'clear' }, failover: { peers: [0, 1] } } };
    const adapter = createLibreswanAdapter(ctx);
    await adapter.start();
    await adapter.stop();
    const whack = `/cache/libreswan/usr/libexec/ipsec/whack --ctlsocket ${join(workDir, 'run/pluto.ctl')}`;
    expect(readFileSync(join(workDir, 'failover-updown.sh'), 'utf8')).to.contain(`  peer2) ${whack} --name peer1 --unroute; ${whack} --name peer2 --initiate --asynchronous ;;`);
  });

  it('a bad daemon setting is a lab error naming the profile field', () => {
    const { supervisor } = recordingSupervisor(() => '');
    const ctx = { ...contextFor('peer', workDir, 'real', supervisor), config: { dpd: { action: 'explode' } } };
    expect(() => createLibreswanAdapter(ctx)).to.throw(/lab\.peer_daemon\.dpd\.action: must be one of clear, hold, restart/).with.property('code', 'ERR_LAB_DAEMON');
  });

  it('strongSwan with lab.dut.package: the unpacked charon, its libraries first, its /usr/lib/ipsec bound over; refused when the system\'s libraries are mapped', async () => {
    const { supervisor, recorded } = recordingSupervisor(() => 'ok');
    const cache = join(workDir, 'cache');
    const ipsec = join(cache, 'lab', 'strongswan-5.9.8-5+deb12u5', 'usr', 'lib', 'ipsec');
    mkdirSync(ipsec, { recursive: true });
    // The recorded "daemon" is this test process (pid 4242 is not ours): node maps no libcharon, so the check must refuse it.
    const fake = supervisor as unknown as { spawnDaemon(o: DaemonOptions): DaemonHandle };
    const spawn = fake.spawnDaemon.bind(fake);
    fake.spawnDaemon = (o) => ({ ...spawn(o), pid: process.pid });
    const ctx = { ...contextFor('dut', workDir, 'real', supervisor), cacheDir: cache, config: { dpd: { delay: 2, timeout: 6, action: 'clear' }, package: '5.9.8-5+deb12u5' } };
    const adapter = createStrongswanAdapter(ctx);
    let err: unknown;
    await adapter.start().catch((e: unknown) => (err = e));
    expect(err).to.have.property('code', 'ERR_LAB_DAEMON');
    expect((err as Error).message).to.contain(`outside ${realpathSync(ipsec)}`);
    const [charon] = recorded.daemons;
    expect(charon.cmd).to.equal(join(ipsec, 'charon'));
    expect(charon.env).to.deep.equal({ STRONGSWAN_CONF: join(workDir, 'strongswan.conf'), LD_LIBRARY_PATH: realpathSync(ipsec) });
    expect(charon.privateMounts).to.deep.equal([{ type: 'tmpfs', target: '/run' }, { type: 'bind', source: realpathSync(ipsec), target: '/usr/lib/ipsec' }]);
    expect(adapter.describe()).to.include({ daemon: join(ipsec, 'charon'), package: `strongswan 5.9.8-5+deb12u5 (${join(cache, 'lab', 'strongswan-5.9.8-5+deb12u5')})` });
  });
});
