/**
 * Every command's table: what it is, its operands and its options. Parsing
 * (option-table.ts), help, the bash completion script and docs/cli.md all follow
 * from here, so an option exists everywhere or nowhere. No imports beyond the
 * table's types: help and completion load nothing else.
 */
import { columns, optionLabel, type CommandSpec, type OptionSpec } from './option-table.js';

export const DEFAULT_PROFILE = 'profiles/cisco-iosxe.yaml';

const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'this help' };

export const RUN: CommandSpec = {
  name: 'run',
  summary: 'run conformance suites against a device',
  synopsis: '[suites…] --profile <file>',
  usage: ['[suites…] [options]'],
  about: `Runs conformance suites (files or folders; default: suites/) against the profile's device
(by default the reference DUT) and writes reports/<timestamp>/ (report.html, junit.xml, results.json, pcaps).
Exit 0 when every scenario passed, was skipped or failed as declared; 1 otherwise; 2 for bad input;
130 when interrupted (SIGINT, SIGTERM, SIGHUP: the reports are still written).`,
  operands: 'file',
  options: [
    { name: 'profile', type: 'string', valueName: '<file>', default: DEFAULT_PROFILE, complete: 'file', description: 'device profile' },
    { name: 'out', type: 'string', valueName: '<dir>', complete: 'dir', description: 'report folder (default: reports/<timestamp>)' },
    { name: 'grep', type: 'string', valueName: '<regex>', description: 'only scenarios whose <suite>/<id> matches' },
    { name: 'jobs', type: 'string', valueName: '<n>', description: 'scenarios at once (default: what the target allows)' },
    { name: 'shard', type: 'string', valueName: '<i>/<n>', description: 'only shard i of n: a stable split balanced by expected duration (docs/upgrade-and-ci.md)' },
    { name: 'reporter', type: 'string', valueName: '<name>', default: 'spec', description: 'mocha reporter for the console' },
    HELP,
  ],
};

export const VALIDATE: CommandSpec = {
  name: 'validate',
  summary: 'check suites and profiles, touch no network',
  synopsis: '<files…>',
  usage: ['<files or folders…> [--profile <file>]'],
  about: `Checks suites and profiles (file:line:col for every problem); with a profile among them
or given by --profile, compiles every suite against it. Touches no network. Exit 0 valid, 2 not.`,
  operands: 'file',
  options: [
    { name: 'profile', type: 'string', valueName: '<file>', complete: 'file', description: 'also compile the suites against this profile (its expressions evaluated with its numbers)' },
    HELP,
  ],
};

export const SERVE: CommandSpec = {
  name: 'serve',
  summary: 'run the fake peer as a long-lived responder',
  synopsis: '--profile <file>',
  usage: ['--profile <file> [--listen <address>[:<port>]]…'],
  about: `Runs the fake peer as a long-lived IKEv1 responder that answers DPD, printing one line per event,
with the profile's IKE and ESP proposals and PSK. Stops on SIGINT / SIGTERM with exit 0;
2 for bad input, 1 when an address cannot be bound.`,
  operands: 'none',
  options: [
    { name: 'profile', type: 'string', valueName: '<file>', complete: 'file', description: 'device profile whose proposals and PSK to answer with (required)' },
    { name: 'listen', type: 'string', valueName: '<address[:port]>', multiple: true, default: '127.0.0.1:500', description: 'address (and port, default 500; 0 = any free port) to answer on' },
    HELP,
  ],
};

export const LAB: CommandSpec = {
  name: 'lab',
  summary: 'real strongSwan / Libreswan DUTs in namespaces',
  synopsis: 'up|status|down',
  usage: ['up --profile <file> [--no-daemons] [--foreground | --follow]', 'status [--name <lab> | --profile <file>] [--json]', 'down [--name <lab> | --profile <file>]'],
  about: `Real strongSwan / Libreswan DUTs in network namespaces (root; docs/lab.md). lab up returns once the
lab is up, leaving a detached owner process that holds it until lab down. Without --name or --profile,
status and down mean every lab this machine has state for. Exit 0 done, 2 bad input or a lab error.`,
  subcommands: ['up', 'status', 'down'],
  operands: 'none',
  options: [
    { name: 'profile', type: 'string', valueName: '<file>', complete: 'file', description: 'lab profile (up; status and down take its lab name)' },
    { name: 'name', type: 'string', valueName: '<lab>', description: 'lab name (status, down)' },
    { name: 'json', type: 'boolean', description: 'machine-readable status' },
    { name: 'foreground', type: 'boolean', description: 'keep lab up attached until Ctrl-C' },
    { name: 'follow', type: 'boolean', description: 'like --foreground, and also stream the daemon logs' },
    { name: 'no-daemons', type: 'boolean', description: 'namespaces and links only' },
    HELP,
  ],
};

export const PROFILE: CommandSpec = {
  name: 'profile',
  summary: 'derive a profile from an IOS XE running config',
  synopsis: 'from-ios <config>',
  usage: ['from-ios <running-config> [options]'],
  about: `Prints a device profile derived from an IOS / IOS XE running configuration. The PSK is read from
an environment variable unless --psk-file or --psk-inline says otherwise (docs/reference-dut.md).
Exit 0 printed, 2 bad input (file:line:col for a value it cannot use).`,
  subcommands: ['from-ios'],
  operands: 'file',
  options: [
    { name: 'map', type: 'string', valueName: '<name>[:<seq>]', description: 'the crypto map (and entry) to read' },
    { name: 'address', type: 'string', valueName: '<ip>', description: "the router's address (target.address)" },
    { name: 'psk-env', type: 'string', valueName: '<NAME>', description: 'the profile reads the PSK from this environment variable' },
    { name: 'psk-file', type: 'string', valueName: '<path>', complete: 'file', description: 'the profile reads the PSK from this file' },
    { name: 'psk-inline', type: 'boolean', description: "write the configuration's key into the profile (it is then a secret file)" },
    HELP,
  ],
};

export const DIFF: CommandSpec = {
  name: 'diff',
  summary: 'what changed between two runs (exit 1 on a regression)',
  synopsis: '<baseline> <candidate>',
  usage: ['<baseline> <candidate> [options]'],
  about: `Compares two runs (report folders or results.json files): verdict changes per scenario and how far
each observed number moved. Exit 0 nothing regressed, 1 a regression, 2 bad input (docs/upgrade-and-ci.md).`,
  operands: 'file',
  options: [
    { name: 'threshold', type: 'string', valueName: '<s>', description: "seconds a timing may move (default: each check's tolerance)" },
    { name: 'format', type: 'string', valueName: '<f>', choices: ['text', 'markdown'], default: 'text', complete: ['text', 'markdown'], description: 'stdout as text or markdown (a merge-request comment)' },
    { name: 'junit', type: 'string', valueName: '<file>', complete: 'file', description: 'also write JUnit XML, each regression a failure' },
    { name: 'html', type: 'string', valueName: '<file>', complete: 'file', description: 'also write a page with both timelines of each changed scenario' },
    HELP,
  ],
};

export const MERGE: CommandSpec = {
  name: 'merge',
  summary: 'one report from the reports of shards',
  synopsis: '<folders…> --out <dir>',
  usage: ['<folders…> --out <dir>'],
  about: `Merges the report folders (or results.json files) of the shards of one run (run --shard i/n)
into one report folder: results.json, junit.xml, report.html, README.md and every pcap and key table.
Exit 0 merged, 2 bad input (not shards of one run, a shard missing or given twice).`,
  operands: 'file',
  options: [{ name: 'out', type: 'string', valueName: '<dir>', complete: 'dir', description: 'the merged report folder (required; not one of the inputs)' }, HELP],
};

export const HELP_COMMAND: CommandSpec = {
  name: 'help',
  summary: 'options of a command (or: <command> --help)',
  synopsis: '<command>',
  usage: ['[<command>]'],
  about: 'Prints the options of a command, or without one the overview of commands.',
  operands: 'commands',
  options: [HELP],
};

export const COMPLETION: CommandSpec = {
  name: 'completion',
  summary: 'print a bash completion script',
  synopsis: 'bash',
  usage: ['bash'],
  about: `Prints a bash completion script for dpd-harness: commands, each command's options, files where a
file goes. Use it with: source <(dpd-harness completion bash), or save it in bash-completion's folder
(~/.local/share/bash-completion/completions/dpd-harness).`,
  subcommands: ['bash'],
  operands: 'none',
  options: [HELP],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, VALIDATE, SERVE, LAB, PROFILE, DIFF, MERGE, HELP_COMMAND, COMPLETION];

/** The options before any command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'this overview' },
  { name: 'version', short: 'V', type: 'boolean', description: 'print the version' },
];

export const findCommand = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);

/** `dpd-harness` alone or with --help: every command with its summary. */
export function overview(): string {
  const commands = columns(COMMANDS.map((c) => [`${c.name} ${c.synopsis}`, c.summary]));
  const options = columns(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.description]));
  return `usage: dpd-harness <command> [options]\n\ncommands:\n${commands}\noptions:\n${options}`;
}
