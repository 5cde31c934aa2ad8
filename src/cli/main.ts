import { readFileSync } from 'node:fs';
import { type HarnessError, EXIT } from '../errors.js';
import { findCommand, GLOBAL_OPTIONS, overview } from './commands.js';
import { commandHelp, parseCommandArgs, wantsHelp } from './option-table.js';

/**
 * Recognised by shape, not instanceof: a loader (tsx under mocha) can give a lazily
 * imported command its own copy of errors.ts, and the exit code must not depend on that.
 */
function isHarnessError(err: unknown): err is HarnessError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && (err as HarnessError).code.startsWith('ERR_');
}

/** The package's own version, for --version and the reports. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  completion: async () => (await import('./completion.js')).completionCommand,
  diff: async () => (await import('./diff.js')).diffCommand,
  lab: async () => (await import('./lab.js')).labCommand,
  merge: async () => (await import('./merge.js')).mergeCommand,
  profile: async () => (await import('./profile.js')).profileCommand,
  run: async () => (await import('./run.js')).runCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
};

const isGlobal = (word: string, name: string): boolean => {
  const o = GLOBAL_OPTIONS.find((x) => x.name === name)!;
  return word === `--${o.name}` || word === `-${o.short}`;
};

function unknownCommand(name: string): number {
  process.stderr.write(`dpd-harness: unknown command '${name}'\n${overview()}`);
  return EXIT.USAGE;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isGlobal(name, 'help')) {
    process.stdout.write(overview());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (isGlobal(name, 'version') || name === 'version') {
    process.stdout.write(`dpd-harness ${packageVersion()}\n`);
    return EXIT.OK;
  }
  const spec = findCommand(name);
  if (!spec) return unknownCommand(name);
  try {
    if (wantsHelp(spec, rest)) {
      process.stdout.write(commandHelp(spec));
      return EXIT.OK;
    }
    if (name === 'help') {
      const [topic] = parseCommandArgs(spec, rest).positionals;
      if (topic === undefined) {
        process.stdout.write(overview());
        return EXIT.OK;
      }
      const about = findCommand(topic);
      if (!about) return unknownCommand(topic);
      process.stdout.write(commandHelp(about));
      return EXIT.OK;
    }
    return await (await commands[name]!())(rest);
  } catch (err) {
    if (isHarnessError(err)) {
      process.stderr.write(`dpd-harness: ${err.code}: ${err.message}\n`);
      return err.code === 'ERR_USAGE' || err.code.startsWith('ERR_CONFIG') || err.code.startsWith('ERR_LAB') ? EXIT.USAGE : EXIT.FAILED;
    }
    throw err;
  }
}
