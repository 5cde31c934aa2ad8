/**
 * Golden tests: every deliberately broken suite and profile in
 * test/fixtures/broken/ must produce exactly the `file:line:col: message`
 * output (offending line and caret included) stored next to it in
 * <name>.expected. Regenerate after an intended change with
 * UPDATE_GOLDEN=1 npx mocha test/scenario/broken-fixtures.test.ts, and review the diff.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigError } from '../../src/errors.js';
import { formatConfigError } from '../../src/profile/yaml-source.js';
import { loadRunInputs, validateFiles } from '../../src/scenario/load-inputs.js';

const dir = fileURLToPath(new URL('../fixtures/broken/', import.meta.url));
const profile = relative(process.cwd(), fileURLToPath(new URL('../profile/fixtures/cisco-like.yaml', import.meta.url)));
const CANONICAL = 'test/fixtures/broken/';

function errorsOf(name: string): ConfigError[] {
  const file = relative(process.cwd(), `${dir}${name}`);
  if (name.endsWith('.with-profile.yaml')) {
    try {
      loadRunInputs([file], profile);
    } catch (err) {
      return [err as ConfigError];
    }
    return [];
  }
  return validateFiles([file]).errors;
}

describe('validation errors of broken suites and profiles (golden)', () => {
  const names = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it('covers suites and profiles', () => {
    expect(names.filter((n) => n.startsWith('suite-')).length).to.be.greaterThanOrEqual(4);
    expect(names.filter((n) => n.startsWith('profile-')).length).to.be.greaterThanOrEqual(3);
  });

  for (const name of names) {
    it(name, () => {
      const errors = errorsOf(name);
      expect(errors, 'a broken fixture must not validate').to.not.be.empty;
      for (const e of errors) expect(e.code).to.match(/^ERR_CONFIG_/);
      const text = `${errors.map(formatConfigError).join('\n')}\n`.split(relative(process.cwd(), dir) + '/').join(CANONICAL);
      const golden = `${dir}${name.replace(/\.yaml$/, '.expected')}`;
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
      expect(text).to.equal(readFileSync(golden, 'utf8'));
    });
  }
});
