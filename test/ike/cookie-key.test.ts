import { expect } from 'chai';
import fc from 'fast-check';
import { hex } from '../../src/ike/bytes.js';
import { cookieKey, cookieKeyOfId } from '../../src/ike/cookie-key.js';

describe('ike/cookie-key', () => {
  it('an SA id (CKY-I hex, CKY-R hex after it or not, either case) has the key of its CKY-I bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (cookies) => {
        const key = cookieKey(cookies);
        const id = hex(cookies);
        expect(cookieKeyOfId(id)).to.equal(key);
        expect(cookieKeyOfId(id.slice(0, 16))).to.equal(key);
        expect(cookieKeyOfId(id.toUpperCase())).to.equal(key);
        expect(cookieKey(cookies, 8)).to.equal(cookieKey(cookies.slice(8)));
      }),
    );
  });

  it('distinct cookies, distinct keys; ids that are not 16 hex digits name no SA', () => {
    expect(cookieKey(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1))).not.to.equal(cookieKey(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)));
    for (const id of ['', '00112233', '0011223344556g77', 'zz11223344556677', '0011223344556677'.replace('7', ' ')]) expect(cookieKeyOfId(id)).to.equal(undefined);
  });
});
