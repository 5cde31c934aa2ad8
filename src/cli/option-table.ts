/**
 * The shape of a command's declarative table (src/cli/commands.ts) and the one parser every
 * command uses: node's util.parseArgs in strict mode, with its errors re-told as ERR_USAGE
 * naming the option and the command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

/** What shell completion offers for a value or an operand. */
export type Completion = 'file' | 'dir' | 'none' | 'commands' | readonly string[];

export interface OptionSpec {
  /** The long name, without the dashes. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given more than once; every value is kept. */
  readonly multiple?: boolean;
  /** The value when the option is absent (string options). */
  readonly default?: string;
  /** The value's placeholder in help, e.g. `<file>`. */
  readonly valueName?: string;
  /** The only values accepted; also what completion offers. */
  readonly choices?: readonly string[];
  /** What completion offers for the value (default: nothing). */
  readonly complete?: Completion;
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line in the top-level overview. */
  readonly summary: string;
  /** Its arguments in the top-level overview, e.g. `[suites…] --profile <file>`. */
  readonly synopsis: string;
  /** The lines after `usage: dpd-harness <name> ` in the command's help. */
  readonly usage: readonly string[];
  /** What the command does and its exit codes, as the help prints it. */
  readonly about: string;
  /** Words the first operand must be one of (`lab up|status|down`). */
  readonly subcommands?: readonly string[];
  /** What completion offers for the operands (after the subcommand, if any). */
  readonly operands: Completion;
  readonly options: readonly OptionSpec[];
}

export interface ParsedCommand {
  /** Operands in order (the subcommand included). */
  readonly positionals: string[];
  string(name: string): string | undefined;
  list(name: string): string[];
  flag(name: string): boolean;
}

function config(spec: CommandSpec, strict: boolean, args: readonly string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const o of spec.options) {
    options[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.default === undefined ? {} : { default: o.multiple ? [o.default] : o.default }),
    };
  }
  return { args: [...args], options, strict, allowPositionals: true, tokens: true } satisfies ParseArgsConfig;
}

const seeHelp = (spec: CommandSpec): string => `see 'dpd-harness ${spec.name} --help'`;

/**
 * What strict parsing refused, from a lenient pass over the same words: parseArgs's own
 * messages name neither the command nor the help, and suggest `--` where a value is missing.
 */
function diagnose(spec: CommandSpec, args: readonly string[], cause: Error): UsageError {
  for (const t of parseArgs(config(spec, false, args)).tokens ?? []) {
    if (t.kind !== 'option') continue;
    const known = spec.options.find((o) => o.name === t.name);
    if (!known) return new UsageError(`${spec.name}: unknown option ${t.rawName}; ${seeHelp(spec)}`);
    if (known.type === 'boolean' && t.value !== undefined) return new UsageError(`${spec.name}: ${t.rawName} takes no value`);
    // Another option in the value's place means the value was forgotten, not that it starts with a dash.
    if (known.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      const missing = `${spec.name}: ${t.rawName} needs a value ${known.valueName ?? '<value>'}`;
      return new UsageError(t.value === undefined ? missing : `${missing}, not '${t.value}' (a value starting with '-' is written ${t.rawName}=<value>)`);
    }
  }
  return new UsageError(`${spec.name}: ${cause.message}`);
}

/** Parses a command's words through its table; any problem is an ERR_USAGE naming the option and the command. */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs(config(spec, true, args));
  } catch (err) {
    throw diagnose(spec, args, err as Error);
  }
  const { values, positionals } = parsed;
  const declared = (name: string, type: OptionSpec['type']): OptionSpec => {
    const o = spec.options.find((x) => x.name === name && x.type === type);
    // A typo in a command module, not in the user's input.
    if (!o) throw new Error(`${spec.name}: no ${type} option --${name} in its table`);
    return o;
  };
  for (const o of spec.options) {
    if (!o.choices) continue;
    for (const v of [values[o.name]].flat()) {
      if (typeof v === 'string' && !o.choices.includes(v)) throw new UsageError(`${spec.name}: --${o.name} is one of ${o.choices.join(', ')}, got '${v}'`);
    }
  }
  return {
    positionals,
    string: (name) => (declared(name, 'string'), values[name] as string | undefined),
    list: (name) => (declared(name, 'string'), [(values[name] as string[] | string | undefined) ?? []].flat()),
    flag: (name) => (declared(name, 'boolean'), values[name] === true),
  };
}

/**
 * Whether the words ask for the command's help: a -h/--help option token, so a value such as
 * `--grep -h` or an operand after `--` does not count, and help wins over any other mistake.
 */
export function wantsHelp(spec: CommandSpec, args: readonly string[]): boolean {
  const tokens = parseArgs(config(spec, false, args)).tokens ?? [];
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/** `--name <value>` or `-s, --name`, as help and docs print it. */
export function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.type === 'string' ? ` ${o.valueName ?? '<value>'}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

/** An option's help text with its choices, default and repeatability. */
export function optionText(o: OptionSpec): string {
  const notes = [
    ...(o.choices ? [`one of ${o.choices.join(', ')}`] : []),
    ...(o.default === undefined ? [] : [`default: ${o.default}`]),
    ...(o.multiple ? ['repeatable'] : []),
  ];
  return notes.length === 0 ? o.description : `${o.description} (${notes.join('; ')})`;
}

/** Two columns, the second starting where the widest first one ends. */
export function columns(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => `${indent}${l.padEnd(width)}${r}\n`).join('');
}

/** `dpd-harness <command> --help`, generated from the table. */
export function commandHelp(spec: CommandSpec): string {
  const usage = spec.usage.map((u, i) => `${i === 0 ? 'usage:' : '      '} dpd-harness ${spec.name} ${u}`).join('\n');
  return `${usage}\n\n${spec.about}\n\noptions:\n${columns(spec.options.map((o) => [optionLabel(o), optionText(o)]))}`;
}
