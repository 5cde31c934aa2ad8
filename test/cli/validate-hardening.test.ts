/**
 * Issue 15's corpus of broken inputs through `dpd-harness validate` itself: each one is
 * exit 2 with `file:line:col` (no stack trace, no "OK"), as a user typing the command sees it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './capture-output.js';

const PROFILE = `identity: { vendor: X, product: Y, version: "1" }
target: TARGET
psk: { value: k }
dpd: DPD
`;
const TARGET = '{ kind: external, address: 198.51.100.1, peer_addresses: [198.51.100.10] }';
const DPD = '{ mode: periodic, interval: 10, retry_interval: 2, probes_before_dead: 5, dead_time_from: first-unanswered-probe, retry_seq: increment, delete_on_dead: true, action: clear, tolerance: { absolute: 0.5 } }';
const profile = (patch: { target?: string; dpd?: string } = {}): string => PROFILE.replace('TARGET', patch.target ?? TARGET).replace('DPD', patch.dpd ?? DPD);
const suite = (step: string): string => `suite: s\nscenarios:\n  - id: a\n    title: t\n    steps:\n      - bring_up: { initiator: peer }\n      - ${step}\n`;

function aliasBomb(): string {
  const name = (i: number): string => String.fromCharCode(97 + i);
  const levels = [`${name(0)}: &${name(0)} [x, x, x, x, x, x, x, x, x]`];
  for (let i = 1; i < 7; i++) levels.push(`${name(i)}: &${name(i)} [${Array(9).fill(`*${name(i - 1)}`).join(', ')}]`);
  return `${levels.join('\n')}\n`;
}

describe('cli validate: the broken-input corpus of issue 15', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpdh-validate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refused = async (args: string[], position: RegExp): Promise<string> => {
    const r = await runMain(['validate', ...args]);
    expect(r.code, r.out + r.err).to.equal(2);
    expect(r.err).to.match(position);
    expect(r.err, 'no stack trace').to.not.match(/\n\s+at \S+ \(|ReferenceError|TypeError/);
    return r.err;
  };

  it('an alias bomb: exit 2 at the alias, not the yaml library\'s ReferenceError', async () => {
    await refused([file('bomb.yaml', aliasBomb())], /bomb\.yaml:\d+:\d+: aliases expand to more than/);
  });

  it('counts, windows and durations out of range: exit 2 at their line:col', async () => {
    const cases: [string, RegExp][] = [
      ['expect_probes: { count: -3, spacing: 2, within: 10 }', /count: must be at least 1, got -3/],
      ['expect_probes: { count: 2, spacing: -2, within: 10 }', /spacing: must be/],
      ['expect_probes: { count: 2, spacing: 2, within: -10 }', /within: must be/],
      ['expect_message: { kind: r-u-there, within: -1 }', /within: must be/],
      ['wait: -1', /must be at least 0, got -1/],
      ['behave: { delay_ack: -2 }', /delay_ack: must be/],
    ];
    for (const [i, [step, message]] of cases.entries()) {
      const err = await refused([file(`range-${i}.yaml`, suite(step))], new RegExp(`range-${i}\\.yaml:7:\\d+: `));
      expect(err, step).to.match(message);
    }
  });

  it('profile numbers out of range: exit 2 at their line:col', async () => {
    for (const [i, dpd] of [DPD.replace('interval: 10', 'interval: -10'), DPD.replace('probes_before_dead: 5', 'probes_before_dead: 0'), DPD.replace('absolute: 0.5', 'absolute: -0.5')].entries()) {
      await refused([file(`dpd-${i}.yaml`, profile({ dpd }))], new RegExp(`dpd-${i}\\.yaml:4:\\d+: `));
    }
  });

  it('target address 300.1.2.3: exit 2 at the address', async () => {
    await refused([file('addr.yaml', profile({ target: '{ kind: external, address: 300.1.2.3, peer_addresses: [198.51.100.10] }' }))], /addr\.yaml:2:\d+: "300\.1\.2\.3" is not an IPv4 address/);
  });

  it('a missing profile: exit 2, "no such file"', async () => {
    const err = await refused(['suites/silence.yaml', '--profile', join(dir, 'nonexist.yaml')], /nonexist\.yaml:1:1: cannot read: no such file/);
    expect(err).to.not.contain('ENOENT');
  });
});
