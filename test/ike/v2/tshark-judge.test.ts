// tshark as an independent judge of the engine: a whole exchange (IKE_SA_INIT, IKE_AUTH, liveness both
// ways, a badly protected liveness, Delete of the CHILD_SA and of the IKE SA) goes into a pcap; with the
// key table from src/report/ikev2-key-table.ts, Wireshark's dissector must open every SK payload, find
// the payload types RFC 7296 puts in each message, and find the integrity checksum wrong exactly once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Ikev2IkeProposal } from '../../../src/ike/v2/ikev2-config.js';
import { ikev2Keys, parseIkev2KeyTable, renderIkev2KeyTable, tsharkIkev2KeyArguments } from '../../../src/report/ikev2-key-table.js';
import { pcapFile } from '../../../src/report/pcap-writer.js';
import { requireCommands } from '../../support/environment.js';
import { v2Config, V2Pair } from './ikev2-pair.js';

const FIELDS = ['isakmp.exchangetype', 'isakmp.flag_r', 'isakmp.typepayload', 'isakmp.enc.icd', '_ws.expert.message'] as const;

interface Row {
  exchange: number;
  response: boolean;
  /** Payload types without the proposal (2) and transform (3) substructures. */
  payloads: number[];
  expert: string;
}

function tshark(pcap: string, keyArgs: string[]): Row[] {
  const args = ['-r', pcap, ...keyArgs, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f])];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  return out
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const [exchange, r, types, , expert] = line.split('\t');
      return { exchange: Number(exchange), response: r === '1' || r === 'True', payloads: (types ?? '').split('|').filter((t) => t !== '' && t !== '2' && t !== '3').map(Number), expert: expert ?? '' };
    });
}

const SUITES: Ikev2IkeProposal[] = [
  { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96', prf: 'hmac-sha1', group: 14 },
  { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128', prf: 'hmac-sha256', group: 19 },
  { encryption: 'aes-gcm-16-128', prf: 'hmac-sha256', group: 20 },
  { encryption: 'aes-gcm-16-256', prf: 'hmac-sha1', group: 19 },
];

describe('tshark decrypts the IKEv2 engine’s exchanges with the ikev2_decryption_table (independent judge)', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    requireCommands(this, 'tshark');
    dir = mkdtempSync(join(tmpdir(), 'ikev2-engine-judge-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const suite of SUITES) {
    it(`${suite.encryption}${suite.integrity ? ` + ${suite.integrity}` : ''}, group ${suite.group}`, () => {
      const child = suite.integrity ? { encryption: suite.encryption, integrity: suite.integrity } : { encryption: suite.encryption };
      const pair = new V2Pair(v2Config(`judge-${suite.encryption}-${suite.group}`, { proposals: [suite], childProposals: [child] }));
      pair.initiate();
      const [sa] = pair.a.list();
      pair.run('a', pair.a.sendLiveness(sa!, 0n));
      pair.run('b', pair.b.sendLiveness(sa!, 0n));
      pair.run('a', pair.a.deleteChild(sa!, 0n));
      // Retransmitted as the same bytes, it is never answered: last before the IKE SA goes.
      pair.run('b', pair.b.sendLiveness(sa!, 0n, { protection: 'bad-icv' }));
      pair.fire('b');
      pair.run('a', pair.a.deleteIke(sa!, 0n));
      const pcap = join(dir, `${suite.encryption}-${suite.group}.pcap`);
      writeFileSync(pcap, pcapFile(pair.deliveries.map((d, i) => ({ timeNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n, src: d.datagram.from, dst: d.datagram.to, payload: d.datagram.bytes }))));
      const keys = ikev2Keys(pair.events.a.flatMap((e) => (e.kind === 'sa-keys' ? [e.keys] : [])));
      expect(keys).to.have.length(1);
      // The file form reads back to the same keys.
      expect(parseIkev2KeyTable(renderIkev2KeyTable(keys))).to.deep.equal(keys);

      const rows = tshark(pcap, tsharkIkev2KeyArguments(keys));
      const [SA, KE, IDI, IDR, AUTH, NONCE, DEL, TSI, TSR, SK] = [33, 34, 35, 36, 39, 40, 42, 44, 45, 46];
      expect(rows.map((r) => [r.exchange, r.response, r.payloads])).to.deep.equal([
        [34, false, [SA, KE, NONCE]],
        [34, true, [SA, KE, NONCE]],
        [35, false, [SK, IDI, AUTH, SA, TSI, TSR]],
        [35, true, [SK, IDR, AUTH, SA, TSI, TSR]],
        [37, false, [SK]],
        [37, true, [SK]],
        [37, false, [SK]],
        [37, true, [SK]],
        [37, false, [SK, DEL]],
        [37, true, [SK, DEL]],
        // The badly protected request, dropped by the initiator, and its retransmission (the same bytes).
        [37, false, [SK]],
        [37, false, [SK]],
        [37, false, [SK, DEL]],
        [37, true, [SK]],
      ]);
      const bad = rows.map((r, i) => (r.expert === '' ? -1 : i)).filter((i) => i >= 0);
      expect(bad, rows.map((r) => r.expert).join(' / ')).to.deep.equal([10, 11]);

      // Without the keys nothing inside SK is visible: the decryption above is the key table's doing.
      const blind = tshark(pcap, []);
      expect(blind[2]!.payloads).to.deep.equal([SK]);
    });
  }
});
