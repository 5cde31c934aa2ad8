import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

/** What main() writes to stdout and stderr, and its exit code. */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe('cli: --version and help per command', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await capture(['--version'])).to.deep.include({ code: 0, out: `dpd-harness ${version}\n` });
  });

  it('run --help, help run and -h print the command options and exit 0 without running anything', async () => {
    for (const argv of [['run', '--help'], ['help', 'run'], ['run', 'suites/', '-h']]) {
      const r = await capture(argv);
      expect(r.code, argv.join(' ')).to.equal(0);
      expect(r.out).to.match(/^usage: dpd-harness run/).and.contain('--profile <file>').and.contain('--grep <regex>');
    }
    for (const name of ['validate', 'serve', 'lab', 'profile']) expect((await capture([name, '--help'])).out).to.match(new RegExp(`^usage: dpd-harness ${name}`));
  });

  it('help for an unknown command is a usage error, exit 2', async () => {
    const r = await capture(['help', 'frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("unknown command 'frobnicate'");
  });
});
