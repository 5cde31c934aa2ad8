import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { runMain } from './capture-output.js';
import { requireCommands } from '../support/environment.js';

describe('cli: completion bash', () => {
  let dir: string;
  let script: string;
  before(async function () {
    requireCommands(this, 'bash');
    const r = await runMain(['completion', 'bash']);
    expect(r.code).to.equal(0);
    dir = mkdtempSync(join(tmpdir(), 'dpd-completion-'));
    script = join(dir, 'dpd-harness.bash');
    writeFileSync(script, r.out);
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'profile.yaml'), '');
    writeFileSync(join(dir, 'plan.yaml'), '');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** COMPREPLY after sourcing the script and completing the last of `words` (the word being typed). */
  function complete(...words: string[]): string[] {
    const body = [
      'set -u',
      `source ${JSON.stringify(script)}`,
      `COMP_WORDS=(dpd-harness ${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length}`,
      '_dpd_harness',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', body], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout.split('\n').filter((l) => l !== '').sort();
  }

  it('registers _dpd_harness for dpd-harness', () => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ${JSON.stringify(script)}; complete -p dpd-harness`], { encoding: 'utf8' });
    expect(r.stdout).to.contain('-F _dpd_harness dpd-harness');
  });

  it('completes the commands and global options first', () => {
    expect(complete('')).to.include.members(COMMANDS.map((c) => c.name)).and.include.members(['--version', '-V', '--help']);
    expect(complete('la')).to.deep.equal(['lab']);
    expect(complete('--v')).to.deep.equal(['--version']);
  });

  it("completes each command's options from its table", () => {
    for (const c of COMMANDS) expect(complete(c.name, '--'), c.name).to.include.members(c.options.map((o) => `--${o.name}`));
    expect(complete('run', '--re')).to.deep.equal(['--reporter']);
    expect(complete('lab', 'up', '--f')).to.deep.equal(['--follow', '--foreground']);
  });

  it('completes files where a file goes, folders where a folder goes, and choices where there are some', () => {
    expect(complete('run', '--profile', 'pro')).to.deep.equal(['profile.yaml']);
    expect(complete('run', '--profile', '=', 'pro')).to.deep.equal(['profile.yaml']);
    expect(complete('run', '--out', '')).to.deep.equal(['reports']);
    expect(complete('run', 'pl')).to.deep.equal(['plan.yaml']);
    expect(complete('diff', 'a', '--format', '')).to.deep.equal(['markdown', 'text']);
    expect(complete('merge', '--out', 're')).to.deep.equal(['reports']);
    expect(complete('profile', 'from-ios', '--psk-file', 'p')).to.deep.equal(['plan.yaml', 'profile.yaml']);
  });

  it('offers nothing for a free-form value', () => {
    expect(complete('run', '--grep', '')).to.deep.equal([]);
    expect(complete('lab', 'status', '--name', '')).to.deep.equal([]);
  });

  it('completes subcommands in their place only: lab up|status|down, profile from-ios, completion bash, help <command>', () => {
    expect(complete('lab', '')).to.deep.equal(['down', 'status', 'up']);
    expect(complete('lab', 's')).to.deep.equal(['status']);
    expect(complete('lab', '--profile', 'profile.yaml', '')).to.deep.equal(['down', 'status', 'up']);
    expect(complete('lab', 'up', '')).to.deep.equal([]);
    expect(complete('profile', '')).to.deep.equal(['from-ios']);
    expect(complete('profile', 'from-ios', 'pr')).to.deep.equal(['profile.yaml']);
    expect(complete('completion', '')).to.deep.equal(['bash']);
    expect(complete('help', 'di')).to.deep.equal(['diff']);
  });
});
