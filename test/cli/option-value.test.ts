import { expect } from 'chai';
import { optionValue } from '../../src/cli/option-value.js';

describe('cli/option-value', () => {
  it('returns the word after the option', () => {
    expect(optionValue(['--profile', 'p.yaml', '--json'], 1)).to.equal('p.yaml');
  });

  it('a missing value, or another option in its place, is a usage error naming the option, with the usage', () => {
    for (const args of [['--profile'], ['--profile', '--json']]) {
      expect(() => optionValue(args, 1, 'usage: x')).to.throw(/^--profile needs a value\nusage: x$/).with.property('code', 'ERR_USAGE');
    }
  });
});
