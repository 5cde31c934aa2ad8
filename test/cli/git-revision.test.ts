import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suitesRevision } from '../../src/cli/git-revision.js';

describe('cli: git revision of the suites', () => {
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' }).trim();

  it('is null outside a git checkout and for a path that does not exist, never an exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpd-no-git-'));
    writeFileSync(join(dir, 'suite.yaml'), 'suite: x\n');
    expect(suitesRevision([join(dir, 'suite.yaml')])).to.equal(null);
    expect(suitesRevision([join(dir, 'missing')])).to.equal(null);
    expect(suitesRevision([])).to.equal(null);
  });

  it('is HEAD of the checkout, dirty once a suite file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpd-git-'));
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'suite.yaml'), 'suite: x\n');
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'suite');
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(suitesRevision([join(dir, 'suite.yaml')])).to.deep.equal({ revision: head, dirty: false });
    writeFileSync(join(dir, 'suite.yaml'), 'suite: y\n');
    expect(suitesRevision([dir])).to.deep.equal({ revision: head, dirty: true });
  });
});
