import { expect } from 'chai';
import { captureOutput } from './capture-output.js';
import { HarnessError } from '../../src/errors.js';
import { DEFAULT_PROFILE, parseRunArgs, runCommand } from '../../src/cli/run.js';
import { validateCommand } from '../../src/cli/validate.js';

const profile = 'test/profile/fixtures/cisco-like.yaml';

/** Runs a command with stdout/stderr captured. */

describe('cli run / validate', () => {
  it('run defaults to suites/ against the Cisco IOS XE reference profile', () => {
    expect(parseRunArgs([])).to.deep.equal({ suites: ['suites'], profile: DEFAULT_PROFILE, reporter: 'spec' });
    expect(DEFAULT_PROFILE).to.equal('profiles/cisco-iosxe.yaml');
    const a = parseRunArgs(['suites/silence.yaml', '--profile', 'p.yaml', '--grep', 'dead', '--jobs', '3', '--out', 'o', '--reporter', 'dot']);
    expect(a).to.deep.include({ suites: ['suites/silence.yaml'], profile: 'p.yaml', jobs: 3, out: 'o', reporter: 'dot' });
    expect(a.grep?.source).to.equal('dead');
  });

  it('run rejects bad options as usage errors', () => {
    for (const args of [['--jobs', '0'], ['--jobs'], ['--grep', '('], ['--frobnicate'], ['--reporter', 'fancy']]) {
      expect(() => parseRunArgs(args), args.join(' ')).to.throw(HarnessError).with.property('code', 'ERR_USAGE');
    }
  });

  it('validate: exit 0 with a line per good file, exit 2 with file:line:col and the line for broken ones', async () => {
    const good = await captureOutput(() => validateCommand(['suites/silence.yaml', profile]));
    expect(good.code).to.equal(0);
    expect(good.out).to.contain('suites/silence.yaml: ok (suite: 7 scenarios)');
    const bad = await captureOutput(() => validateCommand(['test/fixtures/broken/suite-bad-expression.yaml', 'suites/silence.yaml']));
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain('test/fixtures/broken/suite-bad-expression.yaml:10:37: unexpected \'*\'\n              within: ${dpd.interval} * * 2\n');
    expect(bad.out).to.contain('suites/silence.yaml: ok');
  });

  it('validate --profile compiles the suites against it', async () => {
    const r = await captureOutput(() => validateCommand(['test/fixtures/broken/suite-negative.with-profile.yaml', '--profile', profile]));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain('evaluates to 2.5 with this profile; must be a whole number');
  });

  it('run stops with exit 2 on a validation error before any target is created', async () => {
    const r = await captureOutput(() => runCommand(['test/fixtures/broken/suite-semantics.yaml', '--profile', profile]));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("suite-semantics.yaml:11:9: scenario id 'twice' already used by scenarios.0");
  });
});
