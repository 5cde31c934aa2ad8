/**
 * The pcap writer, and tshark as an independent judge of the wire codec:
 * Wireshark's ISAKMP dissector must read back the payloads we encode, with no
 * malformed-packet or expert warnings (and must flag one we break on purpose,
 * so the judge can fail).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import type { DatagramEvent } from '../../src/events.js';
import {
  createPcapStream,
  datagramFromEvent,
  ipPacket,
  pcapFile,
  pcapFileHeader,
  pcapRecord,
  type PcapDatagram,
} from '../../src/report/pcap-writer.js';
import {
  encodeMessage,
  idPayloadFor,
  DPD_VENDOR_ID,
  ENCAPSULATION_MODES,
  ESP_TRANSFORM_IDS,
  IPSEC_ATTRIBUTE_TYPES as Q,
  IPSEC_AUTHENTICATION_ALGORITHMS,
  NOTIFY_TYPES,
  type IsakmpMessage,
  type Payload,
} from '../../src/wire/index.js';
import { requireCommands } from '../support/environment.js';
import { capturedBytes, loadFixture } from '../wire/fixtures.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const T0 = 1_764_300_000_123_456_789n;
const v4 = (payload: Uint8Array, timeNs = T0): PcapDatagram => ({ timeNs, src: { address: '192.0.2.1', port: 500 }, dst: { address: '192.0.2.2', port: 500 }, payload });
const v6 = (payload: Uint8Array): PcapDatagram => ({ timeNs: T0, src: { address: '2001:db8::1', port: 4500 }, dst: { address: '2001:db8::a:2', port: 4500 }, payload });

/** RFC 1071: summing a block that includes its own checksum gives 0xffff. */
function onesSum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function expectPcapError(fn: () => unknown): void {
  expect(fn).to.throw(HarnessError).with.property('code', 'ERR_PCAP_BAD_DATAGRAM');
}

describe('report/pcap-writer', () => {
  it('writes a libpcap header: nanosecond magic, v2.4, LINKTYPE_RAW', () => {
    expect(toHex(pcapFileHeader())).to.equal('4d3cb2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000');
  });

  it('writes an IPv4/UDP record with split timestamp, valid IP header and UDP checksums', () => {
    const payload = hex('00112233445566778899');
    const rec = pcapRecord(v4(payload));
    const view = new DataView(rec.buffer);
    expect([view.getUint32(0, true), view.getUint32(4, true)]).to.deep.equal([1_764_300_000, 123_456_789]);
    expect([view.getUint32(8, true), view.getUint32(12, true)]).to.deep.equal([38, 38]);
    const ip = rec.subarray(16);
    expect(toHex(ip.subarray(0, 4))).to.equal('45000026');
    expect(ip[9]).to.equal(17);
    expect(toHex(ip.subarray(12, 20))).to.equal('c0000201' + 'c0000202');
    expect(onesSum(ip.subarray(0, 20))).to.equal(0xffff);
    const udp = ip.subarray(20);
    expect(toHex(udp.subarray(0, 6))).to.equal('01f4' + '01f4' + '0012');
    const pseudo = Uint8Array.from([...ip.subarray(12, 20), 0, 17, 0, udp.length]);
    expect(onesSum(new Uint8Array([...pseudo, ...udp]))).to.equal(0xffff);
    expect(toHex(udp.subarray(8))).to.equal(toHex(payload));
  });

  it('writes IPv6 packets with compressed addresses expanded and a UDP checksum', () => {
    const ip = ipPacket(v6(hex('aabbcc')));
    expect(ip[0] >> 4).to.equal(6);
    expect((ip[4] << 8) | ip[5]).to.equal(11);
    expect(toHex(ip.subarray(8, 24))).to.equal('20010db8000000000000000000000001');
    expect(toHex(ip.subarray(24, 40))).to.equal('20010db80000000000000000000a0002');
    const udp = ip.subarray(40);
    const pseudo = new Uint8Array([...ip.subarray(8, 40), 0, 0, 0, udp.length, 0, 0, 0, 17]);
    expect(onesSum(new Uint8Array([...pseudo, ...udp]))).to.equal(0xffff);
  });

  it('streams: the header is written before any record, and the chunks equal the one-shot file', () => {
    const chunks: Uint8Array[] = [];
    const stream = createPcapStream((c) => chunks.push(c));
    expect(chunks).to.have.length(1);
    const datagrams = [v4(hex('01')), v6(hex('0203')), v4(hex('04'), T0 + 5n)];
    datagrams.forEach((d) => stream.append(d));
    expect(toHex(Buffer.concat(chunks))).to.equal(toHex(pcapFile(datagrams)));
  });

  it('maps peer datagram events to src/dst by direction and monotonic to wall time', () => {
    const event: DatagramEvent = { type: 'datagram', t: 10n, direction: 'in', local: { address: '127.0.0.1', port: 500 }, remote: { address: '127.0.0.2', port: 500 }, bytes: hex('00') };
    const d = datagramFromEvent(event, (t) => T0 + t);
    expect(d).to.deep.include({ timeNs: T0 + 10n, src: event.remote, dst: event.local });
    expect(datagramFromEvent({ ...event, direction: 'out' }, (t) => t).src).to.deep.equal(event.local);
  });

  it('rejects bad addresses, mixed IP versions, bad ports and negative times with ERR_PCAP_BAD_DATAGRAM', () => {
    expectPcapError(() => ipPacket({ ...v4(hex('00')), src: { address: '192.0.2.256', port: 500 } }));
    expectPcapError(() => ipPacket({ ...v4(hex('00')), src: { address: '2001:db8::1::2', port: 500 } }));
    expectPcapError(() => ipPacket({ ...v4(hex('00')), dst: { address: '2001:db8::2', port: 500 } }));
    expectPcapError(() => ipPacket({ ...v4(hex('00')), dst: { address: '192.0.2.2', port: 70000 } }));
    expectPcapError(() => pcapRecord(v4(hex('00'), -1n)));
  });

  describe('tshark reads encoded ISAKMP back (independent judge)', () => {
    let dir: string;
    before(function () {
      requireCommands(this, 'tshark');
      dir = mkdtempSync(join(tmpdir(), 'wfx-pcap-'));
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const icky = hex('0102030405060708');
    const rcky = hex('a1a2a3a4a5a6a7a8');
    const cookies = new Uint8Array([...icky, ...rcky]);
    const msg = (exchangeType: number, messageId: number, payloads: Payload[]): Uint8Array =>
      encodeMessage({ initiatorCookie: icky, responderCookie: exchangeType === 2 ? new Uint8Array(8) : rcky, exchangeType, flags: { encryption: false, commit: false, authOnly: false }, messageId, payloads } satisfies IsakmpMessage);
    const dpd = (type: number, seq: string): Payload => ({ kind: 'notify', doi: 1, protocolId: 1, notifyType: type, spi: cookies, data: hex(seq) });

    const mainMode1 = msg(2, 0, [
      {
        kind: 'sa',
        doi: 1,
        situation: 1,
        proposals: [
          {
            proposalNumber: 1,
            protocolId: 1,
            spi: new Uint8Array(0),
            transforms: [
              { transformNumber: 1, transformId: 1, attributes: [{ type: 1, value: 7 }, { type: 14, value: 128 }, { type: 2, value: 4 }, { type: 4, value: 14 }, { type: 3, value: 1 }, { type: 11, value: 1 }, { type: 12, value: 86400 }] },
              { transformNumber: 2, transformId: 1, attributes: [{ type: 1, value: 5 }, { type: 2, value: 2 }, { type: 4, value: 2 }, { type: 3, value: 1 }] },
            ],
          },
        ],
      },
      { kind: 'vendor-id', data: DPD_VENDOR_ID },
      { kind: 'vendor-id', data: hex('4a131c81070358455c5728f20e95452f') },
    ]);
    // Quick Mode offer (RFC 2409 §5.5) with IPsec DOI attributes (RFC 2407 §4.5), sent in the clear for the judge.
    const quickMode1 = msg(32, 0x77777777, [
      { kind: 'hash', data: new Uint8Array(32).fill(0x5a) },
      {
        kind: 'sa',
        doi: 1,
        situation: 1,
        proposals: [
          {
            proposalNumber: 1,
            protocolId: 3,
            spi: hex('c0ffee03'),
            transforms: [
              {
                transformNumber: 1,
                transformId: ESP_TRANSFORM_IDS.AES_CBC,
                attributes: [
                  { type: Q.SA_LIFE_TYPE, value: 1 },
                  { type: Q.SA_LIFE_DURATION, value: 28800 },
                  { type: Q.ENCAPSULATION_MODE, value: ENCAPSULATION_MODES.TUNNEL },
                  { type: Q.AUTHENTICATION_ALGORITHM, value: IPSEC_AUTHENTICATION_ALGORITHMS.HMAC_SHA2_256 },
                  { type: Q.KEY_LENGTH, value: 128 },
                ],
              },
            ],
          },
        ],
      },
      { kind: 'nonce', data: new Uint8Array(32).fill(0x33) },
      idPayloadFor({ type: 'ipv4-subnet', address: '10.2.0.0', mask: '255.255.255.0' }),
      idPayloadFor({ type: 'ipv4-subnet', address: '10.1.0.0', mask: '255.255.255.0' }),
    ]);
    const frames: PcapDatagram[] = [
      v4(mainMode1),
      v4(capturedBytes(loadFixture('strongswan-initiator-main-mode').messages[2])),
      v4(msg(5, 0x11111111, [dpd(NOTIFY_TYPES.R_U_THERE, '0000abcd')])),
      v4(msg(5, 0x22222222, [dpd(NOTIFY_TYPES.R_U_THERE_ACK, '0000abcd')])),
      v4(msg(5, 0x33333333, [{ kind: 'delete', doi: 1, protocolId: 3, spiSize: 4, spis: [hex('c0ffee01'), hex('c0ffee02')] }])),
      v4(msg(5, 0x44444444, [{ kind: 'delete', doi: 1, protocolId: 1, spiSize: 16, spis: [cookies] }])),
      v6(new Uint8Array([0, 0, 0, 0, ...msg(5, 0x55555555, [dpd(NOTIFY_TYPES.R_U_THERE, '00000007')])])),
      v4(quickMode1),
    ];

    const FIELDS = [
      'frame.number',
      'isakmp.exchangetype',
      'isakmp.messageid',
      'isakmp.typepayload',
      'isakmp.prop.transforms',
      'isakmp.trans.number',
      'isakmp.ike.attr.life_duration',
      'isakmp.trans.id',
      'isakmp.ipsec.attr.life_duration',
      'isakmp.ipsec.attr.auth_algorithm',
      'isakmp.id.data.ipv4_addr',
      'isakmp.id.data.ipv4_subnet',
      'isakmp.vid_bytes',
      'isakmp.key_exchange.data',
      'isakmp.ike.nat_hash',
      'isakmp.notify.msgtype',
      'isakmp.spisize',
      'isakmp.notify.data.dpd.are_you_there',
      'isakmp.notify.data.dpd.are_you_there_ack',
      'isakmp.delete.protoid',
      'isakmp.delete.spi',
      '_ws.expert.message',
      '_ws.malformed',
    ] as const;

    function dissect(datagrams: PcapDatagram[]): Record<(typeof FIELDS)[number], string>[] {
      const file = join(dir, `judge-${datagrams.length}.pcap`);
      writeFileSync(file, pcapFile(datagrams));
      const args = ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
      const out = execFileSync('tshark', [...args, ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
      return out
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => {
          const values = line.split('\t');
          return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Record<(typeof FIELDS)[number], string>;
        });
    }

    it('dissects every frame with no malformed-packet or expert warnings', function () {
      this.timeout(60_000);
      const rows = dissect(frames);
      expect(rows).to.have.length(frames.length);
      for (const row of rows) expect({ frame: row['frame.number'], expert: row['_ws.expert.message'], malformed: row['_ws.malformed'] }).to.deep.equal({ frame: row['frame.number'], expert: '', malformed: '' });
    });

    it('reads back the payload types and fields we encoded', function () {
      this.timeout(60_000);
      const [mm1, mm3, ruThere, ack, delEsp, delIsakmp, v6RuThere, qm1] = dissect(frames);
      expect(mm1).to.include({ 'isakmp.exchangetype': '2', 'isakmp.typepayload': '1|2|3|3|13|13', 'isakmp.prop.transforms': '2', 'isakmp.trans.number': '1|2', 'isakmp.ike.attr.life_duration': '86400' });
      expect(mm1['isakmp.vid_bytes'].replaceAll(':', '')).to.equal('afcad71368a1f1c96b8696fc77570100|4a131c81070358455c5728f20e95452f');
      expect(mm3['isakmp.typepayload']).to.equal('4|10|20|20');
      expect(mm3['isakmp.key_exchange.data'].replaceAll(':', '')).to.have.length(512);
      expect(ruThere).to.include({ 'isakmp.exchangetype': '5', 'isakmp.messageid': '0x11111111', 'isakmp.typepayload': '11', 'isakmp.notify.msgtype': '36136', 'isakmp.spisize': '16', 'isakmp.notify.data.dpd.are_you_there': '43981' });
      expect(ack).to.include({ 'isakmp.notify.msgtype': '36137', 'isakmp.notify.data.dpd.are_you_there_ack': '43981' });
      expect(delEsp).to.include({ 'isakmp.typepayload': '12', 'isakmp.delete.protoid': '3', 'isakmp.spisize': '4' });
      expect(delEsp['isakmp.delete.spi'].replaceAll(':', '')).to.equal('c0ffee01|c0ffee02');
      expect(delIsakmp).to.include({ 'isakmp.delete.protoid': '1', 'isakmp.spisize': '16' });
      expect(delIsakmp['isakmp.delete.spi'].replaceAll(':', '')).to.equal(toHex(cookies));
      expect(v6RuThere).to.include({ 'isakmp.notify.msgtype': '36136', 'isakmp.notify.data.dpd.are_you_there': '7' });
      expect(qm1).to.include({ 'isakmp.exchangetype': '32', 'isakmp.typepayload': '8|1|2|3|10|5|5', 'isakmp.trans.id': '12', 'isakmp.ipsec.attr.life_duration': '28800', 'isakmp.ipsec.attr.auth_algorithm': '5' });
      expect(qm1).to.include({ 'isakmp.id.data.ipv4_addr': '10.2.0.0|10.1.0.0', 'isakmp.id.data.ipv4_subnet': '255.255.255.0|255.255.255.0' });
    });

    it('flags a packet we break on purpose (the judge can fail)', function () {
      this.timeout(60_000);
      const broken = msg(5, 0x66666666, [{ ...dpd(NOTIFY_TYPES.R_U_THERE, '00000001'), length: 80 } as Payload]);
      const [row] = dissect([v4(broken)]);
      expect(row['_ws.malformed']).to.not.equal('');
    });
  });
});
