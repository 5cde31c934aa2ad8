/**
 * The lab facade: Lab.up(spec) builds the topology, starts the DUT (and, in
 * peer-namespace mode, an optional second daemon) through its adapter, and
 * returns a running lab whose down() removes everything again. Every process
 * goes through one Supervisor; every exit path is guarded (exit-guard.ts); a
 * state file per lab name survives SIGKILL so the next start cleans up first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../events.js';
import { LabError } from '../errors.js';
import { dutAdapters } from './adapters.js';
import { requirePackages } from './daemon-package.js';
import { daemonDataPlane, detectDataPlane, type DataPlane } from './data-plane.js';
import type { DaemonRole, DutAdapter, DutAdapterContext, DutAdapterFactory } from './dut-adapter-types.js';
import { guardExit } from './exit-guard.js';
import type { DutKind, LabSpec } from './lab-spec.js';
import { claim, DEFAULT_STATE_DIR, ownerAlive, readState, removeState, writeState, type LabState } from './lab-state.js';
import { identify, isAlive, type ProcessIdentity } from './process-identity.js';
import { mirrorSelectors } from './daemon-selectors.js';
import { Supervisor } from './supervisor.js';
import { systemClock } from '../peer/system-clock.js';
import { applySteps, applyStepsSync, checkSubnetFree, labNames, parseNetnsList, planTeardown, planTopology, type LabNames } from './topology.js';

/** Two levels up from src/lab (tsx) and from dist/lab (build): the project root. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CACHE_DIR = join(PROJECT_ROOT, '.cache');
export const SHIM_FILE = 'lab/fake-xfrm-sa.so';

export interface LabOptions {
  clock?: Clock;
  stateDir?: string;
  cacheDir?: string;
  /** false: topology only, no daemons (tests of the lab itself, or a DUT started by hand). */
  daemons?: boolean;
  /** Overrides the registry in adapters.ts. */
  adapters?: Partial<Record<DutKind, () => Promise<DutAdapterFactory>>>;
  /** Progress lines ("detecting data plane", "starting charon"…); never contains secrets. */
  progress?(line: string): void;
}

export interface PeerBind {
  /** Addresses the fake peer binds UDP/500 (and 4500) on. */
  addresses: string[];
  /** Set in peer-namespace mode; unset means the root namespace (the harness process itself). */
  netns?: string;
}

export interface LabStatus {
  lab: string;
  /** 'stale': the owner died without cleaning up; `lab down` (or the next up) removes it. */
  status: LabState['status'] | 'down' | 'stale';
  owner?: number;
  dataPlane?: DataPlane;
  namespaces: string[];
  rootLinks: string[];
  subnet?: string;
  dut?: { kind: string; netns: string; address: string };
  peerBind?: PeerBind;
  daemons: Array<{ name: string; pid: number; running: boolean }>;
  workDir?: string;
  where: Record<string, Record<string, string>>;
  stateFile: string;
}

const REQUIRED_COMMANDS = ['ip', 'unshare', 'setpriv', 'sysctl'];

function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', cmd], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** What each DUT kind needs on disk (scripts/lab-install.sh provides it). */
export function missingDaemonFiles(kind: DutKind, cacheDir: string): string[] {
  const needed =
    kind === 'strongswan'
      ? ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl']
      : [join(cacheDir, 'libreswan/usr/libexec/ipsec/pluto'), join(cacheDir, 'libreswan/usr/libexec/ipsec/whack'), '/usr/bin/certutil'];
  return needed.filter((f) => !existsSync(f));
}

export function requireRootUser(): void {
  if (process.getuid?.() !== 0) {
    throw new LabError('ERR_LAB_NOT_ROOT', 'the lab needs root (network namespaces, veths, daemons on port 500); run with sudo');
  }
}

function existingNamespaces(): string[] {
  try {
    return parseNetnsList(execFileSync('ip', ['netns', 'list'], { timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  } catch {
    return [];
  }
}

function killIfSame(id: ProcessIdentity): void {
  if (!isAlive(id)) return;
  try {
    process.kill(id.pid, 'SIGKILL');
  } catch {
    // Exited meanwhile.
  }
}

/** Removes whatever a lab of this name left (dead owner), synchronously; safe when nothing is there. */
export function cleanStale(lab: string, previous: LabState | undefined): void {
  for (const d of previous?.daemons ?? []) killIfSame(d);
  applyStepsSync(planTeardown(lab, existingNamespaces()));
  // The work directory holds root-only copies of the PSK (swanctl.conf, ipsec.secrets).
  if (previous?.workDir) rmSync(previous.workDir, { recursive: true, force: true });
}

/**
 * Removes labs of any name whose owner died without cleaning up (SIGKILL): they
 * hold nothing anyone uses, but their root-namespace addresses would block a new
 * lab's subnet.
 */
export function reapDeadLabs(stateDir: string, progress: (line: string) => void = () => undefined): void {
  let files: string[];
  try {
    files = readdirSync(stateDir).filter((f) => f.endsWith('.json'));
  } catch {
    return;
  }
  for (const file of files) {
    const lab = file.slice(0, -'.json'.length);
    const s = readState(stateDir, lab);
    if (!s || ownerAlive(s)) continue;
    progress(`removing lab '${lab}' left behind by dead pid ${s.owner.pid}`);
    cleanStale(lab, s);
    removeState(stateDir, lab);
  }
}

export class Lab {
  readonly names: LabNames;
  readonly supervisor: Supervisor;
  /** The DUT's data plane (what reports state); the kernel's, `kernelDataPlane`, decides the shim and topology. */
  dataPlane: DataPlane | undefined;
  private kernelDataPlane: DataPlane = 'real';
  readonly peerBind: PeerBind;
  readonly workDir: string;
  /** The DUT's adapter (unset with daemons: false). */
  dut: DutAdapter | undefined;
  /** The second daemon in `<lab>-peer`, when the spec has peer_daemon. */
  peerDaemon: DutAdapter | undefined;

  private readonly clock: Clock;
  private readonly stateDir: string;
  private readonly cacheDir: string;
  private state: LabState;
  private unguard: (() => void) | undefined;
  private downing: Promise<void> | undefined;
  /** A signal can arrive mid-build: down() waits for the build to settle so no step runs after teardown. */
  private building: Promise<void> | undefined;
  private isDown = false;

  private constructor(
    readonly spec: LabSpec,
    private readonly options: LabOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
    this.cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
    this.names = labNames(spec.name);
    this.workDir = join(this.cacheDir, 'lab', spec.name);
    this.peerBind = spec.peerNetns
      ? { addresses: [...spec.peerAddresses], netns: this.names.peerNs }
      : { addresses: [...spec.peerAddresses] };
    this.supervisor = new Supervisor({
      clock: this.clock,
      onDaemonStarted: (name, id) => {
        this.state.daemons.push({ name, ...id });
        writeState(this.stateDir, this.state);
      },
    });
    const owner = identify(process.pid) as ProcessIdentity;
    this.state = {
      version: 1,
      lab: spec.name,
      owner,
      status: 'starting',
      startedAt: new Date(this.clock.wall()).toISOString(),
      namespaces: spec.peerNetns ? [this.names.dutNs, this.names.peerNs] : [this.names.dutNs],
      rootLinks: spec.peerNetns ? [] : [this.names.peerLink],
      daemons: [],
      subnet: spec.subnet,
      dutKind: spec.dutKind,
      dutAddress: spec.dutAddress,
      peerBind: this.peerBind,
      workDir: this.workDir,
      where: {},
    };
  }

  static async up(spec: LabSpec, options: LabOptions = {}): Promise<Lab> {
    requireRootUser();
    const missing = REQUIRED_COMMANDS.filter((c) => !commandExists(c));
    if (missing.length > 0) {
      throw new LabError('ERR_LAB_MISSING_PACKAGE', `missing ${missing.join(', ')} (run 'sudo npm run lab:install')`);
    }
    const lab = new Lab(spec, options);
    const daemons = options.daemons ?? true;
    if (daemons) {
      const kinds = [spec.dutKind, ...(spec.peerDaemon ? [spec.peerDaemon.kind] : [])];
      const files = [...new Set(kinds.flatMap((k) => missingDaemonFiles(k, lab.cacheDir)))];
      if (files.length > 0) {
        throw new LabError('ERR_LAB_MISSING_PACKAGE', `missing ${files.join(', ')} (run 'sudo npm run lab:install')`);
      }
      requirePackages(spec, lab.cacheDir);
    }
    const previous = claim(lab.stateDir, lab.state);
    lab.unguard = guardExit({ stop: () => lab.down(), stopSync: () => lab.downSync() });
    try {
      lab.building = lab.build(previous, daemons);
      await lab.building;
    } catch (err) {
      await lab.down();
      throw err;
    }
    return lab;
  }

  private progress(line: string): void {
    this.options.progress?.(line);
  }

  private async build(previous: LabState | undefined, daemons: boolean): Promise<void> {
    if (previous) this.progress(`removing what an earlier run of lab '${this.spec.name}' (pid ${previous.owner.pid}) left behind`);
    cleanStale(this.spec.name, previous);
    reapDeadLabs(this.stateDir, this.progress.bind(this));
    if (!this.spec.peerNetns) await checkSubnetFree(this.supervisor, this.spec.subnet, this.names.peerLink);

    this.progress('detecting the ESP data plane');
    this.kernelDataPlane = await detectDataPlane(this.supervisor);
    this.dataPlane = daemonDataPlane(this.kernelDataPlane, this.spec.dut);
    this.state.dataPlane = this.dataPlane;
    writeState(this.stateDir, this.state);
    const shimPath = join(this.cacheDir, SHIM_FILE);
    const shimmed = [this.spec.dut, ...(this.spec.peerDaemon ? [this.spec.peerDaemon.config] : [])].some((c) => daemonDataPlane(this.kernelDataPlane, c) === 'emulated');
    if (shimmed && daemons && !existsSync(shimPath)) {
      throw new LabError('ERR_LAB_MISSING_PACKAGE', `this kernel has no ESP and the emulation shim ${shimPath} is missing (run 'sudo npm run lab:install')`);
    }

    this.progress(`building topology ${this.names.dutNs} <-> ${this.peerBind.netns ?? 'root namespace'}`);
    await applySteps(this.supervisor, planTopology(this.spec, this.kernelDataPlane));

    if (daemons) {
      rmSync(this.workDir, { recursive: true, force: true });
      this.dut = await this.startDaemon('dut', this.spec.dutKind, this.spec.dut, shimPath);
      if (this.spec.peerDaemon) {
        this.peerDaemon = await this.startDaemon('peer', this.spec.peerDaemon.kind, this.spec.peerDaemon.config, shimPath);
      }
    }
    this.state.status = 'up';
    writeState(this.stateDir, this.state);
  }

  private async startDaemon(role: DaemonRole, kind: DutKind, config: Record<string, unknown>, shimPath: string): Promise<DutAdapter> {
    const load = (this.options.adapters ?? dutAdapters)[kind];
    if (!load) throw new LabError('ERR_LAB_DAEMON', `no lab adapter is registered for DUT kind '${kind}' (src/lab/adapters.ts)`);
    const factory = await load();
    const workDir = join(this.workDir, role);
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const dut = role === 'dut';
    const dataPlane = daemonDataPlane(this.kernelDataPlane, config);
    const ctx: DutAdapterContext = {
      role,
      lab: this.spec.name,
      netns: dut ? this.names.dutNs : this.names.peerNs,
      localAddresses: dut ? [this.spec.dutAddress] : [...this.spec.peerAddresses],
      remoteAddresses: dut ? [...this.spec.peerAddresses] : [this.spec.dutAddress],
      localSubnets: dut ? [...this.spec.dutSubnets] : [...this.spec.peerSubnets],
      remoteSubnets: dut ? [...this.spec.peerSubnets] : [...this.spec.dutSubnets],
      selectors: mirrorSelectors(role, this.spec.trafficSelectors ?? []),
      ikeVersion: this.spec.ikeVersion ?? 1,
      psk: this.spec.psk,
      config,
      workDir,
      dataPlane,
      ...(dataPlane === 'emulated' ? { shimPath } : {}),
      cacheDir: this.cacheDir,
      supervisor: this.supervisor,
      clock: this.clock,
    };
    const adapter = factory(ctx);
    this.progress(`starting ${kind} (${role}) in ${ctx.netns}`);
    await adapter.start();
    await adapter.loadConfig();
    this.state.where[role] = adapter.describe();
    writeState(this.stateDir, this.state);
    return adapter;
  }

  status(): LabStatus {
    const s = this.state;
    return {
      lab: s.lab,
      status: this.isDown ? 'down' : s.status,
      owner: s.owner.pid,
      ...(s.dataPlane ? { dataPlane: s.dataPlane } : {}),
      namespaces: [...s.namespaces],
      rootLinks: [...s.rootLinks],
      subnet: s.subnet,
      dut: { kind: s.dutKind, netns: this.names.dutNs, address: s.dutAddress },
      peerBind: this.peerBind,
      daemons: this.supervisor.runningDaemons().map((d) => ({ name: d.name, pid: d.pid, running: d.running })),
      workDir: s.workDir,
      where: s.where,
      stateFile: join(this.stateDir, `${s.lab}.json`),
    };
  }

  /** Stops daemons (adapters first, then whatever is left), removes namespaces, veths and the state file. Idempotent. */
  down(): Promise<void> {
    this.downing ??= (async () => {
      await this.building?.catch(() => undefined);
      if (!this.isDown) {
        this.state.status = 'stopping';
        writeState(this.stateDir, this.state);
      }
      for (const adapter of [this.peerDaemon, this.dut]) {
        await adapter?.stop().catch(() => undefined);
      }
      await this.supervisor.stopAll();
      const teardown = planTeardown(this.spec.name, existingNamespaces());
      await applySteps(this.supervisor, teardown).catch(() => applyStepsSync(teardown));
      // Daemon logs were read into memory for the reports; the configs hold the PSK.
      rmSync(this.workDir, { recursive: true, force: true });
      removeState(this.stateDir, this.spec.name);
      this.isDown = true;
      this.unguard?.();
    })();
    return this.downing;
  }

  /** The 'exit'-handler version of down(): no promises, SIGKILL instead of a grace period. */
  private downSync(): void {
    if (this.isDown) return;
    this.supervisor.killAllSync();
    cleanStale(this.spec.name, this.state);
    removeState(this.stateDir, this.spec.name);
    this.isDown = true;
  }
}

/** Status of a lab by name, from its state file: for `dpd-harness lab status` in another process. */
export function readLabStatus(lab: string, stateDir = DEFAULT_STATE_DIR): LabStatus {
  const s = readState(stateDir, lab);
  const names = labNames(lab);
  const stateFilePath = join(stateDir, `${lab}.json`);
  if (!s) return { lab, status: 'down', namespaces: [], rootLinks: [], daemons: [], where: {}, stateFile: stateFilePath };
  const alive = ownerAlive(s);
  return {
    lab,
    status: alive ? s.status : 'stale',
    owner: s.owner.pid,
    ...(s.dataPlane ? { dataPlane: s.dataPlane } : {}),
    namespaces: s.namespaces,
    rootLinks: s.rootLinks,
    subnet: s.subnet,
    dut: { kind: s.dutKind, netns: names.dutNs, address: s.dutAddress },
    peerBind: s.peerBind,
    daemons: s.daemons.map((d) => ({ name: d.name, pid: d.pid, running: isAlive(d) })),
    workDir: s.workDir,
    where: s.where,
    stateFile: stateFilePath,
  };
}

/**
 * Brings a lab down from any process: asks a live owner to stop (SIGTERM, which
 * its exit guard turns into a graceful down), waits, escalates to SIGKILL, and
 * then removes whatever is left. Returns false when there was nothing to remove.
 */
export async function downByName(lab: string, options: { stateDir?: string; graceMs?: number; clock?: Clock } = {}): Promise<boolean> {
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const clock = options.clock ?? systemClock;
  const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
  const s = readState(stateDir, lab);
  if (s && ownerAlive(s) && s.owner.pid !== process.pid) {
    process.kill(s.owner.pid, 'SIGTERM');
    const deadline = clock.now() + BigInt(options.graceMs ?? 25_000) * 1_000_000n;
    while (isAlive(s.owner) && clock.now() < deadline) await sleep(100);
    if (isAlive(s.owner)) killIfSame(s.owner);
  }
  const leftovers = existingNamespaces().some((ns) => ns === `${lab}-dut` || ns === `${lab}-peer`);
  const anything = s !== undefined || leftovers;
  cleanStale(lab, s);
  removeState(stateDir, lab);
  return anything;
}
