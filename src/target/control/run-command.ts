/**
 * Runs one of the user's `target.control` commands: `sh -c <command>` so their
 * own ssh (~/.ssh/config, keys, jump hosts) and quoting work, stdin closed, in
 * its own process group so a timeout kills ssh and whatever it started. The
 * peer in question reaches the command through DPD_PEER_ADDRESS,
 * DPD_PEER_INDEX and DPD_DUT_ADDRESS; no secret is ever passed.
 */
import { spawn } from 'node:child_process';
import { HarnessError } from '../../errors.js';
import type { Clock } from '../../events.js';

export interface CommandEnv {
  peerAddress: string;
  peerIndex: number;
  dutAddress: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Bytes of output kept per stream: a status listing, not a log. */
const MAX_OUTPUT = 1 << 20;
const KILL_GRACE_MS = 2000;

const tail = (text: string, lines = 5): string => text.trim().split('\n').slice(-lines).join(' | ');

export function runControlCommand(what: string, command: string, timeoutS: number, env: CommandEnv, clock: Clock): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, DPD_PEER_ADDRESS: env.peerAddress, DPD_PEER_INDEX: String(env.peerIndex), DPD_DUT_ADDRESS: env.dutAddress },
    });
    let stdout = '';
    let stderr = '';
    const keep = (acc: string, chunk: Buffer): string => (acc.length >= MAX_OUTPUT ? acc : acc + chunk.toString('utf8').slice(0, MAX_OUTPUT - acc.length));
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    };
    let grace: { cancel(): void } | undefined;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      grace = clock.setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, timeoutS * 1000);
    const stopTimers = (): void => {
      timer.cancel();
      grace?.cancel();
    };
    child.on('error', (err) => {
      stopTimers();
      reject(new HarnessError('ERR_CONTROL_COMMAND', `target.control.${what}: could not start sh: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      stopTimers();
      if (timedOut) return reject(new HarnessError('ERR_CONTROL_COMMAND', `target.control.${what}: timed out after ${timeoutS} s${stderr ? `; stderr: ${tail(stderr)}` : ''}`));
      if (code !== 0) {
        return reject(new HarnessError('ERR_CONTROL_COMMAND', `target.control.${what}: ${signal ? `killed by ${signal}` : `exited ${code}`}${stderr ? `; stderr: ${tail(stderr)}` : ''}`));
      }
      resolve({ stdout, stderr });
    });
  });
}
