/**
 * `dpd-harness profile from-ios <config file> [--map NAME[:SEQ]] [--address IP]
 * [--psk-env NAME | --psk-file PATH | --psk-inline]`: prints a device profile
 * derived from an IOS XE running config. The PSK is referenced through an
 * environment variable unless the user asks otherwise (docs/reference-dut.md).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, EXIT, UsageError } from '../errors.js';
import { parseIosConfig } from '../dut/ios-config.js';
import { DEFAULT_PSK_ENV, profileFromIos, type ProfileFromIosOptions, type PskSource } from '../dut/profile-from-ios.js';
import { formatConfigError } from '../profile/yaml-source.js';
import { optionValue } from './option-value.js';

const USAGE = 'usage: dpd-harness profile from-ios <config file> [--map NAME[:SEQ]] [--address IP] [--psk-env NAME | --psk-file PATH | --psk-inline]';

export async function profileCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'from-ios') throw new UsageError(USAGE);
  let file: string | undefined;
  let map: string | undefined;
  let address: string | undefined;
  const psk: PskSource[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--map') map = optionValue(rest, ++i, USAGE);
    else if (a === '--address') address = optionValue(rest, ++i, USAGE);
    else if (a === '--psk-env') psk.push({ kind: 'env', name: optionValue(rest, ++i, USAGE) });
    else if (a === '--psk-file') psk.push({ kind: 'file', path: optionValue(rest, ++i, USAGE) });
    else if (a === '--psk-inline') psk.push({ kind: 'inline' });
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`one config file only\n${USAGE}`);
  }
  if (file === undefined) throw new UsageError(USAGE);
  if (psk.length > 1) throw new UsageError(`choose one of --psk-env, --psk-file, --psk-inline\n${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const options: ProfileFromIosOptions = { psk: psk[0] ?? { kind: 'env', name: DEFAULT_PSK_ENV }, ...(map ? { map } : {}), ...(address ? { address } : {}) };
  try {
    process.stdout.write(profileFromIos(parseIosConfig(text, file), options));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${formatConfigError(err)}\n`);
    return EXIT.USAGE;
  }
  return EXIT.OK;
}
