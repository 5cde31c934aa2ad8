/**
 * One state file per lab name (/run/dpd-harness/<lab>.json; /run is a tmpfs, so
 * it vanishes at reboot together with the namespaces it describes). It is
 * written before the first side effect and names the owner process, so:
 *  - a second start with the same name while the owner lives is refused (busy);
 *  - after the owner was SIGKILLed, the next start finds a dead owner and
 *    removes what the file lists before building anew;
 *  - `dpd-harness lab status|down` in another process can find the lab.
 * It never holds secrets.
 */
import { mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { DataPlane } from './data-plane.js';
import { isAlive, type ProcessIdentity } from './process-identity.js';

export const DEFAULT_STATE_DIR = '/run/dpd-harness';

export interface DaemonRecord extends ProcessIdentity {
  name: string;
}

export interface LabState {
  version: 1;
  lab: string;
  owner: ProcessIdentity;
  status: 'starting' | 'up' | 'stopping';
  startedAt: string;
  namespaces: string[];
  /** Interfaces in the root namespace. */
  rootLinks: string[];
  daemons: DaemonRecord[];
  dataPlane?: DataPlane;
  subnet: string;
  dutKind: string;
  dutAddress: string;
  peerBind: { addresses: string[]; netns?: string };
  workDir: string;
  /** What each daemon adapter says about itself (sockets, config, logs), by role. */
  where: Record<string, Record<string, string>>;
}

export function stateFile(stateDir: string, lab: string): string {
  return join(stateDir, `${lab}.json`);
}

export function readState(stateDir: string, lab: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir, lab), 'utf8')) as LabState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A torn write from a killed process is stale state like any other.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Atomic replace, so a reader never sees half a file. */
export function writeState(stateDir: string, state: LabState): void {
  const path = stateFile(stateDir, state.lab);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function removeState(stateDir: string, lab: string): void {
  try {
    unlinkSync(stateFile(stateDir, lab));
  } catch {
    // Already gone: down() is idempotent.
  }
}

export function ownerAlive(state: LabState): boolean {
  return isAlive(state.owner);
}

/**
 * Takes the name for `state.owner`. Returns the previous state when it belonged
 * to a dead owner (the caller cleans up what it lists); throws ERR_LAB_NAME_BUSY
 * when a live process holds it.
 */
export function claim(stateDir: string, state: LabState): LabState | undefined {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = stateFile(stateDir, state.lab);
  try {
    closeSync(openSync(path, 'wx', 0o600));
    writeState(stateDir, state);
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const previous = assertFree(stateDir, state.lab);
  // Dead owner (or a torn file): take over, then hand back what it left for cleanup.
  writeState(stateDir, state);
  return previous;
}

/** Throws ERR_LAB_NAME_BUSY while a live process owns the name; returns a dead owner's state. */
export function assertFree(stateDir: string, lab: string): LabState | undefined {
  const previous = readState(stateDir, lab);
  if (previous && ownerAlive(previous)) {
    throw new LabError(
      'ERR_LAB_NAME_BUSY',
      `lab '${lab}' is in use by pid ${previous.owner.pid} (status ${previous.status}); stop it with 'dpd-harness lab down --name ${lab}' or choose another lab name`,
    );
  }
  return previous;
}
