/**
 * Real packets: Main Mode messages 1-4 captured from strongSwan 5.9.8 and
 * Libreswan 4.10 on 2026-11-28 (see each fixture's `source` and `how`),
 * decoded field by field and re-encoded byte for byte.
 */
import { expect } from 'chai';
import {
  decodeMessage,
  encodeMessage,
  identifyVendorId,
  DH_GROUPS,
  EXCHANGE_TYPES,
  IKE_ATTRIBUTE_TYPES as A,
  IKE_AUTHENTICATION_METHODS,
  IKE_ENCRYPTION_ALGORITHMS,
  IKE_HASH_ALGORITHMS,
  type IsakmpMessage,
  type Payload,
  type SaPayload,
} from '../../src/wire/index.js';
import { toHex } from './helpers.js';
import { capturedBytes, loadFixture } from './fixtures.js';

const ss = loadFixture('strongswan-initiator-main-mode');
const ls = loadFixture('libreswan-initiator-main-mode');
const decode = (fixture: typeof ss, step: number): IsakmpMessage => decodeMessage(capturedBytes(fixture.messages[step - 1]));
const kinds = (m: IsakmpMessage): string[] => m.payloads.map((p) => p.kind);
const vendorNames = (m: IsakmpMessage): (string | undefined)[] =>
  m.payloads.filter((p): p is Extract<Payload, { kind: 'vendor-id' }> => p.kind === 'vendor-id').map((p) => identifyVendorId(p.data)?.name);
const sa = (m: IsakmpMessage): SaPayload => m.payloads[0] as SaPayload;
const attrs = (m: IsakmpMessage, t: number): Record<number, number | Uint8Array> =>
  Object.fromEntries(sa(m).proposals[0].transforms[t].attributes.map((a) => [a.type, a.value]));

describe('wire: captured Main Mode packets', () => {
  for (const fixture of [ss, ls]) {
    it(`re-encodes every captured message byte for byte (${fixture.source})`, () => {
      for (const m of fixture.messages) {
        const bytes = capturedBytes(m);
        expect(toHex(encodeMessage(decodeMessage(bytes))), `step ${m.step}`).to.equal(m.hex);
      }
    });
  }

  describe('strongSwan 5.9.8 as initiator', () => {
    it('MM1: header, one ISAKMP proposal with two transforms, TV attributes', () => {
      const m = decode(ss, 1);
      expect(m).to.deep.include({ version: 0x10, exchangeType: EXCHANGE_TYPES.MAIN_MODE, messageId: 0, length: 216, nextPayload: 1 });
      expect(m.flags).to.deep.equal({ encryption: false, commit: false, authOnly: false, other: 0 });
      expect(toHex(m.responderCookie)).to.equal('0000000000000000');
      expect(kinds(m)).to.deep.equal(['sa', 'vendor-id', 'vendor-id', 'vendor-id', 'vendor-id', 'vendor-id']);
      expect(sa(m)).to.deep.include({ doi: 1, situation: 1, length: 92 });
      const p = sa(m).proposals[0];
      expect(p).to.deep.include({ proposalNumber: 1, protocolId: 1, spiSize: 0, transformCount: 2 });
      expect(p.transforms.map((t) => [t.transformNumber, t.transformId, t.nextPayload])).to.deep.equal([
        [1, 1, 3],
        [2, 1, 0],
      ]);
      expect(attrs(m, 0)).to.deep.equal({
        [A.ENCRYPTION_ALGORITHM]: IKE_ENCRYPTION_ALGORITHMS.AES_CBC,
        [A.KEY_LENGTH]: 128,
        [A.HASH_ALGORITHM]: IKE_HASH_ALGORITHMS.SHA2_256,
        [A.GROUP_DESCRIPTION]: DH_GROUPS.MODP2048,
        [A.AUTHENTICATION_METHOD]: IKE_AUTHENTICATION_METHODS.PRE_SHARED_KEY,
        [A.LIFE_TYPE]: 1,
        [A.LIFE_DURATION]: 15840,
      });
      expect(attrs(m, 1)).to.include({ [A.KEY_LENGTH]: 256, [A.HASH_ALGORITHM]: IKE_HASH_ALGORITHMS.SHA1 });
      expect(sa(m).proposals[0].transforms[0].attributes.every((a) => a.form === 'tv')).to.equal(true);
    });

    it('MM1 advertises XAUTH, DPD, FRAGMENTATION (capability 0x80000000) and NAT-T', () => {
      const m = decode(ss, 1);
      expect(vendorNames(m)).to.deep.equal(['XAUTH', 'Dead Peer Detection (RFC 3706)', 'IKE FRAGMENTATION', 'NAT-T (RFC 3947)', 'draft-ietf-ipsec-nat-t-ike-02\\n']);
      const frag = m.payloads[3];
      expect(frag.kind === 'vendor-id' && toHex(identifyVendorId(frag.data)?.suffix ?? new Uint8Array())).to.equal('80000000');
    });

    it('MM3: 256-byte KE (MODP2048), 32-byte nonce, two RFC 3947 NAT-D hashes', () => {
      const m = decode(ss, 3);
      expect(kinds(m)).to.deep.equal(['ke', 'nonce', 'nat-d', 'nat-d']);
      expect(m.payloads.map((p) => ('data' in p ? p.data.length : -1))).to.deep.equal([256, 32, 32, 32]);
      expect(m.payloads.map((p) => p.nextPayload)).to.deep.equal([10, 20, 20, 0]);
      expect(m.payloads[2]).to.deep.include({ payloadType: 20 });
    });
  });

  describe('Libreswan 4.10 as responder (to strongSwan)', () => {
    it('MM2: the chosen transform alone, with the responder cookie set', () => {
      const m = decode(ss, 2);
      expect(m).to.deep.include({ exchangeType: 2, length: 144 });
      expect(toHex(m.responderCookie)).to.not.equal('0000000000000000');
      expect(toHex(m.initiatorCookie)).to.equal(toHex(decode(ss, 1).initiatorCookie));
      expect(sa(m).proposals[0].transforms).to.have.length(1);
      expect(attrs(m, 0)).to.include({ [A.ENCRYPTION_ALGORITHM]: 7, [A.KEY_LENGTH]: 128, [A.HASH_ALGORITHM]: 4, [A.GROUP_DESCRIPTION]: 14 });
      expect(vendorNames(m)).to.deep.equal(['IKE FRAGMENTATION', 'Dead Peer Detection (RFC 3706)', 'NAT-T (RFC 3947)']);
    });
  });

  describe('Libreswan 4.10 as initiator', () => {
    it('MM1: numbers its proposal and transforms from 0, 28800 s lifetime, six VIDs', () => {
      const m = decode(ls, 1);
      expect(m).to.deep.include({ exchangeType: 2, length: 240 });
      const p = sa(m).proposals[0];
      expect(p).to.deep.include({ proposalNumber: 0, protocolId: 1, spiSize: 0, transformCount: 2 });
      expect(p.transforms.map((t) => t.transformNumber)).to.deep.equal([0, 1]);
      expect(attrs(m, 0)).to.deep.equal({
        [A.LIFE_TYPE]: 1,
        [A.LIFE_DURATION]: 28800,
        [A.ENCRYPTION_ALGORITHM]: 7,
        [A.HASH_ALGORITHM]: 4,
        [A.AUTHENTICATION_METHOD]: 1,
        [A.GROUP_DESCRIPTION]: 14,
        [A.KEY_LENGTH]: 128,
      });
      expect(vendorNames(m)).to.deep.equal([
        'IKE FRAGMENTATION',
        'Dead Peer Detection (RFC 3706)',
        'NAT-T (RFC 3947)',
        'draft-ietf-ipsec-nat-t-ike-03',
        'draft-ietf-ipsec-nat-t-ike-02\\n',
        'draft-ietf-ipsec-nat-t-ike-02',
      ]);
    });

    it('MM3 and MM4 carry KE 256, nonce 32 and two NAT-D each', () => {
      for (const step of [3, 4]) {
        const m = decode(ls, step);
        expect(kinds(m), `step ${step}`).to.deep.equal(['ke', 'nonce', 'nat-d', 'nat-d']);
        expect(m.payloads.map((p) => ('data' in p ? p.data.length : -1))).to.deep.equal([256, 32, 32, 32]);
      }
    });
  });

  describe('strongSwan 5.9.8 as responder (to Libreswan)', () => {
    it('MM2 answers with one transform and DPD among its VIDs', () => {
      const m = decode(ls, 2);
      expect(sa(m).proposals[0].transforms).to.have.length(1);
      expect(vendorNames(m)).to.include('Dead Peer Detection (RFC 3706)');
    });
  });
});
