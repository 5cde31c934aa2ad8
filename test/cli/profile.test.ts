/**
 * `dpd-harness profile from-ios`: through the CLI entry point, on the Cisco guide's
 * multi-peer crypto map example (cisco-iosxe-dpd-periodic-message-option.md) plus an
 * interface carrying the map and a key.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './capture-output.js';
import { MULTI_PEER_EXAMPLE } from '../dut/cisco-multi-peer-example.js';

const ROUTER = `crypto isakmp key kd94j1ksldz address 10.0.0.0 255.255.255.0
${MULTI_PEER_EXAMPLE}interface GigabitEthernet1
  ip address 10.1.32.14 255.255.255.0
  crypto map green
`;


describe('cli/profile from-ios', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdx-from-ios-'));
    writeFileSync(join(dir, 'router.cfg'), ROUTER);
    writeFileSync(join(dir, 'bad.cfg'), 'crypto isakmp keepalive 10 1 periodic\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a profile with the peer list and the PSK by environment variable, exit 0', async () => {
    const r = await runMain(['profile', 'from-ios', join(dir, 'router.cfg')]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain('peer_addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3"]');
    expect(r.out).to.contain('address: "10.1.32.14"');
    expect(r.out).to.contain('psk: { env: DPD_HARNESS_PSK }');
    expect(r.out + r.err).to.not.contain('kd94j1ksldz');
  });

  it('inlines the key only with --psk-inline', async () => {
    const r = await runMain(['profile', 'from-ios', join(dir, 'router.cfg'), '--psk-inline']);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain('psk: { value: "kd94j1ksldz" }');
  });

  it('a bad value: file:line:col with the line and a caret on stderr, exit 2', async () => {
    const r = await runMain(['profile', 'from-ios', join(dir, 'bad.cfg')]);
    expect(r.code).to.equal(2);
    expect(r.err).to.contain(`${join(dir, 'bad.cfg')}:1:28:`);
    expect(r.err).to.contain(`${' '.repeat(31)}^`);
    expect(r.out).to.equal('');
  });

  it('usage errors exit 2', async () => {
    expect((await runMain(['profile'])).code).to.equal(2);
    expect((await runMain(['profile', 'from-ios', join(dir, 'router.cfg'), '--psk-inline', '--psk-env', 'X'])).code).to.equal(2);
    expect((await runMain(['profile', 'from-ios', join(dir, 'missing.cfg')])).code).to.equal(2);
  });
});
