/**
 * `profile from-ios` against a corpus of IOS / IOS XE configurations in the forms Cisco's
 * guides print (each fixture names its source on its first lines): test/fixtures/ios/NAME.cfg
 * gives NAME.expected.yaml, the whole profile text, or NAME.expected-error.txt, the first line
 * of the typed error (file:line:col: message). Every expected profile must also pass the
 * real profile loader.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { parseIosConfig } from '../../src/dut/ios-config.js';
import { parseIosIkev2 } from '../../src/dut/ios-ikev2-config.js';
import { profileFromIos, type ProfileFromIosOptions } from '../../src/dut/profile-from-ios.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';

const DIR = new URL('../fixtures/ios/', import.meta.url);
const ENV = { psk: { kind: 'env', name: 'DPD_HARNESS_PSK' } } as const;

/** The command-line choices each fixture is run with (`--address`, `--map`, `--psk-inline`). */
const OPTIONS: Record<string, ProfileFromIosOptions> = {
  'ref-site-to-site': { ...ENV, address: '10.1.32.14' },
  'ref-multi-peer': { ...ENV, address: '10.1.32.14' },
  'aes-static-crypto-map': ENV,
  'running-config-encr': ENV,
  keyring: { psk: { kind: 'inline' } },
  'multi-entry': { ...ENV, map: 'HQ-MAP:20' },
  'multi-entry-ambiguous': ENV,
  'acl-protocols': ENV,
  'policies-not-offerable': ENV,
  'default-transform-sets': ENV,
  'noncontiguous-wildcard': ENV,
  'pfs-group-unsupported': ENV,
  'ikev2-crypto-map': { psk: { kind: 'inline' } },
  'ikev2-global-dpd': ENV,
  'ikev2-no-dpd': ENV,
  'ikev2-bad-dpd': ENV,
};

const read = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');

function run(name: string): string {
  const text = read(`${name}.cfg`);
  return profileFromIos(parseIosConfig(text, `${name}.cfg`), OPTIONS[name]!, parseIosIkev2(text, `${name}.cfg`));
}

describe('dut/profile-from-ios corpus (test/fixtures/ios)', () => {
  const names = readdirSync(DIR).filter((f) => f.endsWith('.cfg')).map((f) => f.slice(0, -4)).sort();

  it('has at least ten configurations, each with its options and one expectation', () => {
    expect(names.length).to.be.at.least(10);
    expect(names).to.have.members(Object.keys(OPTIONS));
    for (const n of names) {
      expect([existsSync(new URL(`${n}.expected.yaml`, DIR)), existsSync(new URL(`${n}.expected-error.txt`, DIR))], n).to.have.members([true, false]);
    }
  });

  for (const name of Object.keys(OPTIONS)) {
    if (existsSync(new URL(`${name}.expected.yaml`, DIR))) {
      it(`${name}: the profile as expected, and the loader accepts it`, () => {
        const yaml = run(name);
        expect(yaml).to.equal(read(`${name}.expected.yaml`));
        const profile = profileFromSource(YamlSource.parse(`${name}.yaml`, yaml), { env: { DPD_HARNESS_PSK: 'from-env' } });
        expect(profile.target.kind).to.equal('external');
        // The config's pre-shared keys reach the profile only when --psk-inline asked for them.
        const ikev2Keys = [...parseIosIkev2(read(`${name}.cfg`), 'x.cfg').keyrings.values()].flat().flatMap((p) => (p.key === undefined ? [] : [p.key]));
        const keys = [...parseIosConfig(read(`${name}.cfg`), 'x.cfg').keys.map((k) => k.key), ...ikev2Keys];
        if (OPTIONS[name]!.psk.kind !== 'inline') for (const k of keys) expect(yaml).to.not.contain(k);
        else expect(keys).to.include(profile.psk.reveal());
      });
    } else {
      it(`${name}: a typed error at line:col`, () => {
        let err: unknown;
        try {
          run(name);
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).code).to.equal('ERR_CONFIG_IOS');
        expect((err as ConfigError).message.split('\n')[0]).to.equal(read(`${name}.expected-error.txt`).trimEnd());
      });
    }
  }
});
