import { expect } from 'chai';
import { ikev1Keys, renderIkev1KeyTable, tsharkCommandLine, tsharkKeyArguments } from '../../src/report/ikev1-key-table.js';
import type { ScenarioResult } from '../../src/report/result-model.js';

const keys = (...pairs: [string, string][]): Pick<ScenarioResult, 'events'> => ({
  events: pairs.map(([initiatorCookie, encryptionKey], i) => ({ type: 'sa-keys', t: BigInt(i), sa: `${initiatorCookie}${'0'.repeat(16)}`, initiatorCookie, encryptionKey })),
});

describe('report: Wireshark IKEv1 decryption table', () => {
  it("writes the UAT file format: one quoted \"icookie\",\"key\" line per SA", () => {
    const table = ikev1Keys(keys(['0102030405060708', '00112233445566778899AABBCCDDEEFF'], ['1112131415161718', 'aa'.repeat(24)]));
    expect(renderIkev1KeyTable(table)).to.equal(`"0102030405060708","00112233445566778899aabbccddeeff"\n"1112131415161718","${'aa'.repeat(24)}"\n`);
  });

  it('keeps one entry per cookie and drops entries Wireshark would refuse', () => {
    const table = ikev1Keys(keys(['0102030405060708', 'aa'.repeat(16)], ['0102030405060708', 'bb'.repeat(16)], ['01020304', 'cc'.repeat(16)], ['zz02030405060708', 'dd'.repeat(16)], ['2122232425262728', 'abc']));
    expect(table).to.deep.equal([{ initiatorCookie: '0102030405060708', encryptionKey: 'bb'.repeat(16) }]);
  });

  it('gives tshark the hex unquoted inside each -o option (lab-probe.md: quoted hex is rejected)', () => {
    const table = [{ initiatorCookie: '0102030405060708', encryptionKey: 'aa'.repeat(16) }];
    expect(tsharkKeyArguments(table)).to.deep.equal(['-o', `uat:ikev1_decryption_table:0102030405060708,${'aa'.repeat(16)}`]);
    expect(tsharkCommandLine('dpd-basics-x.pcap', table)).to.equal(`tshark -r dpd-basics-x.pcap -o 'uat:ikev1_decryption_table:0102030405060708,${'aa'.repeat(16)}'`);
    expect(tsharkCommandLine("it's here.pcap", [])).to.equal(`tshark -r 'it'\\''s here.pcap'`);
  });
});
