/**
 * `dpd-harness validate <files or folders…> [--profile <file>]`: schema and
 * semantic checks of suites and profiles, no network. With --profile, suites
 * are also compiled against it (expressions evaluated with its numbers).
 */
import { EXIT, UsageError } from '../errors.js';
import { ConfigErrors, formatConfigError } from '../profile/yaml-source.js';
import { loadRunInputs, validateFiles } from '../scenario/load-inputs.js';
import { VALIDATE } from './commands.js';
import { parseCommandArgs } from './option-table.js';

export async function validateCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(VALIDATE, args);
  const files = parsed.positionals;
  const profile = parsed.string('profile');
  if (files.length === 0 && !profile) throw new UsageError('validate: which files? usage: dpd-harness validate <suite or profile files or folders…> [--profile <file>]');
  const { checked, errors } = validateFiles(profile ? [...files, profile] : files);
  if (profile && errors.length === 0) {
    try {
      // Only the compile errors matter here; what this host can run is the run's business.
      loadRunInputs(files, profile, { rawSocket: true });
    } catch (err) {
      if (!(err instanceof ConfigErrors)) throw err;
      errors.push(...err.errors);
    }
  }
  for (const c of checked) process.stdout.write(`${c.file}: ok (${c.kind}: ${c.summary})\n`);
  for (const e of errors) process.stderr.write(`${formatConfigError(e)}\n`);
  return errors.length > 0 ? EXIT.USAGE : EXIT.OK;
}
