// Documentation links stay true: every relative link and #anchor in README.md and docs/*.md points at
// an existing file and heading, and every docs path named in code, profiles and suites exists.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Markdown without fenced code blocks and inline code, whose brackets and hashes are not links or headings. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/**
 * GitHub's heading anchor (github-slugger): the heading's text lower-cased, every character that is not a
 * letter, mark, digit, connector punctuation, space or hyphen dropped, each space made a hyphen; a repeated
 * slug gets -1, -2, … in document order.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const plain = m[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Link targets of inline links and images, and of reference definitions, outside code. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const defined = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...defined];
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Why `target`, written in the file `from`, does not resolve; undefined when it does. */
function brokenLink(from: string, target: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string | undefined {
  if (isExternal(target)) return undefined;
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = path === '' ? from : resolve(dirname(from), path);
  if (!existsSync(file)) return `${target}: no such file ${relative(ROOT, file)}`;
  if (anchor === undefined || statSync(file).isDirectory() || !file.endsWith('.md')) return undefined;
  return headingAnchors(read(file)).has(anchor) ? undefined : `${target}: no heading #${anchor} in ${relative(ROOT, file)}`;
}

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : filesUnder(join(dir, e.name), keep)) : keep(e.name) ? [join(dir, e.name)] : [],
  );
}

const markdownFiles = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), (n) => n.endsWith('.md'))];
const DOC_MENTION = /(?<![\w/.-])docs\/[\w./-]*?\.md(?:#[\w-]+)?/g;

describe('documentation links', () => {
  it('the slug rules give GitHub anchors, and a broken link or anchor is reported', () => {
    const doc = '# Robustness: what each DUT did (2026-12-06)\n## First probe at dpddelay or 2 × dpddelay\n## `ike.pfs_group` and **PFS**\n## Usage\n## Usage\n```\n# not a heading\n```\n';
    expect([...headingAnchors(doc)]).to.deep.equal([
      'robustness-what-each-dut-did-2026-12-06',
      'first-probe-at-dpddelay-or-2--dpddelay',
      'ikepfs_group-and-pfs',
      'usage',
      'usage-1',
    ]);
    const here = join(ROOT, 'docs', 'example.md');
    const read = (): string => doc;
    expect(brokenLink(here, 'architecture.md', read)).to.equal(undefined);
    expect(brokenLink(here, 'no-such-page.md', read)).to.match(/no such file docs\/no-such-page\.md/);
    expect(brokenLink(here, 'architecture.md#usage-1', read)).to.equal(undefined);
    expect(brokenLink(here, 'architecture.md#not-a-heading', read)).to.match(/no heading #not-a-heading/);
    expect(linkTargets('[a](x.md#y) `[b](code.md)` ![i](img.png "t")\n```\n[c](fenced.md)\n```\n[d]: ref.md\n')).to.deep.equal(['x.md#y', 'img.png', 'ref.md']);
  });

  it('finds README.md and the docs pages', () => {
    expect(markdownFiles.length).to.be.greaterThan(5);
  });

  for (const file of markdownFiles) {
    it(`every relative link and anchor in ${relative(ROOT, file)} resolves`, () => {
      const broken = linkTargets(readFileSync(file, 'utf8'))
        .map((t) => brokenLink(file, t))
        .filter((b): b is string => b !== undefined);
      expect(broken, relative(ROOT, file)).to.deep.equal([]);
    });
  }

  it('every docs page named in src, test, profiles and suites exists, with its anchor', () => {
    const sources = ['src', 'test', 'profiles', 'suites'].flatMap((d) => filesUnder(join(ROOT, d), (n) => /\.(ts|ya?ml|md|js|c|sh|py)$/.test(n)));
    const broken = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(DOC_MENTION)]
        .map((m) => brokenLink(join(ROOT, 'README.md'), m[0]))
        .filter((b): b is string => b !== undefined)
        .map((b) => `${relative(ROOT, file)}: ${b}`),
    );
    expect(sources.length).to.be.greaterThan(10);
    expect(broken).to.deep.equal([]);
  });
});
