import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { expectedFailure, loadProfile, profileFromSource, profileVariables, timeToDeadAfterFirstProbe } from '../../src/profile/load-profile.js';
import { ConfigErrors, YamlSource, formatConfigError } from '../../src/profile/yaml-source.js';
import { baseProfileText, profileErrorOf } from './profile-text.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

const errorOf = profileErrorOf;
const base = baseProfileText;

describe('profile/load-profile', () => {
  it('loads the Cisco-like reference profile with defaults filled', () => {
    const p = loadProfile(fixture('cisco-like.yaml'));
    expect(p.identity).to.deep.equal({ vendor: 'Cisco', product: 'IOS XE', version: '17.9 (test)' });
    expect(p.target).to.deep.equal({ kind: 'reference', peerAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4'], dut: {} });
    expect(p.dpd).to.deep.include({ interval: 10, retryInterval: 2, probesBeforeDead: 5, deadTimeout: 10, action: 'failover', peers: [0, 1, 2] });
    expect(p.dpd.tolerance).to.deep.equal({ absolute: 0.5, relative: 0.05 });
    expect(p.ike.lifetime).to.deep.equal({ ike: 28800, ipsec: 3600 });
    expect(p.psk.reveal()).to.equal('test-psk-do-not-print');
    const vars = profileVariables(p);
    expect(vars.get('dpd.time_to_dead')).to.equal(10);
    expect(vars.get('dpd.failover.within')).to.equal(2);
    expect(expectedFailure(p, 'sequence-mismatch/ack-plus-one')?.reason).to.equal('accepts ACKs with a wrong sequence number');
    expect(expectedFailure(p, 'silence/retry-spacing')).to.equal(undefined);
  });

  it('never prints the PSK: String, JSON, util.inspect', () => {
    const p = loadProfile(fixture('cisco-like.yaml'));
    for (const text of [String(p.psk), JSON.stringify(p), inspect(p, { depth: 10 }), `${p.psk}`]) {
      expect(text).not.to.contain('test-psk-do-not-print');
    }
    expect(JSON.stringify({ psk: p.psk })).to.equal('{"psk":"<redacted>"}');
  });

  it('loads a lab profile through parseLabSpec, taking the PSK from lab.psk; strongSwan dead time counts from last inbound', () => {
    const p = loadProfile(fixture('strongswan-lab.yaml'));
    expect(p.target.kind).to.equal('strongswan');
    expect(p.psk.reveal()).to.equal('lab-secret');
    expect(p.psk.source).to.equal('lab.psk');
    // lab-probe.md §0: dead at last inbound + 30 s = first unanswered probe + 20 s
    expect(timeToDeadAfterFirstProbe(p.dpd)).to.equal(20);
  });

  it('reads the PSK from an environment variable or a file (trailing newline dropped)', () => {
    const fromEnv = profileFromSource(YamlSource.parse('p.yaml', base().replace('psk: { value: s3cret }', 'psk: { env: DUT_PSK }')), { env: { DUT_PSK: 'from-env' } });
    expect(fromEnv.psk.reveal()).to.equal('from-env');
    const dir = mkdtempSync(join(tmpdir(), 'dpdh-profile-'));
    writeFileSync(join(dir, 'psk.txt'), 'from-file\n');
    writeFileSync(join(dir, 'p.yaml'), base().replace('psk: { value: s3cret }', 'psk: { file: psk.txt }'));
    expect(loadProfile(join(dir, 'p.yaml')).psk.reveal()).to.equal('from-file');
  });

  it('reports a missing env variable as ERR_CONFIG_SECRET at the env field', () => {
    const err = errorOf(base().replace('psk: { value: s3cret }', 'psk: { env: NOPE }'));
    expect(err.code).to.equal('ERR_CONFIG_SECRET');
    expect([err.line, err.col]).to.deep.equal([3, 13]);
  });

  it('reports every schema problem at its key or value, with the line shown', () => {
    const err = errorOf(base().replace('interval: 10', 'intervall: 10').replace('mode: periodic', 'mode: periodical'));
    expect(err).to.be.instanceOf(ConfigErrors);
    expect(formatConfigError(err)).to.equal([
      'p.yaml:5:9: dpd.mode: must be one of periodic, idle, on-demand, got "periodical"',
      '      mode: periodical',
      '            ^',
      'p.yaml:6:3: dpd.intervall: unknown field (expected mode, interval, retry_interval, probes_before_dead, dead_time_from, dead_timeout, retry_seq, delete_on_dead, action, peers, failover, tolerance)',
      '      intervall: 10',
      '      ^',
      'p.yaml:5:3: dpd: missing required field interval',
      '      mode: periodical',
      '      ^',
    ].join('\n'));
  });

  it('semantic checks: failover needs peers, peer indexes exist, external needs an address', () => {
    expect(errorOf(base().replace('action: clear', 'action: failover')).message).to.equal('p.yaml:12:11: action failover needs dpd.peers (the ordered peer list)');
    const twoPeers = base().replace('action: clear', 'action: failover\n  peers: [0, 3]\n  failover: { mechanism: m, within: 1 }');
    expect(errorOf(twoPeers).message).to.equal('p.yaml:13:14: peer index 3 but the fake peer has 1 address (127.0.0.1)');
    expect(errorOf(base().replace('kind: reference', 'kind: external')).message).to.equal('p.yaml:2:9: an external target needs address: <host>[:port]');
    expect(errorOf(base().replace('kind: reference', 'kind: strongswan')).message).to.match(/^p\.yaml:2:17: target strongswan runs in the lab/);
  });

  it('a YAML syntax error is ERR_CONFIG_SYNTAX at its position', () => {
    const err = errorOf('identity: { vendor: V\ntarget: [\n');
    expect(err.code).to.equal('ERR_CONFIG_SYNTAX');
    expect(err.file).to.equal('p.yaml');
    expect(err.line).to.be.greaterThan(0);
  });
});
