import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabSpecFromProfile } from '../../src/cli/lab.js';
import { ConfigError } from '../../src/errors.js';
import { foreignCoreLibraries, installCommand, packageDir, requirePackages, versionWithPackage } from '../../src/lab/daemon-package.js';
import { parseDaemonConfig } from '../../src/lab/daemon-config.js';

describe('lab: dut.package (a strongSwan Debian version beside the system one)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpd-package-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** profiles/strongswan.yaml with `package:` added under lab.dut (and kind changed for the Libreswan case). */
  const profileWith = (name: string, pkg: string, kind = 'strongswan'): string => {
    const text = readFileSync('profiles/strongswan.yaml', 'utf8')
      .replace('target: { kind: strongswan }', `target: { kind: ${kind} }`)
      .replace('  kind: strongswan\n', `  kind: ${kind}\n`)
      .replace('    dpd: { delay: 2, timeout: 6, action: clear }\n', `    dpd: { delay: 2, timeout: 6, action: clear }\n    package: ${pkg}\n`);
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const lineOf = (file: string, needle: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('parses a Debian version and refuses anything else', () => {
    expect(parseDaemonConfig({ package: '5.9.8-5+deb12u5' }).package).to.equal('5.9.8-5+deb12u5');
    expect(parseDaemonConfig({}).package).to.equal(undefined);
    for (const bad of ['../../etc', 'latest', 5.9, '5.9.8 -5']) expect(() => parseDaemonConfig({ package: bad }), String(bad)).to.throw(/Debian package version/);
  });

  it('a version that is not unpacked: ERR_LAB_MISSING_PACKAGE at the package line, with the install command', () => {
    const file = profileWith('missing.yaml', '5.9.8-5+deb12u99');
    const spec = loadLabSpecFromProfile(file);
    expect(spec.packages).to.deep.equal([{ role: 'dut', kind: 'strongswan', version: '5.9.8-5+deb12u99', where: spec.packages![0]!.where }]);
    let err: unknown;
    try {
      requirePackages(spec, join(dir, 'cache'));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.code).to.equal('ERR_LAB_MISSING_PACKAGE');
    expect([e.file, e.line, e.col]).to.deep.equal([file, lineOf(file, 'package:'), 14]);
    expect(e.message).to.contain(installCommand('5.9.8-5+deb12u99')).and.contain('sudo bash scripts/lab-install.sh --strongswan-package 5.9.8-5+deb12u99');
  });

  it('an unpacked version passes; no package selects nothing', () => {
    const spec = loadLabSpecFromProfile(profileWith('present.yaml', '5.9.8-5+deb12u5'));
    const cache = join(dir, 'cache');
    mkdirSync(join(packageDir(cache, 'strongswan', '5.9.8-5+deb12u5'), 'usr/lib/ipsec'), { recursive: true });
    writeFileSync(join(packageDir(cache, 'strongswan', '5.9.8-5+deb12u5'), 'usr/lib/ipsec/charon'), '');
    expect(() => requirePackages(spec, cache)).to.not.throw();
    expect(loadLabSpecFromProfile('profiles/strongswan.yaml').packages).to.equal(undefined);
  });

  it('only strongSwan: a Libreswan DUT with a package is a schema error at the field', () => {
    const file = profileWith('libreswan.yaml', '5.9.8-5+deb12u5', 'libreswan');
    const err = (() => {
      try {
        loadLabSpecFromProfile(file);
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(ConfigError);
    expect([err!.code, err!.line]).to.deep.equal(['ERR_CONFIG_SCHEMA', lineOf(file, 'package:')]);
    expect(err!.message).to.contain('lab.dut.package: only a strongSwan');
  });

  it('checks charon’s core libraries in /proc/<pid>/maps against the package tree', () => {
    const ipsec = '/c/lab/strongswan-5.9.8-5+deb12u5/usr/lib/ipsec';
    const map = (...files: string[]): string => files.map((f, i) => `7f00${i}000-7f00${i}fff r-xp 00000000 08:01 ${100 + i}    ${f}`).join('\n');
    expect(foreignCoreLibraries(map(`${ipsec}/charon`, `${ipsec}/libcharon.so.0.0.0`, `${ipsec}/libstrongswan.so.0.0.0`, '/usr/lib/ipsec/plugins/libstrongswan-aes.so', '/usr/lib/x86_64-linux-gnu/libc.so.6'), ipsec)).to.deep.equal([]);
    expect(foreignCoreLibraries(map(`${ipsec}/charon`, '/usr/lib/ipsec/libcharon.so.0.0.0', `${ipsec}/libstrongswan.so.0.0.0`), ipsec)).to.deep.equal(['/usr/lib/ipsec/libcharon.so.0.0.0']);
    expect(foreignCoreLibraries(map(`${ipsec}/charon`), ipsec)).to.have.length(1);
  });

  it('the reported version: the daemon’s banner plus the package revision', () => {
    expect(versionWithPackage('strongSwan 5.9.8', '5.9.8-5+deb12u5')).to.equal('strongSwan 5.9.8 (Debian package 5.9.8-5+deb12u5)');
    expect(versionWithPackage('strongSwan 5.9.8', undefined)).to.equal('strongSwan 5.9.8');
  });
});
