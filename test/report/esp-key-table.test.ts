/**
 * The esp_sa UAT file (Wireshark 3.6-4.x column layout) and, with tshark as
 * the judge, whole ESP-in-UDP packets (RFC 3948) sealed by src/crypto: tshark
 * reads the key file from a profile directory, decrypts every packet to the
 * inner ICMP echo or UDP, and finds every ICV good; with a wrong key it does not.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { suiteKeyLengths, type CipherSuite } from '../../src/crypto/cipher-suite.js';
import { sealEsp, type EspSa } from '../../src/crypto/esp-protection.js';
import { encodeInnerPacket, type InnerPacket } from '../../src/peer/inner-packet.js';
import { espKeyEntries, renderEspKeyTable, tsharkEspArguments, type EspKeyEntry } from '../../src/report/esp-key-table.js';
import { pcapFile, type PcapDatagram } from '../../src/report/pcap-writer.js';
import { udpEncapsulated } from '../../src/wire/udp-encapsulation.js';

const PEER = { address: '198.51.100.1', port: 4500 };
const DUT = { address: '203.0.113.1', port: 4500 };
const pattern = (n: number, from: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i * 7) & 0xff);

function sa(suite: CipherSuite, spi: number, seed: number): EspSa {
  const lengths = suiteKeyLengths(suite);
  return { spi, suite, keys: { encryption: pattern(lengths.encryption, seed), integrity: pattern(lengths.integrity, seed + 100) } };
}

const SAS: EspSa[] = [
  sa({ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' }, 0xc1000001, 1),
  sa({ encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' }, 0xc2000002, 2),
  sa({ encryption: 'aes-gcm-16-128' }, 0xc3000003, 3),
  sa({ encryption: 'aes-gcm-16-256' }, 0xc4000004, 4),
];

const INNER: InnerPacket[] = [
  { kind: 'icmp-echo', source: '10.1.0.1', destination: '10.2.0.1', echo: { type: 8, identifier: 0x1234, sequence: 1, data: pattern(56, 0) } },
  { kind: 'udp', source: '10.1.0.1', destination: '10.2.0.1', sourcePort: 40000, destinationPort: 9, payload: pattern(23, 5) },
];

/** Each SA sends both inner packets as ESP in UDP from the peer to the DUT, sequence numbers 1 and 2. */
function datagrams(): PcapDatagram[] {
  return SAS.flatMap((s, i) =>
    INNER.map((inner, j) => {
      const iv = pattern(s.suite.integrity ? 16 : 8, 0x40 + i * 2 + j);
      const esp = sealEsp(s, j + 1, iv, { nextHeader: 4, data: encodeInnerPacket(inner, { id: j }) });
      return { timeNs: BigInt(1_700_000_000 + i * 2 + j) * 1_000_000_000n, src: PEER, dst: DUT, payload: udpEncapsulated.encode({ kind: 'esp', packet: esp }) };
    }),
  );
}

const entries = (sas: readonly EspSa[]): EspKeyEntry[] => sas.map((s) => ({ source: PEER.address, destination: DUT.address, sa: s }));

describe('report: Wireshark ESP SA table (esp_sa)', () => {
  it('one line per SA, the eight quoted columns of Wireshark 3.6-4.x', () => {
    const table = renderEspKeyTable(entries(SAS.slice(0, 1)).concat(entries(SAS.slice(2, 3))));
    const k = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;
    expect(table).to.equal(
      `"IPv4","198.51.100.1","203.0.113.1","0xc1000001","AES-CBC [RFC3602]","${k(SAS[0]!.keys.encryption)}","HMAC-SHA-1-96 [RFC2404]","${k(SAS[0]!.keys.integrity)}"\n` +
        `"IPv4","198.51.100.1","203.0.113.1","0xc3000003","AES-GCM with 16 octet ICV [RFC4106]","${k(SAS[2]!.keys.encryption)}","NULL",""\n`,
    );
  });

  it("a child's two SAs: outbound from the local address, inbound towards it", () => {
    const rows = espKeyEntries({ inbound: SAS[0]!, outbound: SAS[1]! }, PEER.address, DUT.address);
    expect(rows.map((r) => [r.source, r.destination, r.sa.spi])).to.deep.equal([
      [PEER.address, DUT.address, SAS[1]!.spi],
      [DUT.address, PEER.address, SAS[0]!.spi],
    ]);
  });

  describe('tshark as judge', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'esp-key-table-'));
      writeFileSync(join(dir, 'esp.pcap'), pcapFile(datagrams()));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const FIELDS = ['esp.spi', 'esp.sequence', 'esp.icv_good', 'esp.icv_bad', 'icmp.type', 'icmp.seq', 'udp.dstport', '_ws.malformed'] as const;

    /** tshark with a fresh Wireshark profile directory holding `table` as its esp_sa file. */
    function dissect(table: string, extra: string[] = []): Record<(typeof FIELDS)[number], string>[] {
      const home = mkdtempSync(join(dir, 'config-'));
      mkdirSync(join(home, 'wireshark'));
      writeFileSync(join(home, 'wireshark', 'esp_sa'), table);
      const args = ['-r', join(dir, 'esp.pcap'), '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE', ...extra, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
      const out = execFileSync('tshark', [...args, ...FIELDS.flatMap((f) => ['-e', f])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
        env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home },
      });
      return out.replace(/\n$/, '').split('\n').map((line) => {
        const values = line.split('\t');
        return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Record<(typeof FIELDS)[number], string>;
      });
    }

    it('decrypts every packet of every suite to its inner ICMP echo or UDP, ICV good (key file in the profile)', function () {
      this.timeout(60_000);
      const rows = dissect(renderEspKeyTable(entries(SAS)));
      expect(rows).to.have.length(SAS.length * INNER.length);
      rows.forEach((row, i) => {
        const s = SAS[Math.floor(i / 2)]!;
        const what = `frame ${i + 1} (${s.suite.encryption})`;
        expect(row['esp.spi'], what).to.equal(`0x${s.spi.toString(16)}`);
        expect(row['esp.sequence'], what).to.equal(String((i % 2) + 1));
        expect([row['esp.icv_good'], row['esp.icv_bad']], what).to.deep.equal(['1', '0']);
        expect(i % 2 === 0 ? row['icmp.type'] : row['udp.dstport'], what).to.equal(i % 2 === 0 ? '8' : '4500|9');
        expect(row['_ws.malformed'], what).to.equal('');
      });
    });

    it('the same rows given as -o uat:esp_sa options decrypt the same way', function () {
      this.timeout(60_000);
      const rows = dissect('', tsharkEspArguments(entries(SAS)));
      expect(rows.map((r) => r['esp.icv_good'])).to.deep.equal(rows.map(() => '1'));
      expect(rows.filter((r) => r['icmp.type'] === '8')).to.have.length(SAS.length);
    });

    it('a wrong integrity key gives ICV bad, a wrong encryption key no inner packet', function () {
      this.timeout(60_000);
      const wrong = SAS.map((s, i) => (i === 0 ? { ...s, keys: { ...s.keys, integrity: pattern(20, 99) } } : i === 2 ? { ...s, keys: { ...s.keys, encryption: pattern(20, 99) } } : s));
      const rows = dissect(renderEspKeyTable(entries(wrong)));
      expect([rows[0]!['esp.icv_good'], rows[0]!['esp.icv_bad']]).to.deep.equal(['0', '1']);
      expect(rows[4]!['icmp.type']).to.equal('');
      expect(rows[2]!['esp.icv_good']).to.equal('1');
    });
  });
});
