import { UsageError } from '../errors.js';

/**
 * The value of the option at `args[at - 1]`, for `x = optionValue(args, ++i, USAGE)`. Another
 * option in its place means the value was forgotten, not that it starts with dashes.
 */
export function optionValue(args: readonly string[], at: number, usage?: string): string {
  const value = args[at];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${args[at - 1]} needs a value${usage === undefined ? '' : `\n${usage}`}`);
  return value;
}
