/**
 * Crypto ACL entries → traffic selectors: the wildcard arithmetic and the side swap
 * (ACL source = behind the router = the profile's `remote`).
 */
import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { aclSelectors } from '../../src/dut/ios-acl.js';
import { parseIosConfig } from '../../src/dut/ios-config.js';

const selectors = (text: string) => {
  const c = parseIosConfig(text, 'a.cfg');
  return aclSelectors('a.cfg', [...c.acls.keys()][0]!, [...c.acls.values()][0]!);
};

describe('dut/ios-acl', () => {
  it('turns wildcards into prefixes, drops host bits, and puts the ACL source on the remote side', () => {
    const r = selectors('access-list 101 permit ip 192.0.2.77 0.0.0.63 203.0.113.5 0.0.0.0\naccess-list 101 permit ip any 198.51.100.0 0.0.0.1\n');
    expect(r.selectors).to.deep.equal([
      { local: '203.0.113.5', remote: '192.0.2.64/26' },
      { local: '198.51.100.0/31', remote: '0.0.0.0/0' },
    ]);
  });

  it('reads named-list entries with or without a sequence number, protocol numbers and port names', () => {
    const r = selectors('ip access-list extended X\n 10 permit 50 host 192.0.2.1 host 203.0.113.1\n permit udp any eq ntp any eq 123\n');
    expect(r.selectors).to.deep.equal([
      { local: '203.0.113.1', remote: '192.0.2.1', protocol: 50 },
      { local: '0.0.0.0/0', remote: '0.0.0.0/0', protocol: 17, port: 123 },
    ]);
  });

  it('notes what it cannot propose, with the line', () => {
    const r = selectors('access-list 101 deny ip any any\naccess-list 101 permit tcp any eq 80 any eq 8080\n');
    expect(r.selectors).to.deep.equal([]);
    expect(r.warnings.map((w) => [w.line, w.col])).to.deep.equal([[1, 17], [2, 17]]);
    expect(r.warnings[1]!.message).to.match(/source port 80 and destination port 8080 differ/);
  });

  it('refuses a non-contiguous wildcard and an unknown protocol at line:col', () => {
    const at = (text: string): [string, number, number] => {
      try {
        selectors(text);
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        const e = err as ConfigError;
        return [e.code, e.line, e.col];
      }
      throw new Error('expected a ConfigError');
    };
    expect(at('!\naccess-list 120 permit ip 192.0.2.0 0.0.0.255 203.0.113.0 0.255.0.255\n')).to.deep.equal(['ERR_CONFIG_IOS', 2, 59]);
    expect(at('access-list 120 permit bogus any any\n')).to.deep.equal(['ERR_CONFIG_IOS', 1, 24]);
  });
});
