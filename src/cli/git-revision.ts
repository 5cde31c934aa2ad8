/**
 * The git commit the suites were read from, for the report's history. Suites
 * outside a checkout, a missing git binary or any other failure give null: the
 * revision is a nicety of the report, never a reason for a run to stop.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
}

/** HEAD of the checkout holding the first suite path, and whether any of the suite paths differ from it. */
export function suitesRevision(paths: readonly string[]): { revision: string; dirty: boolean } | null {
  if (paths.length === 0) return null;
  try {
    const first = resolve(paths[0]!);
    const cwd = statSync(first).isDirectory() ? first : dirname(first);
    const revision = git(cwd, ['rev-parse', 'HEAD']);
    const dirty = git(cwd, ['status', '--porcelain', '--', ...paths.map((p) => resolve(p))]) !== '';
    return { revision, dirty };
  } catch {
    return null;
  }
}
