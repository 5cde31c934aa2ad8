import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { runMain } from './capture-output.js';


describe('cli: --version and help per command', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runMain(['--version'])).to.deep.include({ code: 0, out: `dpd-harness ${version}\n` });
  });

  it('run --help, help run and -h print the command options and exit 0 without running anything', async () => {
    for (const argv of [['run', '--help'], ['help', 'run'], ['run', 'suites/', '-h']]) {
      const r = await runMain(argv);
      expect(r.code, argv.join(' ')).to.equal(0);
      expect(r.out).to.match(/^usage: dpd-harness run/).and.contain('--profile <file>').and.contain('--grep <regex>');
    }
    for (const name of ['validate', 'serve', 'lab', 'profile']) expect((await runMain([name, '--help'])).out).to.match(new RegExp(`^usage: dpd-harness ${name}`));
  });

  it('help for an unknown command is a usage error, exit 2', async () => {
    const r = await runMain(['help', 'frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("unknown command 'frobnicate'");
  });
});
