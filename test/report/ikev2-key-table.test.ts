// The IKEv2 key table: Wireshark's ikev2_decryption_table record layout, entries Wireshark would refuse
// dropped rather than written, one entry per SA, and the pasteable tshark command.
import { expect } from 'chai';
import type { Ikev2SaKeys } from '../../src/ike/v2/ikev2-effects.js';
import { ikev2Keys, parseIkev2KeyTable, renderIkev2KeyTable, tsharkIkev2CommandLine, tsharkIkev2KeyArguments } from '../../src/report/ikev2-key-table.js';

const CBC: Ikev2SaKeys = {
  spiI: '0011223344556677',
  spiR: '8899AABBCCDDEEFF',
  skEi: '00'.repeat(16),
  skEr: '11'.repeat(16),
  skAi: '22'.repeat(20),
  skAr: '33'.repeat(20),
  encryption: 'AES-CBC-128 [RFC3602]',
  integrity: 'HMAC_SHA1_96 [RFC2404]',
};
const GCM: Ikev2SaKeys = { ...CBC, spiR: '0102030405060708', skEi: '44'.repeat(20), skEr: '55'.repeat(20), skAi: '', skAr: '', encryption: 'AES-GCM-128 with 16 octet ICV [RFC5282]', integrity: 'NONE [RFC4306]' };

describe('IKEv2 key table (Wireshark ikev2_decryption_table)', () => {
  it('writes one record per SA: SPIs, SK_ei, SK_er, encryption name, SK_ai, SK_ar, integrity name', () => {
    expect(renderIkev2KeyTable(ikev2Keys([CBC, GCM]))).to.equal(
      `0011223344556677,8899aabbccddeeff,${'00'.repeat(16)},${'11'.repeat(16)},"AES-CBC-128 [RFC3602]",${'22'.repeat(20)},${'33'.repeat(20)},"HMAC_SHA1_96 [RFC2404]"\n` +
        `0011223344556677,0102030405060708,${'44'.repeat(20)},${'55'.repeat(20)},"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"\n`,
    );
  });

  it('keeps one entry per SPI pair and drops entries Wireshark would refuse', () => {
    const keys = ikev2Keys([CBC, { ...CBC }, { ...CBC, spiI: '00' }, { ...CBC, spiR: 'ffffffffffffffff', skEi: 'xyz' }, { ...CBC, spiR: 'eeeeeeeeeeeeeeee', encryption: 'AES"x' }]);
    expect(keys.map((k) => k.spiR)).to.deep.equal(['8899aabbccddeeff']);
  });

  it('reads its own file back', () => {
    const keys = ikev2Keys([CBC, GCM]);
    expect(parseIkev2KeyTable(`# comment\n${renderIkev2KeyTable(keys)}garbage\n`)).to.deep.equal(keys);
  });

  it('gives tshark one -o uat:ikev2_decryption_table record per SA, and a pasteable command with Decode As ports', () => {
    const keys = ikev2Keys([CBC]);
    expect(tsharkIkev2KeyArguments(keys)).to.deep.equal(['-o', `uat:ikev2_decryption_table:${renderIkev2KeyTable(keys).trim()}`]);
    expect(tsharkIkev2CommandLine('out/a b.pcap', keys, [40500])).to.equal(`tshark -r 'out/a b.pcap' -d udp.port==40500,isakmp -o 'uat:ikev2_decryption_table:${renderIkev2KeyTable(keys).trim()}'`);
  });
});
