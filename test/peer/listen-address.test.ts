import { expect } from 'chai';
import { parseListenAddress } from '../../src/peer/listen-address.js';

describe('peer/listen-address', () => {
  it('reads address, address:port and bracketed or bare IPv6, defaulting to port 500', () => {
    expect(parseListenAddress('198.51.100.2')).to.deep.equal({ address: '198.51.100.2', port: 500 });
    expect(parseListenAddress('127.0.0.1:0')).to.deep.equal({ address: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:4500')).to.deep.equal({ address: '::1', port: 4500 });
    expect(parseListenAddress('2001:db8::2')).to.deep.equal({ address: '2001:db8::2', port: 500 });
  });

  for (const bad of ['', 'localhost', '127.0.0.1:70000', '127.0.0.1:x', '[::1', '1.2.3']) {
    it(`rejects ${JSON.stringify(bad)} with ERR_USAGE`, () => {
      expect(() => parseListenAddress(bad)).to.throw().with.property('code', 'ERR_USAGE');
    });
  }
});
