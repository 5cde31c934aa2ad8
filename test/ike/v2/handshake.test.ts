// IKE_SA_INIT and IKE_AUTH between two engines in memory: every transform suite, COOKIE and
// INVALID_KE_PAYLOAD retries, and each refusal surfacing as a typed event that carries the notify.
import { expect } from 'chai';
import { hex } from '../../../src/ike/bytes.js';
import type { Ikev2IkeProposal } from '../../../src/ike/v2/ikev2-config.js';
import type { Ikev2Event } from '../../../src/ike/v2/ikev2-effects.js';
import { IKEV2_NOTIFY_TYPES } from '../../../src/wire/ikev2/constants.js';
import { decodeIkev2Message } from '../../../src/wire/ikev2/message.js';
import { mirror, v2Config, V2Pair } from './ikev2-pair.js';

const refusalOf = (events: Ikev2Event[], sa: 'ike' | 'child') =>
  events.flatMap((e) => (e.kind === 'state' && e.sa === sa && e.state === 'failed' && e.refusal ? [e.refusal] : []))[0];

const SUITES: Ikev2IkeProposal[] = [
  { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96', prf: 'hmac-sha1', group: 14 },
  { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128', prf: 'hmac-sha256', group: 19 },
  { encryption: 'aes-gcm-16-128', prf: 'hmac-sha256', group: 20 },
  { encryption: 'aes-gcm-16-256', prf: 'hmac-sha1', group: 19 },
];

describe('IKEv2 engine: IKE_SA_INIT and IKE_AUTH', () => {
  for (const suite of SUITES) {
    const name = `${suite.encryption}/${suite.integrity ?? 'aead'}/${suite.prf}/group ${suite.group}`;
    it(`brings up the IKE SA and its CHILD_SA with ${name}, both sides deriving the same keys`, () => {
      const child = suite.integrity ? { encryption: suite.encryption, integrity: suite.integrity } : { encryption: suite.encryption };
      const pair = new V2Pair(v2Config(`hs-${name}`, { proposals: [suite], childProposals: [child] }));
      pair.initiate();
      expect(pair.deliveries.map((d) => `${d.datagram.summary.exchange}${d.datagram.summary.response ? ' response' : ''}`)).to.deep.equal([
        'IKE_SA_INIT',
        'IKE_SA_INIT response',
        'IKE_AUTH',
        'IKE_AUTH response',
      ]);
      expect(pair.deliveries.every((d) => d.result.rejected === undefined)).to.equal(true);
      for (const side of ['a', 'b'] as const) {
        expect(pair.states(side, 'ike')).to.deep.equal(['negotiating', 'established']);
        expect(pair.states(side, 'child')).to.deep.equal(['established']);
      }
      const keysA = pair.events.a.find((e) => e.kind === 'sa-keys');
      const keysB = pair.events.b.find((e) => e.kind === 'sa-keys');
      expect(keysA).to.deep.equal(keysB);
      const [sa] = pair.a.list();
      const childA = pair.a.get(sa!)!.ctx.children[0]!;
      const childB = pair.b.get(sa!)!.ctx.children[0]!;
      expect(hex(childA.spiIn)).to.equal(hex(childB.spiOut));
      expect(hex(childA.spiOut)).to.equal(hex(childB.spiIn));
      expect(childA.keys).to.deep.equal(childB.keys);
      // The IKE_AUTH request carries IDi, AUTH, SA, TSi, TSr inside SK (RFC 7296 §1.2).
      expect(pair.deliveries[2]!.result.summary!.payloads).to.deep.equal(['idi', 'auth', 'sa', 'tsi', 'tsr']);
      expect(pair.deliveries[3]!.result.summary!.payloads).to.deep.equal(['idr', 'auth', 'sa', 'tsi', 'tsr']);
    });
  }

  it('retries IKE_SA_INIT with the COOKIE the responder demands, first payload, same SPIi (RFC 7296 §2.6)', () => {
    const a = v2Config('cookie');
    const pair = new V2Pair(a, { ...mirror(a), random: v2Config('cookie-b').random, requireCookie: true });
    pair.initiate();
    const inits = pair.deliveries.filter((d) => d.datagram.summary.exchange === 'IKE_SA_INIT');
    expect(inits.map((d) => [d.datagram.summary.response, d.datagram.summary.payloads])).to.deep.equal([
      [false, ['sa', 'ke', 'nonce']],
      [true, ['notify']],
      [false, ['notify', 'sa', 'ke', 'nonce']],
      [true, ['sa', 'ke', 'nonce']],
    ]);
    const cookie = decodeIkev2Message(inits[1]!.datagram.bytes).payloads[0]!;
    const retry = decodeIkev2Message(inits[2]!.datagram.bytes);
    expect(retry.payloads[0]).to.deep.include({ notifyType: IKEV2_NOTIFY_TYPES.COOKIE, data: (cookie as { data: Uint8Array }).data });
    expect(retry.messageId).to.equal(0);
    expect(hex(retry.initiatorSpi)).to.equal(hex(decodeIkev2Message(inits[0]!.datagram.bytes).initiatorSpi));
    expect(pair.events.a.some((e) => e.kind === 'retry' && e.reason === 'cookie')).to.equal(true);
    expect(pair.states('a', 'child')).to.deep.equal(['established']);
    // The responder kept no state for the first request: one SA only.
    expect(pair.b.list()).to.have.length(1);
  });

  it('retries with the group INVALID_KE_PAYLOAD names and then succeeds (RFC 7296 §1.3)', () => {
    const modp: Ikev2IkeProposal = { encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96', prf: 'hmac-sha1', group: 14 };
    const ecp: Ikev2IkeProposal = { ...modp, group: 19 };
    const a = v2Config('invalid-ke', { proposals: [modp, ecp] });
    const pair = new V2Pair(a, { ...mirror(a), random: v2Config('invalid-ke-b').random, proposals: [ecp] });
    pair.initiate();
    const answer = pair.deliveries[1]!.datagram;
    expect(answer.summary.notifyTypes).to.deep.equal([IKEV2_NOTIFY_TYPES.INVALID_KE_PAYLOAD]);
    const named = decodeIkev2Message(answer.bytes).payloads[0] as { data: Uint8Array };
    expect([...named.data]).to.deep.equal([0, 19]);
    const retry = decodeIkev2Message(pair.deliveries[2]!.datagram.bytes);
    expect(retry.payloads.find((p) => p.kind === 'ke')).to.deep.include({ dhGroup: 19 });
    expect(pair.events.a.some((e) => e.kind === 'retry' && e.reason === 'invalid-ke' && e.group === 19)).to.equal(true);
    expect(pair.states('a', 'ike')).to.deep.equal(['negotiating', 'established']);
  });

  it('surfaces NO_PROPOSAL_CHOSEN in IKE_SA_INIT as a failed IKE SA carrying the notify', () => {
    const a = v2Config('no-proposal');
    const pair = new V2Pair(a, { ...mirror(a), proposals: [{ encryption: 'aes-gcm-16-256', prf: 'hmac-sha256', group: 20 }] });
    pair.initiate();
    expect(refusalOf(pair.events.a, 'ike')).to.include({ notify: 'NO_PROPOSAL_CHOSEN', notifyType: 14, exchange: 'IKE_SA_INIT' });
    // The profile field an IKEv2 user edits (ike.proposals is IKEv1's).
    expect(refusalOf(pair.events.a, 'ike')!.hint).to.match(/^ike\.ikev2_proposals: /);
    expect(pair.a.list()).to.deep.equal([]);
    expect(pair.timers.a).to.deep.equal([]);
  });

  it('surfaces AUTHENTICATION_FAILED when the pre-shared keys differ; the responder fails too', () => {
    const a = v2Config('auth-failed');
    const pair = new V2Pair(a, { ...mirror(a), psk: () => new TextEncoder().encode('another key') });
    pair.initiate();
    expect(refusalOf(pair.events.a, 'ike')).to.include({ notify: 'AUTHENTICATION_FAILED', notifyType: 24, exchange: 'IKE_AUTH' });
    expect(pair.states('b', 'ike')).to.deep.equal(['negotiating', 'failed']);
    expect(pair.deliveries[3]!.result.summary!.payloads).to.deep.equal(['notify']);
    expect(pair.a.list()).to.deep.equal([]);
  });

  it('keeps the IKE SA but fails the CHILD_SA on NO_PROPOSAL_CHOSEN for ESP (RFC 7296 §2.21.2)', () => {
    const a = v2Config('esp-mismatch');
    const pair = new V2Pair(a, { ...mirror(a), childProposals: [{ encryption: 'aes-gcm-16-256' }] });
    pair.initiate();
    expect(pair.states('a', 'ike')).to.deep.equal(['negotiating', 'established']);
    expect(refusalOf(pair.events.a, 'child')).to.include({ notify: 'NO_PROPOSAL_CHOSEN', notifyType: 14 });
    expect(refusalOf(pair.events.a, 'child')!.hint).to.match(/^ike\.ikev2_esp_proposals: /);
    expect(pair.deliveries[3]!.result.summary!.payloads).to.deep.equal(['idr', 'auth', 'notify']);
  });

  it('fails the CHILD_SA with TS_UNACCEPTABLE when our selectors are outside the responder policy', () => {
    const a = v2Config('ts');
    const pair = new V2Pair(a, { ...mirror(a), trafficSelectors: { local: { prefix: '203.0.113.0/24' }, remote: { prefix: '198.51.100.0/24' } } });
    pair.initiate();
    expect(refusalOf(pair.events.a, 'child')).to.include({ notify: 'TS_UNACCEPTABLE', notifyType: 38 });
    expect(refusalOf(pair.events.b, 'child')).to.include({ notify: 'TS_UNACCEPTABLE' });
  });

  it('accepts a responder that narrows to a subset of the offered selectors (RFC 7296 §2.9)', () => {
    const a = v2Config('narrow');
    const pair = new V2Pair(a, { ...mirror(a), trafficSelectors: { local: { prefix: '203.0.113.0/26', protocol: 17, port: 4789 }, remote: { prefix: '198.51.100.7' } } });
    pair.initiate();
    expect(pair.states('a', 'child')).to.deep.equal(['established']);
  });
});
