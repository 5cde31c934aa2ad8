/**
 * A checkout's bench modules as tsc output, run under plain node: what users run (bin/ loads
 * dist/, which tsc builds). tsx, which runs the bench's own TypeScript, wraps every closure in
 * esbuild's `__name` and loads as a different module graph, so code measured through it is not
 * the code a user runs; tsx passes plain `.js` through untouched, so importing the compiled
 * modules from a tsx process measures them as node runs them. BENCH_TSX=1 measures the
 * TypeScript through tsx instead, for comparison with figures recorded before 2026-12-07 (late).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const compiled = new Set<string>();

/** What the benches import compiled; one tsc run per checkout emits them all (an older checkout may lack some). */
const ENTRIES = ['bench/loopback-pair.ts', 'bench/answer-batches.ts', 'bench/answering-peer.ts', 'src/ike/index.ts', 'src/peer/event-log.ts', 'src/report/report-writer.ts'];

/** Whether the benches measure the TypeScript through tsx (BENCH_TSX=1) rather than tsc output. */
export const throughTsx = process.env.BENCH_TSX === '1';

/**
 * The path of `entry` (one of ENTRIES, under `root`) compiled with what it imports into
 * `<root>/.cache/bench-js/`, inside the checkout so its packages resolve as from src/;
 * compiled once per process and root. With BENCH_TSX=1, the TypeScript file itself.
 */
export function compiledModule(root: string, entry: string): string {
  if (throughTsx) return join(root, entry);
  if (!ENTRIES.includes(entry)) throw new Error(`${entry} is not among the compiled bench entries (${ENTRIES.join(', ')})`);
  const out = join(root, '.cache/bench-js');
  if (!compiled.has(root)) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    // The addons load from two folders above src/peer, as from the checkout.
    if (!existsSync(join(out, 'native'))) symlinkSync(join(root, 'native'), join(out, 'native'));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const entries = ENTRIES.map((e) => join(root, e)).filter((e) => existsSync(e));
    execFileSync(process.execPath, [tsc, ...entries, '--outDir', out, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node'], { stdio: 'inherit' });
    compiled.add(root);
  }
  return join(out, entry.replace(/\.ts$/, '.js'));
}
