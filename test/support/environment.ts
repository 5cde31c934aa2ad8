/**
 * Tests that need root (namespaces, port 500, real DUT daemons) put `@root` in
 * their describe title and call requireRoot() in a before() hook. Outside CI,
 * without root, they skip and say why; in CI (CI=true) a missing prerequisite
 * fails the run instead, so CI never goes green by skipping a real-DUT test.
 */
import { execFileSync } from 'node:child_process';

export const isRoot = (): boolean => process.getuid?.() === 0;
export const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

function unmet(ctx: Mocha.Context, why: string): void {
  if (inCi()) throw new Error(`required in CI: ${why}`);
  // eslint-disable-next-line no-console
  console.log(`      (skipped: ${why}; run 'sudo npm test' to include it)`);
  ctx.skip();
}

export function requireRoot(ctx: Mocha.Context): void {
  if (!isRoot()) unmet(ctx, 'needs root');
}

/** Fails (CI) or skips (elsewhere) unless every named executable is on PATH or at the given absolute path. */
export function requireCommands(ctx: Mocha.Context, ...commands: string[]): void {
  const missing = commands.filter((c) => {
    try {
      execFileSync('sh', ['-c', `command -v "$0"`, c], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) unmet(ctx, `missing ${missing.join(', ')} (run 'sudo npm run setup')`);
}
