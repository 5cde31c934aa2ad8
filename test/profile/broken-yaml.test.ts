/** Inputs that used to escape as stack traces or vague errors become ConfigErrors at a position. */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { YamlSource } from '../../src/profile/yaml-source.js';

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  return expect.fail('expected a ConfigError') as never;
}

describe('profile/yaml-source: broken inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-yaml-'));

  it('an alias bomb is ERR_CONFIG_SYNTAX at the alias, not a ReferenceError', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const err = failure(() => YamlSource.parse('bomb.yaml', `${levels.join('\n')}\n`).value());
    expect(err.code).to.equal('ERR_CONFIG_SYNTAX');
    expect(err.message).to.match(/^bomb\.yaml:\d+:\d+: aliases expand to more than 100 nodes/);
    expect(err.line).to.be.greaterThan(1);
  });

  it('a missing file says no such file; a directory says so', () => {
    expect(failure(() => YamlSource.read(join(dir, 'nonexist.yaml'))).message).to.match(/nonexist\.yaml:1:1: cannot read: no such file$/);
    expect(failure(() => YamlSource.read(dir)).message).to.match(/:1:1: cannot read: is a directory/);
  });

  it('a binary file and an empty file are named as such', () => {
    writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x73, 0x3a, 0x20, 0x00, 0x01]));
    expect(failure(() => YamlSource.read(join(dir, 'bin.yaml'))).message).to.match(/bin\.yaml:1:4: not a text file/);
    expect(failure(() => YamlSource.parse('empty.yaml', '\n')).message).to.match(/empty\.yaml:1:1: the file is empty/);
  });
});

describe('profile: addresses and traffic selectors are checked, with the position', () => {
  const profile = (target: string, ike = ''): string => `identity: { vendor: X, product: Y, version: "1" }
target: ${target}
psk: { value: k }
${ike}dpd: { mode: periodic, interval: 10, retry_interval: 2, probes_before_dead: 5, dead_time_from: first-unanswered-probe, retry_seq: increment, delete_on_dead: true, action: clear, tolerance: { absolute: 0.5 } }
`;
  const load = async (text: string): Promise<unknown> => (await import('../../src/profile/load-profile.js')).profileFromSource(YamlSource.parse('p.yaml', text));

  it('target.address 300.1.2.3 and a bad peer address are refused at their line:col', async () => {
    const a = await load(profile('{ kind: external, address: 300.1.2.3, peer_addresses: [198.51.100.10] }')).catch((e: ConfigError) => e);
    expect((a as ConfigError).message).to.match(/^p\.yaml:2:\d+: "300\.1\.2\.3" is not an IPv4 address/);
    const b = await load(profile('{ kind: external, address: 198.51.100.1, peer_addresses: [198.51.100.10, 198.51.100] }')).catch((e: ConfigError) => e);
    expect((b as ConfigError).message).to.match(/^p\.yaml:2:\d+: "198\.51\.100" is not an IPv4 address/);
  });

  it('a selector with a prefix over 32 or a backwards range is refused', async () => {
    const target = '{ kind: external, address: 198.51.100.1, peer_addresses: [198.51.100.10] }';
    const a = await load(profile(target, 'ike: { traffic_selectors: [{ local: 10.0.0.0/33, remote: 10.1.0.0/16 }] }\n')).catch((e: ConfigError) => e);
    expect((a as ConfigError).message).to.match(/^p\.yaml:4:\d+: "10\.0\.0\.0\/33": prefix length 33 is over 32/);
    const b = await load(profile(target, 'ike: { traffic_selectors: [{ local: 10.0.0.0/8, remote: 10.1.0.9-10.1.0.1 }] }\n')).catch((e: ConfigError) => e);
    expect((b as ConfigError).message).to.contain('the range ends before it starts');
    const ok = (await load(profile(target, 'ike: { traffic_selectors: [{ local: 10.0.0.0/8, remote: 10.1.0.1-10.1.0.9, protocol: 6, port: 443 }] }\n'))) as { ike: { trafficSelectors: unknown } };
    expect(ok.ike.trafficSelectors).to.deep.equal([{ local: '10.0.0.0/8', remote: '10.1.0.1-10.1.0.9', protocol: 6, port: 443 }]);
  });
});

describe('suite: counts and durations are range-checked, with the position', () => {
  it('expect_probes count -3 and a negative wait are schema errors at their line:col', async () => {
    const { readFileSync } = await import('node:fs');
    const { checkSchema } = await import('../../src/profile/schema-check.js');
    const schema = JSON.parse(readFileSync(new URL('../../schema/suite.schema.json', import.meta.url), 'utf8'));
    const text = 'suite: s\nscenarios:\n  - id: a\n    title: t\n    steps:\n      - expect_probes: { count: -3, spacing: 2, within: 10 }\n      - wait: -1\n      - expect_probes: { count: 2.5, spacing: 2, within: 10 }\n';
    const violations = checkSchema(YamlSource.parse('s.yaml', text).value(), schema).map((v) => v.message);
    expect(violations.some((m) => /count: must be at least 1, got -3/.test(m)), violations.join('\n')).to.equal(true);
    expect(violations.some((m) => /must be at least 0, got -1/.test(m)), violations.join('\n')).to.equal(true);
    expect(violations.some((m) => /count.*integer|whole/.test(m)), violations.join('\n')).to.equal(true);
  });
});
