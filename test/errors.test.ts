/**
 * docs/errors.md is the list of error codes users and scripts rely on: every
 * code the ErrorCode type allows has its row, and every row names a code that
 * exists. The type has no runtime form, so its source text is read.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

const codesIn = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1]).sort();

describe('errors: docs/errors.md and the ErrorCode type', () => {
  it('list the same codes', () => {
    const typed = codesIn(readFileSync('src/errors.ts', 'utf8'), /^\s*\| '(ERR_[A-Z0-9_]+)'/gm);
    const documented = codesIn(readFileSync('docs/errors.md', 'utf8'), /^\| (ERR_[A-Z0-9_]+) \|/gm);
    expect(typed).to.have.length.greaterThan(30);
    expect(documented).to.deep.equal(typed);
  });
});
