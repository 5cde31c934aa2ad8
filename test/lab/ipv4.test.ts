import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatAddress,
  formatPrefix,
  isAssignableHost,
  isDocumentationPrefix,
  overlaps,
  parseAddress,
  parsePrefix,
} from '../../src/lab/ipv4.js';

describe('lab/ipv4', () => {
  it('parses and formats dotted quads, rejecting malformed ones', () => {
    expect(parseAddress('203.0.113.255')).to.equal(0xcb0071ff);
    expect(formatAddress(0xcb0071ff)).to.equal('203.0.113.255');
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '', 'a.b.c.d']) expect(parseAddress(bad), bad).to.equal(undefined);
  });

  it('round-trips every address', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseAddress(formatAddress(n)) === n));
  });

  it('parses prefixes strictly (host bits zero) or leniently (interface addresses)', () => {
    expect(parsePrefix('198.51.100.16/28')).to.deep.equal({ network: 0xc6336410, length: 28 });
    expect(parsePrefix('198.51.100.17/28')).to.equal(undefined);
    expect(formatPrefix(parsePrefix('198.51.100.17/28', false)!)).to.equal('198.51.100.16/28');
    expect(parsePrefix('198.51.100.0/33')).to.equal(undefined);
  });

  it('knows the RFC 5737 documentation ranges and nothing else', () => {
    expect(isDocumentationPrefix(parsePrefix('192.0.2.0/24')!)).to.equal(true);
    expect(isDocumentationPrefix(parsePrefix('203.0.113.64/26')!)).to.equal(true);
    expect(isDocumentationPrefix(parsePrefix('198.51.0.0/16')!)).to.equal(false);
    expect(isDocumentationPrefix(parsePrefix('10.1.0.0/24')!)).to.equal(false);
  });

  it('detects overlap in either direction and not between neighbours', () => {
    const a = parsePrefix('203.0.113.0/28')!;
    expect(overlaps(a, parsePrefix('203.0.113.0/24')!)).to.equal(true);
    expect(overlaps(parsePrefix('203.0.113.0/24')!, a)).to.equal(true);
    expect(overlaps(a, parsePrefix('203.0.113.16/28')!)).to.equal(false);
  });

  it('refuses network and broadcast addresses as hosts', () => {
    const p = parsePrefix('203.0.113.16/29')!;
    expect(isAssignableHost(p, parseAddress('203.0.113.16')!)).to.equal(false);
    expect(isAssignableHost(p, parseAddress('203.0.113.17')!)).to.equal(true);
    expect(isAssignableHost(p, parseAddress('203.0.113.23')!)).to.equal(false);
    expect(isAssignableHost(p, parseAddress('203.0.113.24')!)).to.equal(false);
  });
});
