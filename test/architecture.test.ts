// Architecture rules read from the source itself: no import cycles between files, imports only point down
// the layers (docs/architecture.md), and no file in src grows past 600 lines.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

/**
 * Which folders each folder may import from (besides itself). src/errors.ts and src/events.ts are shared by
 * all (folder '.'). The chain is wire <- crypto <- ike <- peer <- target <- scenario <- cli. Beside it stand
 * report and lab (over peer), profile (names a lab spec and a target kind, so over lab and report) and dut (the
 * reference DUT lists its SAs like a lab adapter and reads profiles, so over lab and profile); target may use
 * all four.
 */
const BELOW_PEER = ['.', 'wire', 'crypto', 'ike', 'peer'];
const ALLOWED: Record<string, readonly string[]> = {
  '.': [],
  wire: ['.'],
  crypto: ['.', 'wire'],
  ike: ['.', 'wire', 'crypto'],
  peer: ['.', 'wire', 'crypto', 'ike'],
  report: BELOW_PEER,
  lab: BELOW_PEER,
  profile: [...BELOW_PEER, 'lab', 'report'],
  dut: [...BELOW_PEER, 'lab', 'report', 'profile'],
  target: [...BELOW_PEER, 'lab', 'report', 'profile', 'dut'],
  scenario: [...BELOW_PEER, 'lab', 'report', 'profile', 'dut', 'target'],
  cli: [...BELOW_PEER, 'lab', 'report', 'profile', 'dut', 'target', 'scenario'],
};

const MAX_LINES = 400;
/** Files allowed past MAX_LINES, each with its ceiling so it cannot grow. None at present. */
const KNOWN_LONG: Record<string, number> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative module specifiers of static `import … from`, `export … from`, `import '…'` and `import('…')`. */
function importsOf(source: string): string[] {
  // Comments may quote an import as an example; they are not edges.
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.'));
}

/** File (relative to src, posix) → the src files it imports. */
const graph = new Map<string, string[]>();
for (const file of sourceFiles(SRC)) {
  const from = relative(SRC, file).split('\\').join('/');
  const targets = importsOf(readFileSync(file, 'utf8')).map((spec) =>
    posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts'),
  );
  graph.set(from, targets);
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

function findCycle(): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      const c = visit(t);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of graph.keys()) {
    const c = visit(f);
    if (c) return c;
  }
  return undefined;
}

describe('architecture', () => {
  it('reads a non-trivial import graph (the parser finds imports)', () => {
    expect(graph.size).to.be.greaterThan(50);
    expect(graph.get('cli/main.ts')?.length ?? 0).to.be.greaterThan(0);
  });

  it('every relative import names an existing src file', () => {
    const missing = [...graph].flatMap(([f, ts]) => ts.filter((t) => !graph.has(t)).map((t) => `${f} -> ${t}`));
    expect(missing).to.deep.equal([]);
  });

  it('has no import cycle between files', () => {
    const cycle = findCycle();
    expect(cycle, cycle ? `import cycle: ${cycle.join(' -> ')}` : '').to.equal(undefined);
  });

  it('imports point only to the own layer or the layers below', () => {
    const upward: string[] = [];
    for (const [f, ts] of graph) {
      const allowed = ALLOWED[folderOf(f)];
      expect(allowed, `src folder ${folderOf(f)} is missing from the ALLOWED table`).to.not.equal(undefined);
      for (const t of ts) {
        const to = folderOf(t);
        if (to !== folderOf(f) && !allowed!.includes(to)) upward.push(`${f} -> ${t}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });

  it(`no src file has more than ${MAX_LINES} lines`, () => {
    const long = [...graph.keys()]
      .map((f) => ({ f, lines: readFileSync(join(SRC, f), 'utf8').split('\n').length }))
      .filter((x) => x.lines > (KNOWN_LONG[x.f] ?? MAX_LINES))
      .map((x) => `${x.f}: ${x.lines}`);
    expect(long).to.deep.equal([]);
  });
});
