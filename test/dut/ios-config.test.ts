/**
 * IOS config import. Configuration text marked "reference document" is copied from
 * the Cisco guide "IPsec Dead Peer Detection Periodic Message Option"
 * (cisco-iosxe-dpd-periodic-message-option.md, "Configuration Examples" and
 * "How to Configure" step examples).
 */
import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { parseIosConfig, keyCoversPeer } from '../../src/dut/ios-config.js';
import { profileFromIos } from '../../src/dut/profile-from-ios.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { MULTI_PEER_EXAMPLE } from './cisco-multi-peer-example.js';

/** Reference document, "Site-to-Site Setup with Periodic DPD Enabled Example" (all three blocks, as printed). */
const SITE_TO_SITE = `crypto isakmp policy 1
  encryption aes
  authentication pre-share
  group 14
!
crypto isakmp key kd94j1ksldz address 10.2.80.209 255.255.255.0

crypto isakmp keepalive 10 periodic
crypto ipsec transform-set Trans1 esp-aes esp-sha-hmac

!
!
interface
  ip address 10.1.32.14 255.255.255.0
  speed auto

!
`;

function ioserror(text: string): ConfigError {
  try {
    parseIosConfig(text, 'r.cfg');
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('dut/ios-config', () => {
  it('reads the site-to-site example: policy, key, keepalive, transform set', () => {
    const c = parseIosConfig(SITE_TO_SITE, 'site.cfg');
    expect(c.keepalive?.value).to.deep.equal({ seconds: 10, retrySeconds: 2, mode: 'periodic' });
    expect(c.keepalive?.line).to.equal(8);
    expect(c.policies).to.have.length(1);
    expect(c.policies[0]).to.deep.include({ priority: 1, encryption: { cipher: 'aes', bits: 128 }, hash: 'sha', authentication: 'pre-share', group: 14, lifetime: 86400 });
    expect(c.keys).to.deep.equal([{ key: 'kd94j1ksldz', address: '10.2.80.209', mask: '255.255.255.0', line: 6 }]);
    expect(c.transformSets.map((t) => [t.name, t.transforms, t.line, t.mode])).to.deep.equal([['Trans1', ['esp-aes', 'esp-sha-hmac'], 9, 'tunnel']]);
    expect(c.interfaces[0]?.address).to.equal('10.1.32.14');
  });

  it('reads the multi-peer crypto map example: the peer list in order', () => {
    const c = parseIosConfig(MULTI_PEER_EXAMPLE, 'multi.cfg');
    expect(c.cryptoMaps).to.have.length(1);
    const m = c.cryptoMaps[0]!;
    expect([m.name, m.seq, m.matchAddress, m.transformSets]).to.deep.equal(['green', 1, { value: '101', line: 7, col: 17 }, ['txfm']]);
    expect(m.peers.map((p) => p.value)).to.deep.equal(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(m.peers.map((p) => [p.line, p.col])).to.deep.equal([[3, 12], [4, 12], [5, 12]]);
  });

  it('puts a `set peer … default` peer first', () => {
    const c = parseIosConfig('crypto map m 10 ipsec-isakmp\n set peer 192.0.2.1\n set peer 192.0.2.2 default\n set peer 192.0.2.3\n', 'd.cfg');
    expect(c.cryptoMaps[0]!.peers.map((p) => p.value)).to.deep.equal(['192.0.2.2', '192.0.2.1', '192.0.2.3']);
  });

  it('reads every keepalive form of the command syntax', () => {
    const ka = (line: string) => parseIosConfig(line, 'k.cfg').keepalive?.value;
    // Reference document, "Configuring a Periodic DPD Message", step 3 example.
    expect(ka('crypto isakmp keepalive 10 periodic')).to.deep.equal({ seconds: 10, retrySeconds: 2, mode: 'periodic' });
    expect(ka('crypto isakmp keepalive 30')).to.deep.equal({ seconds: 30, retrySeconds: 2, mode: 'on-demand' });
    expect(ka('crypto isakmp keepalive 3600 60 on-demand')).to.deep.equal({ seconds: 3600, retrySeconds: 60, mode: 'on-demand' });
    expect(ka('crypto isakmp keepalive 10 5 periodic')).to.deep.equal({ seconds: 10, retrySeconds: 5, mode: 'periodic' });
  });

  it('reads `encr`, the form IOS prints in running-config, like `encryption`', () => {
    const c = parseIosConfig('crypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n', 'running.cfg');
    expect(c.policies[0]).to.deep.include({ priority: 10, encryption: { cipher: 'aes', bits: 256 }, hash: 'sha256', authentication: 'pre-share', group: 14 });
  });

  it('reads policy sub-commands: aes sizes, 3des, sha256, groups, lifetime', () => {
    const c = parseIosConfig('crypto isakmp policy 20\n encryption aes 256\n hash sha256\n authentication pre-share\n group 5\n lifetime 3600\ncrypto isakmp policy 10\n encryption 3des\n group 2\n', 'p.cfg');
    expect(c.policies.map((p) => [p.priority, p.encryption, p.hash, p.group, p.lifetime])).to.deep.equal([
      [20, { cipher: 'aes', bits: 256 }, 'sha256', 5, 3600],
      [10, { cipher: '3des', bits: undefined }, 'sha', 2, 86400],
    ]);
  });

  it('rejects out-of-range and malformed values at line:col', () => {
    const cases: [string, number, number][] = [
      ['crypto isakmp keepalive 9 periodic', 1, 25],          // seconds 10–3600
      ['crypto isakmp keepalive 3601', 1, 25],
      ['crypto isakmp keepalive 10 1 periodic', 1, 28],       // retry 2–60
      ['crypto isakmp keepalive 10 61', 1, 28],
      ['crypto isakmp keepalive 10 always', 1, 28],
      ['crypto isakmp keepalive', 1, 24],                     // "If you do not specify a time interval, an error message appears."
      ['!\ncrypto map m 1 ipsec-isakmp\n set peer 10.0.0.300', 3, 11],
      ['crypto isakmp policy 1\n group 3', 2, 8],
      ['crypto isakmp policy 1\n encryption aes 512', 2, 17],
      ['crypto isakmp key secret address 10.1.1', 1, 38],   // column in the redacted excerpt
      ['crypto isakmp key 6 secret address 10.1.1.1', 1, 19],
    ];
    for (const [text, line, col] of cases) {
      const err = ioserror(text);
      expect([err.code, err.line, err.col], text).to.deep.equal(['ERR_CONFIG_IOS', line, col]);
    }
  });

  it('never puts the pre-shared key in an error message or its excerpt; the caret still points at the fault', () => {
    const typed = ioserror('crypto isakmp key 6 hunter2secret address 10.1.1.1');
    expect(`${typed.message}${typed.excerpt}`).to.not.contain('hunter2secret');
    const bad = ioserror('crypto isakmp key hunter2secret address 10.1.1');
    expect(`${bad.message}${bad.excerpt}`).to.not.contain('hunter2secret');
    expect(bad.excerpt!.slice(bad.col - 1)).to.equal('10.1.1');
  });

  it('matches keys to peers by address and mask', () => {
    const [key] = parseIosConfig('crypto isakmp key k address 10.2.80.209 255.255.255.0', 'k.cfg').keys;
    expect(keyCoversPeer(key!, '10.2.80.1')).to.equal(true);
    expect(keyCoversPeer(key!, '10.2.81.209')).to.equal(false);
  });
});

describe('dut/profile-from-ios', () => {
  const both = `${SITE_TO_SITE}${MULTI_PEER_EXAMPLE.replace('crypto isakmp keepalive 10 periodic\n', '')}`;

  const load = (yaml: string, env: Record<string, string> = {}) => profileFromSource(YamlSource.parse('derived.yaml', yaml), { env });

  it('derives a profile the loader accepts, with Cisco semantics and the peer list as failover order', () => {
    // The example's interface carries no `crypto map`, so the router address is given as --address would.
    const yaml = profileFromIos(parseIosConfig(both, 'router.cfg'), { psk: { kind: 'env', name: 'ROUTER_PSK' }, address: '10.1.32.14' });
    const p = load(yaml, { ROUTER_PSK: 'from-env' });
    expect(p.target).to.deep.equal({ kind: 'external', address: '10.1.32.14', port: 500, peerAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    expect(p.ike.proposals).to.deep.equal([{ encryption: 'aes-128', hash: 'sha1', group: 'modp2048' }]);
    expect(p.dpd).to.deep.include({ mode: 'periodic', interval: 10, retryInterval: 2, probesBeforeDead: 5, deleteOnDead: true, action: 'failover', retrySeq: 'increment' });
    expect(p.dpd.peers).to.deep.equal([0, 1, 2]);
    expect(p.dpd.deadTimeout).to.equal(10);
  });

  it('keeps the PSK out of the profile unless asked to inline it', () => {
    const config = parseIosConfig(both.replace('10.2.80.209 255.255.255.0', '10.0.0.0 255.255.255.0'), 'router.cfg');
    expect(profileFromIos(config, { psk: { kind: 'env', name: 'ROUTER_PSK' }, address: '10.1.32.14' })).to.not.contain('kd94j1ksldz');
    expect(profileFromIos(config, { psk: { kind: 'file', path: 'router.psk' }, address: '10.1.32.14' })).to.not.contain('kd94j1ksldz');
    const inline = profileFromIos(config, { psk: { kind: 'inline' }, address: '10.1.32.14' });
    expect(load(inline).psk.reveal()).to.equal('kd94j1ksldz');
  });

  it('refuses to inline when no key covers a peer, naming lines, not keys', () => {
    // The site-to-site key covers 10.2.80.0/24, not the crypto map's 10.0.0.x peers.
    expect(() => profileFromIos(parseIosConfig(both, 'router.cfg'), { psk: { kind: 'inline' }, address: '10.1.32.14' })).to.throw(ConfigError).with.property('code', 'ERR_CONFIG_IOS');
  });

  it('one listed peer: action clear, no peer list', () => {
    const yaml = profileFromIos(parseIosConfig(`${SITE_TO_SITE}crypto map m 1 ipsec-isakmp\n set peer 10.2.80.209\n`, 'one.cfg'), { psk: { kind: 'env', name: 'P' }, address: '192.0.2.1' });
    const p = load(yaml, { P: 'x' });
    expect(p.dpd.action).to.equal('clear');
    expect(p.target).to.deep.include({ address: '192.0.2.1' });
  });

  it('leaves out policies the fake peer cannot offer, and says why', () => {
    const text = `crypto isakmp policy 5\n encryption aes 256\n authentication pre-share\n group 19\n${both}`;
    const yaml = profileFromIos(parseIosConfig(text, 'r.cfg'), { psk: { kind: 'env', name: 'P' }, address: '192.0.2.1' });
    expect(yaml).to.match(/policy 5 \(line 1\) left out: group 19/);
    expect(load(yaml, { P: 'x' }).ike.proposals).to.have.length(1);
  });

  it('without a keepalive line DPD is off: a typed error, not an empty profile', () => {
    expect(() => profileFromIos(parseIosConfig(MULTI_PEER_EXAMPLE.split('\n').slice(1).join('\n'), 'r.cfg'), { psk: { kind: 'env', name: 'P' }, address: '192.0.2.1' }))
      .to.throw(ConfigError).with.property('code', 'ERR_CONFIG_IOS');
  });

  it('--map with a name only, when the map has several entries, lists them', () => {
    const text = `crypto isakmp keepalive 10\ncrypto map m 10 ipsec-isakmp\n set peer 192.0.2.1\ncrypto map m 20 ipsec-isakmp\n set peer 192.0.2.2\n`;
    expect(() => profileFromIos(parseIosConfig(text, 'r.cfg'), { psk: { kind: 'env', name: 'P' }, address: '192.0.2.9', map: 'm' }))
      .to.throw(ConfigError, /r\.cfg:4:1: crypto map m has 2 entries: m:10 \(line 2, peer 192\.0\.2\.1\), m:20 \(line 4, peer 192\.0\.2\.2\); choose one with --map m:SEQ/);
    const yaml = profileFromIos(parseIosConfig(text, 'r.cfg'), { psk: { kind: 'env', name: 'P' }, address: '192.0.2.9', map: 'm:20' });
    expect(load(yaml, { P: 'x' }).target).to.deep.include({ peerAddresses: ['192.0.2.2'] });
  });

  it('reads keyring keys, and keeps them out of error excerpts', () => {
    const c = parseIosConfig('crypto keyring K\n pre-shared-key address 192.0.2.0 255.255.255.0 key 0 ring-secret\n pre-shared-key address 192.0.2.9 key plain\n', 'k.cfg');
    expect(c.keys.map((k) => [k.key, k.address, k.mask, k.line])).to.deep.equal([['ring-secret', '192.0.2.0', '255.255.255.0', 2], ['plain', '192.0.2.9', '255.255.255.255', 3]]);
    const err = ioserror('crypto keyring K\n pre-shared-key address 192.0.2.300 key ring-secret\n');
    expect([err.line, err.col]).to.deep.equal([2, 25]);
    expect(`${err.message}${err.excerpt}`).to.not.contain('ring-secret');
  });

  it('without an interface carrying the map, asks for --address', () => {
    expect(() => profileFromIos(parseIosConfig(MULTI_PEER_EXAMPLE, 'r.cfg'), { psk: { kind: 'env', name: 'P' } })).to.throw(ConfigError, /--address/);
  });
});
