import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { parseIosIkev2 } from '../../src/dut/ios-ikev2-config.js';

function errorOf(text: string): ConfigError {
  try {
    parseIosIkev2(text, 'r.cfg');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('parsed without error');
}

describe('dut/ios-ikev2-config: the crypto ikev2 lines of an IOS XE configuration', () => {
  it('reads a profile dpd and the global dpd apart, each with its line', () => {
    const c = parseIosIkev2('crypto ikev2 profile P\n dpd 15 4 on-demand\n!\ncrypto ikev2 dpd 40 6 periodic\n', 'r.cfg');
    expect(c.profiles[0]!.dpd).to.deep.equal({ value: { interval: 15, retryInterval: 4, mode: 'on-demand' }, line: 2, col: 2 });
    expect(c.dpd).to.deep.equal({ value: { interval: 40, retryInterval: 6, mode: 'periodic' }, line: 4, col: 1 });
    expect([...c.lines]).to.deep.equal([1, 2, 4]);
  });

  it("checks Cisco's ranges and the mode word: interval 10-3600, retry-interval 2-60", () => {
    expect(errorOf('crypto ikev2 dpd 9 2 on-demand\n').message).to.equal('r.cfg:1:18: DPD interval 9 is outside 10–3600');
    expect(errorOf('crypto ikev2 dpd 10 61 periodic\n').message).to.equal('r.cfg:1:21: DPD retry-interval 61 is outside 2–60');
    expect(errorOf('crypto ikev2 dpd 10 2 sometimes\n').message).to.equal("r.cfg:1:23: expected 'on-demand' or 'periodic', got 'sometimes'");
    expect(errorOf('crypto ikev2 dpd 10 2\n').message).to.equal("r.cfg:1:22: expected 'on-demand' or 'periodic', got ''");
  });

  it('keeps a keyring key for --psk-inline but never shows a key line in an error', () => {
    const c = parseIosIkev2('crypto ikev2 keyring K\n peer A\n  address 192.0.2.1\n  pre-shared-key 0 Sekrit-1\n', 'r.cfg');
    expect(c.keyrings.get('K')).to.deep.equal([{ name: 'A', line: 2, address: { address: '192.0.2.1', mask: '255.255.255.255' }, key: 'Sekrit-1', keyLine: 4 }]);
    const err = errorOf('crypto ikev2 keyring K\n peer A\n  pre-shared-key 6 Encrypted-Sekrit\n');
    expect(err.message).to.match(/^r\.cfg:3:18: key type 6/);
    expect(JSON.stringify(err)).not.to.contain('Encrypted-Sekrit');
    expect(err.excerpt ?? '').to.equal('');
  });

  it('reads proposals, policies and the crypto map entry that uses a profile; unknown algorithms are errors at their column', () => {
    const c = parseIosIkev2('crypto ikev2 proposal X\n encryption aes-gcm-128\n prf sha1\n group 19\ncrypto ikev2 policy Y\n proposal X\ncrypto map M 5 ipsec-isakmp\n set peer 192.0.2.1\n set ikev2-profile P\n', 'r.cfg');
    expect(c.proposals[0]!.encryption.map((e) => e.value)).to.deep.equal(['aes-gcm-128']);
    expect(c.policies[0]!.proposals.map((p) => p.value)).to.deep.equal(['X']);
    expect(c.mapProfiles.get('M:5')).to.deep.equal({ value: 'P', line: 9, col: 20 });
    expect(c.lines.has(8)).to.equal(false); // set peer is ios-config.ts's
    expect(errorOf('crypto ikev2 proposal X\n encryption aes-cbc-128 chacha20\n').message).to.match(/^r\.cfg:2:25: unknown encryption 'chacha20'/);
  });
});
