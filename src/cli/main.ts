import { readFileSync } from 'node:fs';
import { type HarnessError, EXIT } from '../errors.js';

const USAGE = `usage: dpd-harness <command> [options]

commands:
  run [suites…] --profile <file>   run conformance suites against a device
  validate <files…>                check suites and profiles, touch no network
  serve --profile <file>           run the fake peer as a long-lived responder
  lab up|status|down               real strongSwan / Libreswan DUTs in namespaces
  profile from-ios <config>        derive a profile from an IOS XE running config
  diff <baseline> <candidate>      what changed between two runs (exit 1 on a regression)
  merge <folders…> --out <dir>     one report from the reports of shards
  help <command>                   options of a command (or: <command> --help)

options:
  --version                        print the version
`;

/**
 * Recognised by shape, not instanceof: a loader (tsx under mocha) can give a lazily
 * imported command its own copy of errors.ts, and the exit code must not depend on that.
 */
function isHarnessError(err: unknown): err is HarnessError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && (err as HarnessError).code.startsWith('ERR_');
}

/** `dpd-harness <command> --help` and `dpd-harness help <command>`. */
const HELP: Record<string, string> = {
  run: `usage: dpd-harness run [suites…] [options]

Runs conformance suites (files or folders; default: suites/) against the profile's device
and writes reports/<timestamp>/ (report.html, junit.xml, results.json, pcaps).
Exit 0 when every scenario passed, was skipped or failed as declared; 1 otherwise; 2 for bad input.

options:
  --profile <file>    device profile (default: profiles/cisco-iosxe.yaml, the reference DUT)
  --out <dir>         report folder (default: reports/<timestamp>)
  --grep <regex>      only scenarios whose <suite>/<id> matches
  --jobs <n>          scenarios at once (default: what the target allows)
  --shard <i>/<n>     only shard i of n: a stable split balanced by expected duration (docs/upgrade-and-ci.md)
  --reporter <name>   mocha reporter for the console (default: spec)
`,
  diff: `usage: dpd-harness diff <baseline> <candidate> [options]

Compares two runs (report folders or results.json files): verdict changes per scenario and how far
each observed number moved. Exit 0 nothing regressed, 1 a regression, 2 bad input (docs/upgrade-and-ci.md).

options:
  --threshold <s>     seconds a timing may move (default: each check's tolerance)
  --format <f>        text (default) or markdown (a merge-request comment), on stdout
  --junit <file>      also write JUnit XML, each regression a failure
  --html <file>       also write a page with both timelines of each changed scenario
`,
  merge: `usage: dpd-harness merge <folders…> --out <dir>

Merges the report folders (or results.json files) of the shards of one run (run --shard i/n)
into one report folder: results.json, junit.xml, report.html, README.md and every pcap and key table.
Exit 0 merged, 2 bad input (not shards of one run, a shard missing or given twice).
`,
  validate: `usage: dpd-harness validate <files…>

Checks suites and profiles (file:line:col for every problem); with a profile among them,
compiles every suite against it. Touches no network. Exit 0 valid, 2 not.
`,
  serve: `usage: dpd-harness serve --profile <file> [--listen <address[:port]>]…

Runs the fake peer as a long-lived IKEv1 responder that answers DPD, printing one line per event.
`,
  lab: `usage: dpd-harness lab up|status|down [options]

Real strongSwan / Libreswan DUTs in network namespaces (root; docs/lab.md).

options:
  --profile <file>    lab profile (lab up)
  --name <lab>        lab name (status, down)
  --json              machine-readable status
  --foreground        keep lab up attached; --follow also streams the daemon log
  --no-daemons        namespaces and links only
`,
  profile: `usage: dpd-harness profile from-ios <running-config> [options]

Prints a device profile derived from an IOS / IOS XE running configuration.

options:
  --map <name>[:<seq>]  the crypto map (and entry) to read
  --address <ip>      the router's address (target.address)
  --psk-env <NAME>    the profile reads the PSK from this environment variable
  --psk-file <path>   the profile reads the PSK from this file
  --psk-inline        write the configuration's key into the profile (it is then a secret file)
`,
};

/** The package's own version, for --version and the reports. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  diff: async () => (await import('./diff.js')).diffCommand,
  lab: async () => (await import('./lab.js')).labCommand,
  merge: async () => (await import('./merge.js')).mergeCommand,
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
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`dpd-harness ${packageVersion()}\n`);
    return EXIT.OK;
  }
  if (name === 'help' || rest.includes('--help') || rest.includes('-h')) {
    const topic = name === 'help' ? rest[0] : name;
    const text = topic === undefined ? USAGE : HELP[topic];
    if (text === undefined) {
      process.stderr.write(`dpd-harness: unknown command '${topic}'\n${USAGE}`);
      return EXIT.USAGE;
    }
    process.stdout.write(text);
    return EXIT.OK;
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
