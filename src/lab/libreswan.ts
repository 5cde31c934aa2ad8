/**
 * Libreswan (pluto 4.10) as a lab daemon. pluto comes from Debian's package
 * unpacked into the project cache (it conflicts with strongSwan's packages in
 * apt); it hard-codes /usr/libexec/ipsec/addconn, so it runs in a private mount
 * namespace with the unpacked usr/libexec bound over /usr/libexec.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DutAdapter, DutAdapterContext, SaListing } from './dut-adapter-types.js';
import { planConnections, type Connection, type DaemonConfig } from './daemon-config.js';
import { daemonConfigOf, daemonLogLines, removeStale, shimEnv, waitUntilReady, writeConfigFile } from './daemon-control.js';
import { FAILOVER_HOLD_FILE, FAILOVER_HOOK_FILE, FAILOVER_LOG_FILE, renderFailoverHook, shellQuote, withFailoverHold, writeFailoverHook } from './failover-hook.js';
import { pairConnNames, renderIpsecConf, renderIpsecSecrets, type LibreswanRender } from './libreswan-config.js';
import type { DaemonHandle } from './supervisor.js';

export function libreswanLibexec(cacheDir: string): string {
  return join(cacheDir, 'libreswan', 'usr', 'libexec');
}

const STATE_LINE = /^(?:\d{3} )?#(\d+): "([^"]+)"\S* (STATE_\w+) \(([^)]*)\)/;
/** The line after an IPsec SA's state line: `#2: "peer1" esp.<spi>@<host> esp.<spi>@<host> …`. */
const SPI_LINE = /^(?:\d{3} )?#(\d+): "([^"]+)"\S* esp\.([0-9a-f]+)@(\S+) esp\.([0-9a-f]+)@/;

/**
 * `whack --showstates` → the lab's common shape: one listing per connection with
 * an ISAKMP SA. SPIs are ordered [inbound, outbound] like strongSwan's: the
 * inbound one is the SPI at this host's address.
 */
export function saListingsFromWhack(text: string, connections: readonly Connection[]): SaListing[] {
  const byConn = new Map<string, SaListing>();
  // The conns of a connection's further selector pairs (`peer1-ts2`) are listed under it.
  const listing = (pairConn: string): SaListing => {
    const conn = pairConn.replace(/-ts\d+$/, '');
    let l = byConn.get(conn);
    if (!l) {
      const peer = connections.find((c) => c.name === conn)?.remote ?? '';
      l = { conn, ike: { state: 'NONE', peer, established: false }, children: [] };
      byConn.set(conn, l);
    }
    return l;
  };
  const spis = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const e = SPI_LINE.exec(line.trim());
    if (e) {
      const [, serial, conn, firstSpi, firstHost, secondSpi] = e;
      // Same 8-digit form as swanctl's, whatever leading zeros whack prints.
      const [first, second] = [firstSpi, secondSpi].map((spi) => spi.padStart(8, '0'));
      const outboundFirst = connections.find((c) => c.name === conn.replace(/-ts\d+$/, ''))?.remote === firstHost;
      spis.set(`#${serial}`, outboundFirst ? [second, first] : [first, second]);
      continue;
    }
    const m = STATE_LINE.exec(line.trim());
    if (!m) continue;
    const [, serial, conn, state, words] = m;
    const l = listing(conn);
    // IKEv1: Main/Aggressive Mode then Quick Mode states; IKEv2: STATE_V2_…_IKE_SA / …_CHILD_SA (and the PARENT_ states of IKE_SA_INIT).
    if (/^STATE_(MAIN|AGGR)_|^STATE_V2_(PARENT_|.*IKE_SA)/.test(state)) {
      l.ike = { state, peer: l.ike.peer, established: state === 'STATE_V2_ESTABLISHED_IKE_SA' || /(ISAKMP|IKE) SA established/.test(words) };
    } else if (/^STATE_QUICK_|^STATE_V2_.*CHILD_SA/.test(state)) {
      l.children.push({ name: `#${serial}`, state, installed: /IPsec SA established/.test(words) || state === 'STATE_V2_ESTABLISHED_CHILD_SA' });
    }
  }
  for (const l of byConn.values()) {
    for (const c of l.children) {
      const found = c.name === undefined ? undefined : spis.get(c.name);
      if (found) c.spis = found;
    }
  }
  return [...byConn.values()].filter((l) => l.ike.state !== 'NONE' || l.children.length > 0);
}

class LibreswanAdapter implements DutAdapter {
  readonly kind = 'libreswan' as const;
  private readonly config: DaemonConfig;
  private readonly connections: Connection[];
  private readonly libexec: string;
  private readonly files: { conf: string; secrets: string; nss: string; run: string; ctl: string; log: string; hook: string; hookLog: string; hold: string };
  private handle: DaemonHandle | undefined;

  constructor(private readonly ctx: DutAdapterContext) {
    this.config = daemonConfigOf(ctx);
    this.connections = planConnections(ctx.role, ctx.localAddresses, ctx.remoteAddresses);
    this.libexec = libreswanLibexec(ctx.cacheDir);
    const at = (f: string): string => join(ctx.workDir, f);
    this.files = { conf: at('ipsec.conf'), secrets: at('ipsec.secrets'), nss: at('nss'), run: at('run'), ctl: at('run/pluto.ctl'), log: at('pluto.log'), hook: at(FAILOVER_HOOK_FILE), hookLog: at(FAILOVER_LOG_FILE), hold: at(FAILOVER_HOLD_FILE) };
  }

  private render(): LibreswanRender {
    return {
      config: this.config,
      connections: this.connections,
      localSubnets: this.ctx.localSubnets,
      remoteSubnets: this.ctx.remoteSubnets,
      selectors: this.ctx.selectors,
      ikeVersion: this.ctx.ikeVersion,
      logFile: this.files.log,
      ...(this.config.failover ? { failoverHook: this.files.hook } : {}),
    };
  }

  private tool(name: string): string {
    return join(this.libexec, 'ipsec', name);
  }

  private whack(args: string[], timeoutMs = this.config.controlTimeout * 1000): Promise<{ stdout: string }> {
    // pluto under SIGSTOP makes whack block forever: the supervisor's timeout bounds it.
    return this.ctx.supervisor.run(this.tool('whack'), ['--ctlsocket', this.files.ctl, ...args], { timeoutMs });
  }

  private writeConfig(): void {
    if (this.config.failover) {
      writeFailoverHook(
        this.files.hook,
        renderFailoverHook({
          daemon: 'libreswan',
          connections: this.connections,
          order: this.config.failover.peers,
          log: this.files.hookLog,
          hold: this.files.hold,
          // `ipsec auto --up` without the ipsec wrapper; --asynchronous: pluto answers at once, the log says the rest.
          initiate: (name, dead) => {
            const whack = (pair: string, ...args: string[]): string => [this.tool('whack'), '--ctlsocket', this.files.ctl, '--name', pair, ...args].map(shellQuote).join(' ');
            // IKEv2 dpdaction=clear leaves the dead conn's %trap on the subnets every conn shares (4.10 ikev2_retry.c
            // unroutes only if newest_ike_sa is still the dead SA, which deleting it has just reset), and the next
            // conn's Child SA then "cannot route -- route already in use": `ipsec auto --unroute` it first.
            const unroute = this.ctx.ikeVersion === 2 ? this.pairs(dead).map((pair) => whack(pair, '--unroute')) : [];
            return [...unroute, ...this.pairs(name).map((pair) => whack(pair, '--initiate', '--asynchronous'))].join('; ');
          },
        }),
      );
    }
    writeConfigFile(this.files.conf, renderIpsecConf(this.render()));
    writeConfigFile(this.files.secrets, renderIpsecSecrets(this.connections, this.ctx.psk), true);
  }

  async start(): Promise<void> {
    mkdirSync(this.files.nss, { recursive: true, mode: 0o700 });
    mkdirSync(this.files.run, { recursive: true, mode: 0o700 });
    removeStale(this.files.ctl);
    await this.ctx.supervisor.run('certutil', ['-N', '-d', `sql:${this.files.nss}`, '--empty-password']);
    this.writeConfig();
    this.handle = this.ctx.supervisor.spawnDaemon({
      name: `pluto-${this.ctx.lab}-${this.ctx.role}`,
      cmd: this.tool('pluto'),
      args: ['--nofork', '--config', this.files.conf, '--secretsfile', this.files.secrets, '--nssdir', this.files.nss, '--rundir', this.files.run],
      netns: this.ctx.netns,
      env: shimEnv(this.ctx),
      privateMounts: [
        { type: 'bind', source: this.libexec, target: '/usr/libexec' },
        { type: 'tmpfs', target: '/run' },
      ],
      logFile: this.files.log,
    });
    await waitUntilReady(this.ctx.clock, this.handle, async () => {
      await this.whack(['--status'], 3000);
      return true;
    }, 20_000, 'pluto');
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  async loadConfig(): Promise<void> {
    this.writeConfig();
    await this.whack(['--rereadsecrets']);
    await this.ctx.supervisor.run(this.tool('addconn'), ['--config', this.files.conf, '--ctlsocket', this.files.ctl, '--autoall'], {
      timeoutMs: this.config.controlTimeout * 1000,
    });
  }

  /** The conns of every selector pair of `conn` (libreswan-config.ts pairConnName). */
  private pairs(conn: string): string[] {
    return pairConnNames(conn, this.ctx.selectors.length);
  }

  async initiate(conn: string): Promise<void> {
    for (const name of this.pairs(conn)) await this.whack(['--name', name, '--initiate'], 40_000);
  }

  async terminate(conn: string): Promise<void> {
    // pluto runs the updown hook with down-client while it deletes: the hold keeps it from failing over.
    await withFailoverHold(this.config.failover ? this.files.hold : undefined, async () => {
      for (const name of this.pairs(conn)) await this.whack(['--name', name, '--terminate']);
    });
  }

  async listSas(): Promise<SaListing[]> {
    const { stdout } = await this.whack(['--showstates']);
    return saListingsFromWhack(stdout, this.connections);
  }

  logLines() {
    return daemonLogLines(this.handle);
  }

  async catchUpLog(): Promise<void> {
    await this.handle?.catchUpLog();
  }

  describe(): Record<string, string> {
    return {
      daemon: this.tool('pluto'),
      netns: this.ctx.netns,
      config: this.files.conf,
      ctlsocket: this.files.ctl,
      log: this.files.log,
      ...(this.config.failover ? { failover_hook: this.files.hook, failover_log: this.files.hookLog } : {}),
      conns: this.connections.map((c) => `${c.name}: ${c.local} -> ${c.remote}`).join('; '),
    };
  }
}

export function createLibreswanAdapter(ctx: DutAdapterContext): DutAdapter {
  return new LibreswanAdapter(ctx);
}
