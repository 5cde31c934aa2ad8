import { expect } from 'chai';
import { commandHelp, parseCommandArgs, wantsHelp, type CommandSpec } from '../../src/cli/option-table.js';

const SPEC: CommandSpec = {
  name: 'demo',
  summary: 'a command for these tests',
  synopsis: '<files…>',
  usage: ['<files…> [options]'],
  about: 'Demonstrates. Exit 0 always.',
  operands: 'file',
  options: [
    { name: 'profile', type: 'string', valueName: '<file>', default: 'p.yaml', description: 'a profile' },
    { name: 'listen', type: 'string', multiple: true, description: 'an address' },
    { name: 'format', type: 'string', choices: ['text', 'markdown'], description: 'a format' },
    { name: 'json', type: 'boolean', description: 'json out' },
    { name: 'help', short: 'h', type: 'boolean', description: 'this help' },
  ],
};

const usageError = (args: string[]) => expect(() => parseCommandArgs(SPEC, args), args.join(' ')).to.throw().with.property('code', 'ERR_USAGE');

describe('cli/option-table', () => {
  it('returns the operands, values (with their defaults), repeated values and flags', () => {
    const p = parseCommandArgs(SPEC, ['a', '--listen', 'x', '--json', 'b', '--listen=y', '--format', 'text']);
    expect(p.positionals).to.deep.equal(['a', 'b']);
    expect([p.string('profile'), p.list('listen'), p.string('format'), p.flag('json')]).to.deep.equal(['p.yaml', ['x', 'y'], 'text', true]);
    expect(parseCommandArgs(SPEC, ['--profile', 'q.yaml']).string('profile')).to.equal('q.yaml');
    expect(parseCommandArgs(SPEC, ['--', '--json']).positionals).to.deep.equal(['--json']);
  });

  it('a missing value, or another option in its place, is a usage error naming the option and the command', () => {
    for (const args of [['--profile'], ['--profile', '--json'], ['--profile', '-h']]) {
      usageError(args);
      expect(() => parseCommandArgs(SPEC, args)).to.throw(/^demo: --profile needs a value <file>/);
    }
    expect(parseCommandArgs(SPEC, ['--profile=-odd']).string('profile')).to.equal('-odd');
  });

  it('an unknown option, a value for a flag or a value outside the choices is a usage error naming the command', () => {
    expect(() => parseCommandArgs(SPEC, ['a', '--verbose'])).to.throw("demo: unknown option --verbose; see 'dpd-harness demo --help'");
    expect(() => parseCommandArgs(SPEC, ['-x'])).to.throw('demo: unknown option -x');
    expect(() => parseCommandArgs(SPEC, ['--json=yes'])).to.throw('demo: --json takes no value');
    expect(() => parseCommandArgs(SPEC, ['--format', 'pdf'])).to.throw("demo: --format is one of text, markdown, got 'pdf'");
    for (const args of [['--verbose'], ['--json=1'], ['--format=pdf']]) usageError(args);
  });

  it('asking a command module for an option its table lacks is a programming error, not a usage error', () => {
    expect(() => parseCommandArgs(SPEC, []).string('nope')).to.throw(Error, 'no string option --nope').and.not.have.property('code');
  });

  it('help is asked by -h or --help as an option, not as a value or after --', () => {
    expect([['-h'], ['a', '--help'], ['--verbose', '-h']].map((a) => wantsHelp(SPEC, a))).to.deep.equal([true, true, true]);
    expect([['--profile', '-h'], ['--', '-h'], []].map((a) => wantsHelp(SPEC, a))).to.deep.equal([false, false, false]);
  });

  it('help lists usage, what the command does, and every option with its value name, choices, default and repeatability', () => {
    const text = commandHelp(SPEC);
    expect(text).to.match(/^usage: dpd-harness demo <files…> \[options\]\n\nDemonstrates\. Exit 0 always\.\n\noptions:\n/);
    expect(text).to.contain('--profile <file>').and.contain('a profile (default: p.yaml)').and.contain('an address (repeatable)');
    expect(text).to.contain('a format (one of text, markdown)').and.contain('-h, --help');
  });
});
