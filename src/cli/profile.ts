/**
 * `dpd-harness profile from-ios <config file> [--map NAME[:SEQ]] [--address IP]
 * [--psk-env NAME | --psk-file PATH | --psk-inline]`: prints a device profile
 * derived from an IOS XE running config. The PSK is referenced through an
 * environment variable unless the user asks otherwise (docs/reference-dut.md).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, EXIT, UsageError } from '../errors.js';
import { parseIosConfig } from '../dut/ios-config.js';
import { parseIosIkev2 } from '../dut/ios-ikev2-config.js';
import { DEFAULT_PSK_ENV, profileFromIos, type ProfileFromIosOptions, type PskSource } from '../dut/profile-from-ios.js';
import { formatConfigError } from '../profile/yaml-source.js';
import { PROFILE } from './commands.js';
import { parseCommandArgs } from './option-table.js';

const USAGE = "usage: dpd-harness profile from-ios <config file> [options]; see 'dpd-harness profile --help'";

export async function profileCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'from-ios') throw new UsageError(`profile: ${sub === undefined ? 'which one?' : `unknown profile command '${sub}'`}; ${USAGE}`);
  const parsed = parseCommandArgs(PROFILE, rest);
  if (parsed.positionals.length !== 1) throw new UsageError(`profile from-ios: one config file, got ${parsed.positionals.length}; ${USAGE}`);
  const file = parsed.positionals[0]!;
  const [map, address, pskEnv, pskFile] = [parsed.string('map'), parsed.string('address'), parsed.string('psk-env'), parsed.string('psk-file')];
  const psk: PskSource[] = [
    ...(pskEnv === undefined ? [] : [{ kind: 'env', name: pskEnv } as const]),
    ...(pskFile === undefined ? [] : [{ kind: 'file', path: pskFile } as const]),
    ...(parsed.flag('psk-inline') ? [{ kind: 'inline' } as const] : []),
  ];
  if (psk.length > 1) throw new UsageError(`profile from-ios: choose one of --psk-env, --psk-file, --psk-inline; ${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const options: ProfileFromIosOptions = { psk: psk[0] ?? { kind: 'env', name: DEFAULT_PSK_ENV }, ...(map ? { map } : {}), ...(address ? { address } : {}) };
  try {
    process.stdout.write(profileFromIos(parseIosConfig(text, file), options, parseIosIkev2(text, file)));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${formatConfigError(err)}\n`);
    return EXIT.USAGE;
  }
  return EXIT.OK;
}
