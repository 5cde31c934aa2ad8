/**
 * strongSwan (charon 5.9) as a lab DUT: a private strongswan.conf through
 * STRONGSWAN_CONF, a private /run (charon hard-codes /var/run/charon.pid, so
 * several instances need their own), its own vici socket, and swanctl with
 * --uri for every control operation.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { DutAdapter, DutAdapterContext, SaListing } from './dut-adapter-types.js';
import { planConnections, type Connection, type DaemonConfig } from './daemon-config.js';
import { daemonConfigOf, daemonLogLines, removeStale, shimEnv, waitUntilReady, writeConfigFile } from './daemon-control.js';
import { foreignCoreLibraries, PACKAGE_CHARON, PACKAGE_IPSEC_DIR, packageDir } from './daemon-package.js';
import { daemonVersionFromLog } from './daemon-version.js';
import { FAILOVER_HOLD_FILE, FAILOVER_HOOK_FILE, FAILOVER_LOG_FILE, renderFailoverHook, shellQuote, withFailoverHold, writeFailoverHook } from './failover-hook.js';
import { renderStrongswanConf, renderSwanctlConf, type StrongswanRender } from './strongswan-config.js';
import type { DaemonHandle, PrivateMount } from './supervisor.js';
import { parseListSas, type ViciSection } from './vici-text.js';

export const CHARON = '/usr/lib/ipsec/charon';
const SWANCTL = 'swanctl';
/** The hook runs under charon's PATH, which may lack /usr/sbin. */
const SWANCTL_PATH = '/usr/sbin/swanctl';

/** swanctl's vici SA listing → the lab's common shape. */
export function saListingsFromSwanctl(text: string, connections: readonly Connection[]): SaListing[] {
  return parseListSas(text).map(({ conn, sa }) => {
    const children = typeof sa['child-sas'] === 'object' && !Array.isArray(sa['child-sas']) ? (sa['child-sas'] as ViciSection) : {};
    const state = String(sa.state ?? 'UNKNOWN');
    return {
      conn,
      ike: {
        state,
        peer: String(sa['remote-host'] ?? connections.find((c) => c.name === conn)?.remote ?? ''),
        established: state === 'ESTABLISHED',
      },
      children: Object.values(children)
        .filter((c): c is ViciSection => typeof c === 'object' && !Array.isArray(c))
        .map((c) => ({
          name: String(c.name ?? ''),
          state: String(c.state ?? 'UNKNOWN'),
          installed: c.state === 'INSTALLED',
          spis: [c['spi-in'], c['spi-out']].filter((s): s is string => typeof s === 'string'),
        })),
    };
  });
}

class StrongswanAdapter implements DutAdapter {
  readonly kind = 'strongswan' as const;
  private readonly config: DaemonConfig;
  private readonly connections: Connection[];
  private readonly files: { conf: string; swanctl: string; vici: string; log: string; keyLog: string; hook: string; hookLog: string; hold: string };
  private handle: DaemonHandle | undefined;
  /** The unpacked package tree of `package:`; unset: the system's charon. */
  private readonly packageDir: string | undefined;

  constructor(private readonly ctx: DutAdapterContext) {
    this.config = daemonConfigOf(ctx);
    this.packageDir = this.config.package === undefined ? undefined : packageDir(ctx.cacheDir, 'strongswan', this.config.package);
    this.connections = planConnections(ctx.role, ctx.localAddresses, ctx.remoteAddresses);
    const at = (f: string): string => join(ctx.workDir, f);
    this.files = { conf: at('strongswan.conf'), swanctl: at('swanctl.conf'), vici: at('charon.vici'), log: at('charon.log'), keyLog: at('charon-keys.log'), hook: at(FAILOVER_HOOK_FILE), hookLog: at(FAILOVER_LOG_FILE), hold: at(FAILOVER_HOLD_FILE) };
  }

  private render(): StrongswanRender {
    return {
      config: this.config,
      connections: this.connections,
      localSubnets: this.ctx.localSubnets,
      remoteSubnets: this.ctx.remoteSubnets,
      selectors: this.ctx.selectors,
      ikeVersion: this.ctx.ikeVersion,
      paths: { vici: this.files.vici, log: this.files.log, keyLog: this.files.keyLog, ...(this.config.failover ? { failoverHook: this.files.hook } : {}) },
      emulated: this.ctx.dataPlane === 'emulated',
    };
  }

  private swanctl(args: string[], timeoutMs = this.config.controlTimeout * 1000): Promise<{ stdout: string }> {
    // --uri must follow the command word: swanctl parses options per command.
    return this.ctx.supervisor.run(SWANCTL, [...args, '--uri', `unix://${this.files.vici}`], { timeoutMs });
  }

  async start(): Promise<void> {
    writeConfigFile(this.files.conf, renderStrongswanConf(this.render()));
    // A stale socket would make the readiness probe pass before charon listens.
    removeStale(this.files.vici);
    // Resolved: the loader maps files by their real path (.cache may be a symlink), and the check compares those.
    const ipsec = this.packageDir && realpathSync(join(this.packageDir, PACKAGE_IPSEC_DIR));
    // charon's RUNPATH and its plugin directory are both /usr/lib/ipsec: the library path takes the
    // package's libcharon/libstrongswan, the bind mount (private to charon) its plugins.
    const packaged: { env: Record<string, string>; mounts: PrivateMount[] } = ipsec
      ? { env: { LD_LIBRARY_PATH: ipsec }, mounts: [{ type: 'bind', source: ipsec, target: '/usr/lib/ipsec' }] }
      : { env: {}, mounts: [] };
    this.handle = this.ctx.supervisor.spawnDaemon({
      name: `charon-${this.ctx.lab}-${this.ctx.role}`,
      cmd: this.charon(),
      args: [],
      netns: this.ctx.netns,
      env: { STRONGSWAN_CONF: this.files.conf, ...packaged.env, ...shimEnv(this.ctx) },
      privateMounts: [{ type: 'tmpfs', target: '/run' }, ...packaged.mounts],
      logFile: this.files.log,
    });
    await waitUntilReady(this.ctx.clock, this.handle, async () => (await this.swanctl(['--stats'], 3000)).stdout.length > 0, 20_000, 'charon');
    if (ipsec) this.checkLoadedFrom(ipsec, this.handle.pid);
  }

  private charon(): string {
    return this.packageDir ? join(this.packageDir, PACKAGE_CHARON) : CHARON;
  }

  /** A report that names a package version must be about that version's code, not the system's. */
  private checkLoadedFrom(ipsec: string, pid: number): void {
    const foreign = foreignCoreLibraries(readFileSync(`/proc/${pid}/maps`, 'utf8'), ipsec);
    if (foreign.length > 0) {
      throw new LabError('ERR_LAB_DAEMON', `charon from package ${this.config.package} runs with libraries from outside ${ipsec}: ${foreign.join(', ')}`);
    }
  }

  /** The version charon logs in its start-up banner. */
  private banner(): string | undefined {
    try {
      return daemonVersionFromLog(readFileSync(this.files.log, 'utf8').split('\n').map((line) => ({ line })));
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  async loadConfig(): Promise<void> {
    if (this.config.failover) {
      writeFailoverHook(
        this.files.hook,
        renderFailoverHook({
          daemon: 'strongswan',
          connections: this.connections,
          order: this.config.failover.peers,
          log: this.files.hookLog,
          hold: this.files.hold,
          // The same call as initiate() below; charon's environment (STRONGSWAN_CONF) is the hook's.
          initiate: (name) =>
            [SWANCTL_PATH, '--initiate', '--child', 'net', '--ike', name, '--timeout', '30', '--uri', `unix://${this.files.vici}`].map(shellQuote).join(' '),
        }),
      );
    }
    writeConfigFile(this.files.swanctl, renderSwanctlConf(this.render(), this.ctx.psk), true);
    await this.swanctl(['--load-all', '--noprompt', '--file', this.files.swanctl]);
  }

  async initiate(conn: string): Promise<void> {
    await this.swanctl(['--initiate', '--child', 'net', '--ike', conn, '--timeout', '30'], 35_000);
  }

  async terminate(conn: string): Promise<void> {
    // swanctl's own --timeout lets it report a hung delete itself; the hard bound leaves it room to say so.
    const seconds = this.config.controlTimeout;
    // The deletion runs the updown hook with down-client: the hold keeps it from failing over.
    await withFailoverHold(this.config.failover ? this.files.hold : undefined, () => this.swanctl(['--terminate', '--ike', conn, '--timeout', String(seconds)], seconds * 1000 + 5000));
  }

  async listSas(): Promise<SaListing[]> {
    const { stdout } = await this.swanctl(['--list-sas', '--raw']);
    return saListingsFromSwanctl(stdout, this.connections);
  }

  logLines() {
    return daemonLogLines(this.handle);
  }

  async catchUpLog(): Promise<void> {
    await this.handle?.catchUpLog();
  }

  describe(): Record<string, string> {
    const banner = this.banner();
    return {
      daemon: this.charon(),
      ...(banner ? { version: banner } : {}),
      ...(this.config.package ? { package: `strongswan ${this.config.package} (${this.packageDir})` } : {}),
      netns: this.ctx.netns,
      config: this.files.conf,
      connections: this.files.swanctl,
      vici: `unix://${this.files.vici}`,
      log: this.files.log,
      ...(this.config.logKeys ? { keys: this.files.keyLog } : {}),
      ...(this.config.failover ? { failover_hook: this.files.hook, failover_log: this.files.hookLog } : {}),
      conns: this.connections.map((c) => `${c.name}: ${c.local} -> ${c.remote}`).join('; '),
    };
  }
}

export function createStrongswanAdapter(ctx: DutAdapterContext): DutAdapter {
  return new StrongswanAdapter(ctx);
}
