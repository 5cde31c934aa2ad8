/**
 * The upgrade flow of docs/upgrade-and-ci.md against real daemons: profiles/strongswan.yaml
 * with `lab.dut.package` set to the old and then the new Debian version (both unpacked by
 * scripts/lab-install.sh), the same short suite against each through the CLI, then
 * `dpd-harness diff`. Before that, one lab is brought up on the old package to show that
 * the charon running is the unpacked one: its core libraries by path and its plugins by
 * inode (they are loaded from /usr/lib/ipsec/plugins, which the adapter binds over).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabSpecFromProfile } from '../../src/cli/lab.js';
import { DEFAULT_CACHE_DIR, Lab } from '../../src/lab/lab.js';
import { mappedFiles, packageDir } from '../../src/lab/daemon-package.js';
import { runMain } from '../cli/capture-output.js';
import { labLeftovers, readResults, REPO, scenariosOf, startCli } from '../e2e/cli-run.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const OLD = '5.9.8-5+deb12u5';
const NEW = '5.9.8-5+deb12u6';
const LAB = 'dpdup';
const GREP = 'responder/ack-echoes-sequence|silence/periodic-interval';

/** profiles/strongswan.yaml as lab `dpdup`, running strongSwan `version`. */
function profileFor(version: string): string {
  return readFileSync(join(REPO, 'profiles/strongswan.yaml'), 'utf8')
    .replace('  name: dpdss\n', `  name: ${LAB}\n`)
    .replace('    dpd: { delay: 2, timeout: 6, action: clear }\n', `    dpd: { delay: 2, timeout: 6, action: clear }\n    package: ${version}\n`);
}

/** device:inode as /proc/<pid>/maps prints them (hex major:minor). */
function mapsIdentity(maps: string, file: string): string | undefined {
  const line = maps.split('\n').find((l) => l.trim().endsWith(` ${file}`));
  if (!line) return undefined;
  const [, , , dev, inode] = line.trim().split(/\s+/);
  return `${dev}:${inode}`;
}
function fileIdentity(file: string): string {
  const s = statSync(file);
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  // Linux dev_t: major in bits 8-19, minor in bits 0-7 and 20-31.
  return `${hex((s.dev >> 8) & 0xfff)}:${hex((s.dev & 0xff) | ((s.dev >> 12) & 0xfff00))}:${s.ino}`;
}

describe('lab: upgrade strongSwan from one Debian package version to the next, then diff @root', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'dpd-upgrade-'));
  const file = (name: string): string => join(dir, name);

  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', '/usr/sbin/swanctl', join(packageDir(DEFAULT_CACHE_DIR, 'strongswan', OLD), 'usr/lib/ipsec/charon'), join(packageDir(DEFAULT_CACHE_DIR, 'strongswan', NEW), 'usr/lib/ipsec/charon'));
    writeFileSync(file('old.yaml'), profileFor(OLD));
    writeFileSync(file('new.yaml'), profileFor(NEW));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`lab up with package ${OLD}: that charon, its libcharon/libstrongswan and plugins are mapped, and the status names it`, async () => {
    const lab = await Lab.up(loadLabSpecFromProfile(file('old.yaml')));
    try {
      const pkg = packageDir(DEFAULT_CACHE_DIR, 'strongswan', OLD);
      // What the loader maps: real paths (.cache may be a symlink).
      const ipsec = realpathSync(join(pkg, 'usr/lib/ipsec'));
      const charon = lab.status().daemons.find((d) => d.name.startsWith('charon-'))!;
      const maps = readFileSync(`/proc/${charon.pid}/maps`, 'utf8');
      const files = mappedFiles(maps);
      expect(files).to.include.members([`${ipsec}/charon`, `${ipsec}/libcharon.so.0.0.0`, `${ipsec}/libstrongswan.so.0.0.0`]);
      expect(files.filter((f) => f.startsWith('/usr/lib/ipsec/lib'))).to.deep.equal([]);
      const plugins = files.filter((f) => f.startsWith('/usr/lib/ipsec/plugins/'));
      expect(plugins).to.include('/usr/lib/ipsec/plugins/libstrongswan-openssl.so');
      for (const p of plugins) {
        const unpacked = join(ipsec, p.slice('/usr/lib/ipsec/'.length));
        expect(mapsIdentity(maps, p), p).to.equal(fileIdentity(unpacked));
        expect(fileIdentity(unpacked), p).to.not.equal(fileIdentity(p));
      }
      const where = lab.status().where.dut!;
      expect(where.daemon).to.equal(join(pkg, 'usr/lib/ipsec/charon'));
      expect(where.version).to.equal('strongSwan 5.9.8');
      expect(where.package).to.equal(`strongswan ${OLD} (${pkg})`);
    } finally {
      await lab.down();
    }
    expect(labLeftovers(LAB)).to.deep.equal([]);
  });

  it(`run on ${OLD}, run on ${NEW}, diff: exit 0, both DUT versions named`, async () => {
    for (const v of ['old', 'new']) {
      const run = startCli(['run', 'suites/responder.yaml', 'suites/silence.yaml', '--profile', file(`${v}.yaml`), '--grep', GREP, '--reporter', 'dot', '--out', file(v)]);
      const exit = await run.exited;
      expect(exit.code, run.output()).to.equal(0);
    }
    for (const [v, version] of [['old', OLD], ['new', NEW]] as const) {
      const results = readResults(file(v)) as unknown as { history: { dutVersion: { value: string; source: string } } };
      expect(results.history.dutVersion).to.deep.equal({ value: `strongSwan 5.9.8 (Debian package ${version})`, source: 'daemon' });
      expect(scenariosOf(readResults(file(v))).map((s) => s.status)).to.deep.equal(['passed', 'passed']);
    }
    const diff = await runMain(['diff', file('old'), file('new'), '--format', 'markdown']);
    // The two revisions carry security fixes only; the DPD behaviour the suite checks is the same.
    expect(diff.code, diff.out).to.equal(0);
    expect(diff.out).to.match(/^### dpd-harness diff: ✅/);
    expect(diff.out).to.contain(`| DUT version | strongSwan 5.9.8 (Debian package ${OLD}) | strongSwan 5.9.8 (Debian package ${NEW}) |`);
    expect(labLeftovers(LAB)).to.deep.equal([]);
  });
});
