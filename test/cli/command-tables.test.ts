import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { COMMANDS, GLOBAL_OPTIONS } from '../../src/cli/commands.js';
import { optionLabel, type CommandSpec } from '../../src/cli/option-table.js';
import { runMain } from './capture-output.js';

/** The words before a command's options: its subcommand, where it has one. */
const lead = (c: CommandSpec): string[] => [c.name, ...(c.subcommands ? [c.subcommands[0]!] : [])];

describe('cli: the command tables drive help, errors and docs', () => {
  for (const c of COMMANDS) {
    it(`${c.name} --help and help ${c.name} list every option of its table with its description`, async () => {
      for (const argv of [[c.name, '--help'], ['help', c.name], [...lead(c), '-h']]) {
        const r = await runMain(argv);
        expect(r.code, argv.join(' ')).to.equal(0);
        expect(r.out).to.match(new RegExp(`^usage: dpd-harness ${c.name} `));
        for (const o of c.options) expect(r.out, `--${o.name}`).to.contain(optionLabel(o)).and.contain(o.description);
      }
    });

    it(`${c.name}: an unknown option is exit 2 naming the option and the command`, async () => {
      const r = await runMain([...lead(c), '--frobnicate']);
      expect(r.code).to.equal(2);
      expect(r.err).to.contain(`ERR_USAGE: ${c.name}: unknown option --frobnicate; see 'dpd-harness ${c.name} --help'`);
    });

    for (const o of c.options.filter((x) => x.type === 'string')) {
      it(`${c.name} --${o.name} without its value is exit 2 naming the option`, async () => {
        for (const argv of [[...lead(c), `--${o.name}`], [...lead(c), `--${o.name}`, '--help-me']]) {
          const r = await runMain(argv);
          expect(r.code, argv.join(' ')).to.equal(2);
          expect(r.err).to.contain(`ERR_USAGE: ${c.name}: --${o.name} needs a value ${o.valueName}`);
        }
      });
    }
  }

  it('the overview (no command, --help, -h) names every command and the global options', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const r = await runMain(argv);
      expect(r.code, argv.join(' ')).to.equal(argv.length === 0 ? 2 : 0);
      for (const c of COMMANDS) expect(r.out).to.contain(`  ${c.name} ${c.synopsis}`).and.contain(c.summary);
      for (const o of GLOBAL_OPTIONS) expect(r.out).to.contain(optionLabel(o));
    }
    expect((await runMain(['-V'])).out).to.match(/^dpd-harness \d/);
  });

  it('a flag given a value, a bad choice and a stray operand are usage errors too', async () => {
    const cases: [string[], string][] = [
      [['lab', 'status', '--json=yes'], 'lab: --json takes no value'],
      [['diff', 'a', 'b', '--format', 'pdf'], "diff: --format is one of text, markdown, got 'pdf'"],
      [['serve', 'extra', '--profile', 'p.yaml'], "serve: unexpected argument 'extra'"],
      [['lab', 'status', 'extra'], "lab status: unexpected argument 'extra'"],
      [['completion', 'zsh'], "completion: the shell is 'bash', got 'zsh'"],
    ];
    for (const [argv, message] of cases) {
      const r = await runMain(argv);
      expect([r.code, r.err], argv.join(' ')).to.satisfy(([code, err]: [number, string]) => code === 2 && err.includes(message));
    }
  });

  it('docs/cli.md documents every command and every option of its table', () => {
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const c of COMMANDS) {
      const section = doc.split(/^## /m).find((s) => s.startsWith(`\`${c.name}`) || s.startsWith(`${c.name}`));
      expect(section, `## section for ${c.name}`).to.be.a('string');
      for (const o of c.options) expect(section, `${c.name} --${o.name}`).to.contain(`--${o.name}`);
    }
    for (const o of GLOBAL_OPTIONS) expect(doc).to.contain(optionLabel(o));
  });
});
