/**
 * `lab.dut.package`: a Debian package version of strongSwan run beside the
 * system's, for upgrade validation (the same suites against today's version and
 * the candidate, then `dpd-harness diff`). scripts/lab-install.sh unpacks each
 * version's packages with `dpkg-deb -x` into .cache/lab/strongswan-<version>/;
 * nothing is installed system-wide. The adapter starts that charon with its own
 * libraries first on the library path and the unpacked /usr/lib/ipsec bound over
 * the system's in the daemon's private mount namespace, because charon loads its
 * plugins from the compiled-in /usr/lib/ipsec/plugins and has no setting to move it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { DutKind, LabSpec } from './lab-spec.js';

/** Inside an unpacked package tree: what the adapter runs and binds. */
export const PACKAGE_IPSEC_DIR = 'usr/lib/ipsec';
export const PACKAGE_CHARON = `${PACKAGE_IPSEC_DIR}/charon`;

/** `<cacheDir>/lab/strongswan-5.9.8-5+deb12u5`: lab names cannot contain '-', so no lab's work directory collides. */
export function packageDir(cacheDir: string, kind: DutKind, version: string): string {
  return join(cacheDir, 'lab', `${kind}-${version}`);
}

export function installCommand(version: string): string {
  return `sudo bash scripts/lab-install.sh --strongswan-package ${version}`;
}

/** Every package version the spec selects must be unpacked already: the error points at the profile's `package:` line. */
export function requirePackages(spec: LabSpec, cacheDir: string): void {
  for (const p of spec.packages ?? []) {
    const dir = packageDir(cacheDir, p.kind, p.version);
    if (existsSync(join(dir, PACKAGE_CHARON))) continue;
    throw new ConfigError(
      'ERR_LAB_MISSING_PACKAGE',
      p.where,
      `${p.role === 'dut' ? 'lab.dut' : 'lab.peer_daemon'}.package: ${p.kind} ${p.version} is not installed (no ${join(dir, PACKAGE_CHARON)}); install it with: ${installCommand(p.version)}`,
    );
  }
}

/** The shared objects a process has mapped, from the text of /proc/<pid>/maps. */
export function mappedFiles(maps: string): string[] {
  const files = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.trim().split(/\s+/).slice(5).join(' ');
    if (path.startsWith('/')) files.add(path);
  }
  return [...files];
}

/**
 * Which of charon's two core libraries were mapped from somewhere other than `ipsecDir`:
 * empty when the selected version is the one that runs (the report names it).
 */
export function foreignCoreLibraries(maps: string, ipsecDir: string): string[] {
  const core = mappedFiles(maps).filter((f) => /\/lib(charon|strongswan)\.so[.\d]*$/.test(f));
  const foreign = core.filter((f) => !f.startsWith(`${ipsecDir}/`));
  return core.length < 2 ? [...foreign, '(libcharon or libstrongswan not mapped)'] : foreign;
}

/** The version a report names: the daemon's banner, and the package revision it cannot know about itself. */
export function versionWithPackage(banner: string | undefined, version: string | undefined): string | undefined {
  if (version === undefined) return banner;
  return `${banner ?? 'strongSwan'} (Debian package ${version})`;
}
