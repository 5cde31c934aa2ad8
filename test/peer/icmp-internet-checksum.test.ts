import { expect } from 'chai';
import fc from 'fast-check';
import { checksumHolds, internetChecksum } from '../../src/peer/icmp-internet-checksum.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

describe('internetChecksum (RFC 1071)', () => {
  it('matches the numerical example of RFC 1071 §3', () => {
    // RFC 1071 §3: the one's complement sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2, so the checksum is its complement.
    expect(internetChecksum(hex('0001f203f4f5f6f7'))).to.equal(0x220d);
  });

  it('does not depend on how the data is split into parts, odd lengths included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), (data, a, b) => {
        const [i, j] = [a % (data.length + 1), b % (data.length + 1)].sort((x, y) => x - y);
        expect(internetChecksum(data.subarray(0, i), data.subarray(i, j), data.subarray(j))).to.equal(internetChecksum(data));
      }),
    );
  });

  it('holds over data that carries its own checksum (RFC 1071 §1 (4))', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 64 }).filter((d) => d.length % 2 === 0), (data) => {
        const withSum = Uint8Array.from([...data, 0, 0]);
        const c = internetChecksum(withSum);
        withSum[data.length] = c >>> 8;
        withSum[data.length + 1] = c & 0xff;
        expect(checksumHolds(withSum)).to.equal(true);
      }),
    );
  });
});
