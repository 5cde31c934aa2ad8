// tshark's IKEv2 dissector as an independent judge of the encoder: every field of an encoded IKE_SA_INIT
// request, read back from a pcap, must be what the codec meant to write.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pcapFile } from '../../../src/report/pcap-writer.js';
import { encodeIkev2Message } from '../../../src/wire/ikev2/index.js';
import { requireCommands } from '../../support/environment.js';
import { toHex } from '../helpers.js';
import { COOKIE_RESPONSE, KE_DATA, NAT_DST, NAT_SRC, NONCE, SA_INIT_REQUEST, SPI_I, VENDOR_ID } from './sample-messages.js';

const FIELDS = [
  'isakmp.ispi',
  'isakmp.rspi',
  'isakmp.nextpayload',
  'isakmp.version',
  'isakmp.exchangetype',
  'isakmp.flag_i',
  'isakmp.flag_v',
  'isakmp.flag_r',
  'isakmp.messageid',
  'isakmp.length',
  'isakmp.typepayload',
  'isakmp.criticalpayload',
  'isakmp.prop.number',
  'isakmp.prop.protoid',
  'isakmp.spisize',
  'isakmp.prop.transforms',
  'isakmp.tf.type',
  'isakmp.tf.id.encr',
  'isakmp.tf.id.prf',
  'isakmp.tf.id.integ',
  'isakmp.tf.id.dh',
  'isakmp.ike2.attr.key_length',
  'isakmp.key_exchange.dh_group',
  'isakmp.key_exchange.data',
  'isakmp.nonce',
  'isakmp.notify.protoid',
  'isakmp.notify.msgtype',
  'isakmp.notify.data',
  'isakmp.vid_bytes',
  'isakmp.certreq.type',
  '_ws.expert.message',
  '_ws.malformed',
] as const;

type Row = Record<(typeof FIELDS)[number], string>;

describe('tshark decodes an encoded IKE_SA_INIT field by field (independent judge)', () => {
  let dir: string;
  let rows: Row[];

  before(function () {
    requireCommands(this, 'tshark');
    dir = mkdtempSync(join(tmpdir(), 'ikev2-judge-'));
    const file = join(dir, 'sa-init.pcap');
    const datagram = (payload: Uint8Array, fromInitiator: boolean) => ({
      timeNs: 1_700_000_000_000_000_000n,
      src: { address: fromInitiator ? '192.0.2.1' : '192.0.2.2', port: 500 },
      dst: { address: fromInitiator ? '192.0.2.2' : '192.0.2.1', port: 500 },
      payload,
    });
    writeFileSync(file, pcapFile([datagram(encodeIkev2Message(SA_INIT_REQUEST), true), datagram(encodeIkev2Message(COOKIE_RESPONSE), false)]));
    const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f])];
    const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    rows = out
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => Object.fromEntries(FIELDS.map((f, i) => [f, line.split('\t')[i] ?? ''])) as Row);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the header: SPIs, version 2.0, IKE_SA_INIT, I flag, message ID, length', () => {
    const r = rows[0]!;
    expect(r['isakmp.ispi']).to.equal(toHex(SPI_I));
    expect(r['isakmp.rspi']).to.equal('0000000000000000');
    // The header's, then every payload's and substructure's next-payload in wire order.
    expect(r['isakmp.nextpayload']).to.equal('33|34|2|3|3|3|0|0|3|3|0|40|41|41|43|38|0');
    expect(r['isakmp.version']).to.equal('0x20');
    expect(r['isakmp.exchangetype']).to.equal('34');
    expect([r['isakmp.flag_i'], r['isakmp.flag_v'], r['isakmp.flag_r']]).to.deep.equal(['1', '0', '0']);
    expect(r['isakmp.messageid']).to.equal('0x00000000');
    expect(r['isakmp.length']).to.equal(String(encodeIkev2Message(SA_INIT_REQUEST).length));
  });

  it('reads the payload chain (proposals and transforms in place) with no critical bits', () => {
    const r = rows[0]!;
    expect(r['isakmp.typepayload']).to.equal('33|2|3|3|3|3|2|3|3|3|34|40|41|41|43|38');
    expect(r['isakmp.criticalpayload']).to.equal('0|0|0|0|0|0|0');
  });

  it('reads both proposals and every transform with its key length', () => {
    const r = rows[0]!;
    expect(r['isakmp.prop.number']).to.equal('1|2');
    expect(r['isakmp.prop.protoid']).to.equal('1|1');
    // Both proposals, then both notifies.
    expect(r['isakmp.spisize']).to.equal('0|0|0|0');
    expect(r['isakmp.prop.transforms']).to.equal('4|3');
    expect(r['isakmp.tf.type']).to.equal('1|3|2|4|1|2|4');
    expect(r['isakmp.tf.id.encr']).to.equal('12|20');
    expect(r['isakmp.tf.id.integ']).to.equal('12');
    expect(r['isakmp.tf.id.prf']).to.equal('5|2');
    expect(r['isakmp.tf.id.dh']).to.equal('19|14');
    expect(r['isakmp.ike2.attr.key_length']).to.equal('256|128');
  });

  it('reads KE, Nonce, both NAT_DETECTION notifies, the vendor ID and the CERTREQ', () => {
    const r = rows[0]!;
    expect(r['isakmp.key_exchange.dh_group']).to.equal('19');
    expect(r['isakmp.key_exchange.data']).to.equal(toHex(KE_DATA));
    expect(r['isakmp.nonce']).to.equal(toHex(NONCE));
    expect(r['isakmp.notify.protoid']).to.equal('0|0');
    expect(r['isakmp.notify.msgtype']).to.equal('16388|16389');
    expect(r['isakmp.notify.data']).to.equal(`${toHex(NAT_SRC)}|${toHex(NAT_DST)}`);
    expect(r['isakmp.vid_bytes']).to.equal(toHex(VENDOR_ID));
    expect(r['isakmp.certreq.type']).to.equal('4');
  });

  it('reads the COOKIE response: R flag set, I clear', () => {
    const r = rows[1]!;
    expect([r['isakmp.flag_i'], r['isakmp.flag_r']]).to.deep.equal(['0', '1']);
    expect(r['isakmp.notify.msgtype']).to.equal('16390');
    expect(r['isakmp.notify.data']).to.equal('c00c1e0123456789');
  });

  it('raises no malformed-packet or expert warnings', () => {
    for (const r of rows) expect([r['_ws.expert.message'], r['_ws.malformed']]).to.deep.equal(['', '']);
  });
});
