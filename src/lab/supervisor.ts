/**
 * The supervisor owns every process the lab starts: one-shot commands (each
 * with a hard timeout) and long-running daemons (each in its namespace, in a
 * private mount namespace, as its own process group, with its output as
 * timestamped lines). Nothing in src/lab starts a process any other way, so
 * stopAll() / killAllSync() really reach everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock } from '../events.js';
import { LabError, type ErrorCode } from '../errors.js';
import { FileTail } from './file-tail.js';
import { LineLog, type TimedLine } from './line-log.js';
import { identify, type ProcessIdentity } from './process-identity.js';
import { systemClock } from '../peer/system-clock.js';

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** Hard limit; the command is SIGKILLed after it. Default 10 s. */
  timeoutMs?: number;
  /** Extra environment variables on top of the harness's own. */
  env?: Record<string, string>;
  /** Written to the command's stdin. */
  input?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** A one-shot command that failed or timed out; `stderr` is what it said. */
export class LabCommandError extends LabError {
  constructor(
    code: ErrorCode,
    readonly argv: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    message: string,
  ) {
    super(code, message);
  }
}

export type PrivateMount = { type: 'tmpfs'; target: string } | { type: 'bind'; source: string; target: string };

export interface DaemonOptions {
  /** Short name used in logs and status, e.g. 'charon'. */
  name: string;
  cmd: string;
  args: string[];
  netns?: string;
  env?: Record<string, string>;
  /** Mounts made in the daemon's own mount namespace, invisible to the host. */
  privateMounts?: PrivateMount[];
  /** A log file the daemon writes; its lines join stdout/stderr in lines(). */
  logFile?: string;
  cwd?: string;
}

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonHandle {
  readonly name: string;
  readonly pid: number;
  readonly identity: ProcessIdentity;
  readonly exited: Promise<DaemonExit>;
  readonly running: boolean;
  /** stdout, stderr and log file lines, from the start, until the daemon has exited. */
  lines(): AsyncIterable<TimedLine>;
  /** Every line read so far. */
  snapshot(): TimedLine[];
  /** Reads the log file up to what the daemon has written by now (the tail polls only every 100 ms). */
  catchUpLog(): Promise<void>;
  /** SIGTERM, wait up to graceMs, then SIGKILL; idempotent. */
  stop(graceMs?: number): Promise<DaemonExit>;
}

export interface SupervisorOptions {
  clock?: Clock;
  /** Called with each daemon's identity as soon as it runs, so the lab can record it in its state file. */
  onDaemonStarted?(name: string, id: ProcessIdentity): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_GRACE_MS = 5_000;

/** Single-quotes a word for sh -c. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The argv that starts a daemon: in its network namespace, in a private mount
 * namespace where the requested mounts are made, killed with SIGTERM if the
 * harness dies without a chance to clean up (parent-death signal), and exec'd
 * so the pid we hold is the daemon's own. Pure, so it is unit-tested.
 */
export function daemonArgv(opts: Pick<DaemonOptions, 'cmd' | 'args' | 'netns' | 'privateMounts'>): string[] {
  const mounts = (opts.privateMounts ?? []).map((m) =>
    m.type === 'tmpfs'
      ? `mount -t tmpfs tmpfs ${shellQuote(m.target)}`
      : `mount --bind ${shellQuote(m.source)} ${shellQuote(m.target)}`,
  );
  const script = [...mounts, 'exec "$0" "$@"'].join(' && ');
  const inNs = opts.netns ? ['ip', 'netns', 'exec', opts.netns] : [];
  return [
    'setpriv', '--pdeathsig', 'TERM', '--',
    ...inNs,
    'unshare', '--mount', '--propagation', 'private', '--',
    'sh', '-c', script, opts.cmd, ...opts.args,
  ];
}

export class Supervisor {
  private readonly clock: Clock;
  private readonly oneShots = new Set<ChildProcess>();
  private readonly daemons = new Map<number, DaemonHandle>();

  constructor(private readonly options: SupervisorOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const argv = opts.netns ? ['ip', 'netns', 'exec', opts.netns, cmd, ...args] : [cmd, ...args];
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const shown = argv.join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), {
        env: { ...process.env, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.oneShots.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.on('error', () => undefined); // a command that exits without reading stdin
      child.stdin.end(opts.input ?? '');
      const timer = this.clock.setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (err) => {
        timer.cancel();
        this.oneShots.delete(child);
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new LabCommandError(
            missing ? 'ERR_LAB_MISSING_PACKAGE' : 'ERR_LAB_COMMAND_FAILED',
            argv, null, '',
            missing ? `${argv[0]}: command not found (run 'sudo npm run lab:install')` : `${shown}: ${err.message}`,
          ),
        );
      });
      child.on('close', (code) => {
        timer.cancel();
        this.oneShots.delete(child);
        if (timedOut) {
          reject(new LabCommandError('ERR_LAB_TIMEOUT', argv, code, stderr, `${shown}: no answer within ${timeoutMs} ms, killed`));
        } else if (code !== 0) {
          const said = stderr.trim() || stdout.trim();
          reject(new LabCommandError('ERR_LAB_COMMAND_FAILED', argv, code, stderr, `${shown}: exit ${code}${said ? `: ${said}` : ''}`));
        } else {
          resolve({ stdout, stderr });
        }
      });
    });
  }

  spawnDaemon(opts: DaemonOptions): DaemonHandle {
    const argv = daemonArgv(opts);
    const log = new LineLog(this.clock);
    // Its own process group: a Ctrl-C at the terminal reaches the harness only, which
    // then stops the daemons in order instead of them dying mid-exchange.
    const child = spawn(argv[0], argv.slice(1), {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid === undefined) {
      throw new LabError('ERR_LAB_DAEMON', `${opts.name}: could not start ${argv.join(' ')}`);
    }
    const pid = child.pid;
    const identity = identify(pid) ?? { pid, startTime: '?' };
    child.stdout?.setEncoding('utf8').on('data', (d: string) => log.write('stdout', d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => log.write('stderr', d));
    const tail = opts.logFile ? new FileTail(opts.logFile, (text) => log.write('log', text), this.clock) : undefined;
    tail?.start();

    let running = true;
    const exited = new Promise<DaemonExit>((resolve) => {
      child.on('close', (code, signal) => {
        running = false;
        this.daemons.delete(pid);
        void (tail ? tail.stop().catch(() => undefined) : Promise.resolve()).then(() => {
          log.close();
          resolve({ code, signal });
        });
      });
    });

    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // Group already gone.
      }
    };
    let stopping: Promise<DaemonExit> | undefined;
    const handle: DaemonHandle = {
      name: opts.name,
      pid,
      identity,
      exited,
      get running() {
        return running;
      },
      lines: () => log.follow(),
      snapshot: () => log.snapshot(),
      catchUpLog: async () => {
        await tail?.catchUp().catch(() => undefined);
      },
      stop: (graceMs = DEFAULT_GRACE_MS) => {
        stopping ??= (async () => {
          if (!running) return exited;
          signalGroup('SIGTERM');
          // A daemon a scenario froze (SIGSTOP) only acts on SIGTERM once it runs again.
          signalGroup('SIGCONT');
          const timer = this.clock.setTimeout(() => signalGroup('SIGKILL'), graceMs);
          const result = await exited;
          timer.cancel();
          return result;
        })();
        return stopping;
      },
    };
    this.daemons.set(pid, handle);
    this.options.onDaemonStarted?.(opts.name, identity);
    return handle;
  }

  runningDaemons(): DaemonHandle[] {
    return [...this.daemons.values()];
  }

  /** Stops every daemon (SIGTERM → grace → SIGKILL) and kills one-shot commands still running. */
  async stopAll(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    for (const child of this.oneShots) child.kill('SIGKILL');
    await Promise.all(this.runningDaemons().map((d) => d.stop(graceMs)));
  }

  /** For process 'exit', where nothing asynchronous runs any more: SIGKILL everything now. */
  killAllSync(): void {
    for (const child of this.oneShots) child.kill('SIGKILL');
    for (const d of this.daemons.values()) {
      try {
        process.kill(-d.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
