/**
 * Everything a run or a validation reads from disk: suite files (folders
 * expanded to their *.yaml, sorted) and the profile, checked and compiled.
 * Problems in every file are collected, so one validation shows them all.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { loadProfile } from '../profile/load-profile.js';
import { ConfigErrors, YamlSource } from '../profile/yaml-source.js';
import { compileSuite, validateSuite, type HostCapabilities } from './compile-suite.js';
import type { PlannedSuite } from './plan.js';

export function expandSuitePaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // A missing path is reported by the YAML reader with its name.
    }
    return isDir ? readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(p, f)) : [p];
  });
}

const collect = (err: unknown, into: ConfigError[]): void => {
  if (err instanceof ConfigErrors) into.push(...err.errors);
  else if (err instanceof ConfigError) into.push(err);
  else throw err;
};

/** Loads the profile and compiles every suite against it; throws ConfigErrors with every problem found. */
export function loadRunInputs(suitePaths: readonly string[], profileFile: string, host: HostCapabilities = { rawSocket: false }): { profile: DeviceProfile; suites: PlannedSuite[] } {
  const errors: ConfigError[] = [];
  let profile: DeviceProfile | undefined;
  try {
    profile = loadProfile(profileFile);
  } catch (err) {
    collect(err, errors);
  }
  const suites: PlannedSuite[] = [];
  const names = new Map<string, string>();
  for (const file of expandSuitePaths(suitePaths)) {
    try {
      const src = YamlSource.read(file);
      const raw = validateSuite(src);
      const other = names.get(raw.suite);
      if (other) throw src.error('ERR_CONFIG_SCHEMA', ['suite'], `suite name '${raw.suite}' already used by ${other}`);
      names.set(raw.suite, file);
      if (profile) suites.push(compileSuite(src, raw, profile, host));
    } catch (err) {
      collect(err, errors);
    }
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return { profile: profile!, suites };
}

export type CheckedFile = { file: string; kind: 'suite' | 'profile'; summary: string };

/** Validates each file on its own (suite or profile, told apart by its top-level keys). */
export function validateFiles(files: readonly string[]): { checked: CheckedFile[]; errors: ConfigError[] } {
  const checked: CheckedFile[] = [];
  const errors: ConfigError[] = [];
  for (const file of expandSuitePaths(files)) {
    try {
      const src = YamlSource.read(file);
      const top = src.value();
      if (top !== null && typeof top === 'object' && 'suite' in top) {
        const raw = validateSuite(src);
        checked.push({ file, kind: 'suite', summary: `${raw.scenarios.length} scenario${raw.scenarios.length === 1 ? '' : 's'}` });
      } else {
        const p = loadProfile(file);
        checked.push({ file, kind: 'profile', summary: `${p.identity.vendor} ${p.identity.product} ${p.identity.version}, target ${p.target.kind}` });
      }
    } catch (err) {
      collect(err, errors);
    }
  }
  return { checked, errors };
}
