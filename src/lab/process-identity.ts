/**
 * A pid alone is not an identity: after a crash the kernel may have given it to
 * an unrelated process. The lab records pid + start time (field 22 of
 * /proc/<pid>/stat, in clock ticks since boot) and only ever signals a process
 * whose start time still matches.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie has exited; only its parent's wait() is missing.
    return rest[0] === 'Z' ? undefined : rest[19];
  } catch {
    return undefined;
  }
}

export function identify(pid: number): ProcessIdentity | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

export function isAlive(id: ProcessIdentity): boolean {
  return processStartTime(id.pid) === id.startTime;
}
