import { type HarnessError, EXIT } from '../errors.js';

const USAGE = `usage: dpd-harness <command> [options]

commands:
  run [suites…] --profile <file>   run conformance suites against a device
  validate <files…>                check suites and profiles, touch no network
  serve --profile <file>           run the fake peer as a long-lived responder
  lab up|status|down               real strongSwan / Libreswan DUTs in namespaces
  profile from-ios <config>        derive a profile from an IOS XE running config
`;

/**
 * Recognised by shape, not instanceof: a loader (tsx under mocha) can give a lazily
 * imported command its own copy of errors.ts, and the exit code must not depend on that.
 */
function isHarnessError(err: unknown): err is HarnessError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && (err as HarnessError).code.startsWith('ERR_');
}

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  lab: async () => (await import('./lab.js')).labCommand,
  profile: async () => (await import('./profile.js')).profileCommand,
  run: async () => (await import('./run.js')).runCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`dpd-harness: unknown command '${name}'\n${USAGE}`);
    return EXIT.USAGE;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (isHarnessError(err)) {
      process.stderr.write(`dpd-harness: ${err.code}: ${err.message}\n`);
      return err.code === 'ERR_USAGE' || err.code.startsWith('ERR_CONFIG') || err.code.startsWith('ERR_LAB') ? EXIT.USAGE : EXIT.FAILED;
    }
    throw err;
  }
}
