import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { DPD_VENDOR_ID, VENDOR_IDS, identifyVendorId } from '../../src/wire/index.js';
import { hex, toHex } from './helpers.js';

describe('vendor IDs', () => {
  it('has the RFC 3706 §5.1 DPD vendor ID', () => {
    expect(toHex(DPD_VENDOR_ID)).to.equal('afcad71368a1f1c96b8696fc77570100');
    expect(identifyVendorId(DPD_VENDOR_ID)?.name).to.equal('Dead Peer Detection (RFC 3706)');
  });

  it('stores each MD5-derived ID as the MD5 of the string it cites', () => {
    for (const v of VENDOR_IDS.filter((e) => e.md5Of !== undefined)) {
      const md5 = createHash('md5').update(v.md5Of as string).digest();
      expect(toHex(v.bytes), v.name).to.equal(toHex(md5.subarray(0, v.bytes.length)));
    }
  });

  it('matches prefixes and returns what the vendor appended', () => {
    // strongSwan 5.9.8 sends FRAGMENTATION with capability word 0x80000000 (fixture strongswan-initiator-main-mode.json).
    const frag = identifyVendorId(hex('4048b7d56ebce88525e7de7f00d6c2d380000000'));
    expect(frag?.name).to.equal('IKE FRAGMENTATION');
    expect(toHex(frag?.suffix ?? new Uint8Array())).to.equal('80000000');
    const ls = identifyVendorId(new TextEncoder().encode('OE-Libreswan-4.10'));
    expect(ls).to.include({ name: 'Libreswan', version: '4.10' });
  });

  it('does not match an exact ID with extra bytes, nor unknown data', () => {
    expect(identifyVendorId(hex('afcad71368a1f1c96b8696fc7757010000'))).to.equal(undefined);
    expect(identifyVendorId(hex('00112233'))).to.equal(undefined);
    expect(identifyVendorId(new Uint8Array(0))).to.equal(undefined);
  });
});
