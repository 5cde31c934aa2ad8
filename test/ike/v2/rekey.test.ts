// CREATE_CHILD_SA answered by the engine as responder: the test drives the rekeying side through the
// initiator's SA context (the engine does not start rekeys itself), derives the new keys independently
// with the crypto layer, and checks the responder's old SA goes when the rekeying side deletes it (§2.8).
import { expect } from 'chai';
import { createDhKeyPair, dhSharedSecret } from '../../../src/crypto/dh-group.js';
import { hex } from '../../../src/ike/bytes.js';
import { espSaPayload, ikeSaPayload } from '../../../src/ike/v2/ikev2-proposals.js';
import { childKeys, ikeSaCrypto } from '../../../src/ike/v2/ikev2-keys.js';
import { notify } from '../../../src/ike/v2/ikev2-payload-helpers.js';
import { openMessage } from '../../../src/ike/v2/ikev2-protection.js';
import { Ikev2SaContext } from '../../../src/ike/v2/ikev2-sa-context.js';
import { trafficSelectorOf } from '../../../src/ike/v2/ikev2-selectors.js';
import { IKEV2_EXCHANGE_TYPES, IKEV2_NOTIFY_TYPES, IKEV2_PROTOCOL_IDS, TRANSFORM_TYPES } from '../../../src/wire/ikev2/constants.js';
import { decodeIkev2Message } from '../../../src/wire/ikev2/message.js';
import type { Ikev2Payload } from '../../../src/wire/ikev2/types.js';
import { seededRandom } from '../../support/seeded-random.js';
import type { Delivery } from './ikev2-pair.js';
import { mirror, v2Config, V2Pair } from './ikev2-pair.js';

function upPair(seed: string): { pair: V2Pair; sa: string; ctx: Ikev2SaContext } {
  const a = v2Config(seed);
  const pair = new V2Pair(a, { ...mirror(a), random: seededRandom(`${seed}-b`) });
  pair.initiate();
  const [sa] = pair.a.list();
  return { pair, sa: sa!, ctx: pair.a.get(sa!)!.ctx };
}

const rnd = seededRandom('rekey-test');

function inner(ctx: Ikev2SaContext, d: Delivery): Ikev2Payload[] {
  return openMessage(ctx.crypto!, decodeIkev2Message(d.datagram.bytes), d.datagram.bytes);
}

describe('IKEv2 engine: CREATE_CHILD_SA as responder', () => {
  for (const pfs of [false, true]) {
    it(`rekeys the CHILD_SA${pfs ? ' with a PFS KE' : ''}: new SPIs and keys, the old one gone on Delete (RFC 7296 §1.3.3, §2.17)`, () => {
      const { pair, sa, ctx } = upPair(`child-rekey-${pfs}`);
      const old = ctx.children[0]!;
      const newSpi = Uint8Array.of(0xc0, 0xff, 0xee, 0x01);
      const ni = rnd.bytes(32);
      const dh = pfs ? createDhKeyPair(14, rnd) : undefined;
      const sa2 = espSaPayload(ctx.config.childProposals, newSpi);
      if (pfs) sa2.proposals[0]!.transforms.push({ transformType: TRANSFORM_TYPES.DH, transformId: 14, attributes: [] });
      const payloads: Ikev2Payload[] = [
        notify(IKEV2_NOTIFY_TYPES.REKEY_SA, new Uint8Array(0), IKEV2_PROTOCOL_IDS.ESP, old.spiIn),
        sa2,
        { kind: 'nonce', data: ni },
        ...(dh ? [{ kind: 'ke' as const, dhGroup: 14, data: dh.publicKey }] : []),
        { kind: 'tsi', selectors: [trafficSelectorOf(ctx.config.trafficSelectors.local)] },
        { kind: 'tsr', selectors: [trafficSelectorOf(ctx.config.trafficSelectors.remote)] },
      ];
      const [request, response] = pair.run('a', ctx.request(IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA, payloads).effects);
      expect(request!.result.rejected).to.equal(undefined);
      const answer = inner(ctx, response!);
      expect(answer.map((p) => p.kind)).to.deep.equal(pfs ? ['sa', 'nonce', 'ke', 'tsi', 'tsr'] : ['sa', 'nonce', 'tsi', 'tsr']);
      const nr = (answer.find((p) => p.kind === 'nonce') as { data: Uint8Array }).data;
      const ke = answer.find((p) => p.kind === 'ke') as { data: Uint8Array } | undefined;
      const responderChild = pair.b.get(sa)!.ctx.children.find((c) => hex(c.spiOut) === hex(newSpi))!;
      const gir = dh && ke ? dhSharedSecret(dh, ke.data) : undefined;
      expect(responderChild.keys).to.deep.equal(childKeys(ctx.crypto!, ctx.config.childProposals[0]!, ni, nr, gir));
      expect(responderChild.keys).to.not.deep.equal(pair.b.get(sa)!.ctx.children[0]!.keys);
      expect(pair.events.b.find((e) => e.kind === 'rekeyed')).to.include({ sa: 'child', new: hex(responderChild.spiIn) });
      pair.run('a', pair.a.deleteChild(sa, 0n));
      expect(pair.b.get(sa)!.ctx.children.map((c) => hex(c.spiOut))).to.deep.equal([hex(newSpi)]);
    });
  }

  it('refuses to rekey a CHILD_SA it does not hold with CHILD_SA_NOT_FOUND', () => {
    const { pair, ctx } = upPair('child-unknown');
    const payloads: Ikev2Payload[] = [notify(IKEV2_NOTIFY_TYPES.REKEY_SA, new Uint8Array(0), IKEV2_PROTOCOL_IDS.ESP, Uint8Array.of(1, 2, 3, 4)), espSaPayload(ctx.config.childProposals, Uint8Array.of(9, 9, 9, 9)), { kind: 'nonce', data: rnd.bytes(32) }];
    const [, response] = pair.run('a', ctx.request(IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA, payloads).effects);
    expect(response!.result.summary!.notifyTypes).to.deep.equal([IKEV2_NOTIFY_TYPES.CHILD_SA_NOT_FOUND]);
  });

  it('rekeys the IKE SA: new SPIs, keys from the old SK_d, message IDs from 0, CHILD_SA moved, old SA deleted (RFC 7296 §1.3.2, §2.18)', () => {
    const { pair, sa, ctx } = upPair('ike-rekey');
    const proposal = ctx.config.proposals[0]!;
    const newSpiI = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const ni = rnd.bytes(32);
    const dh = createDhKeyPair(proposal.group, rnd);
    const [request, response] = pair.run('a', ctx.request(IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA, [ikeSaPayload([proposal], newSpiI), { kind: 'nonce', data: ni }, { kind: 'ke', dhGroup: proposal.group, data: dh.publicKey }]).effects);
    expect(request!.result.rejected).to.equal(undefined);
    const answer = inner(ctx, response!);
    expect(answer.map((p) => p.kind)).to.deep.equal(['sa', 'nonce', 'ke']);
    const spiR = (answer[0] as { proposals: { spi: Uint8Array }[] }).proposals[0]!.spi;
    expect(spiR).to.have.length(8);
    const nr = (answer[1] as { data: Uint8Array }).data;
    const gir = dhSharedSecret(dh, (answer[2] as { data: Uint8Array }).data);
    // The rekeying side is the new SA's original initiator; it talks to the responder under the new keys.
    const next = new Ikev2SaContext(ctx.config, ctx.local, ctx.remote, true, newSpiI, spiR, 'established');
    next.crypto = ikeSaCrypto(proposal, { ni, nr, spiI: newSpiI, spiR, gir }, ctx.crypto);
    const newId = hex(newSpiI) + hex(spiR);
    expect(pair.events.b.find((e) => e.kind === 'rekeyed')).to.deep.equal({ kind: 'rekeyed', sa: 'ike', old: sa, new: newId });
    const [live, liveAnswer] = pair.run('a', next.request(IKEV2_EXCHANGE_TYPES.INFORMATIONAL, []).effects);
    expect(live!.datagram.summary.messageId).to.equal(0);
    expect(live!.result.rejected).to.equal(undefined);
    expect(decodeIkev2Message(liveAnswer!.datagram.bytes).messageId).to.equal(0);
    expect(openMessage(next.crypto, decodeIkev2Message(liveAnswer!.datagram.bytes), liveAnswer!.datagram.bytes)).to.deep.equal([]);
    // §2.8: the side that rekeyed deletes the old IKE SA; the CHILD_SA lives on under the new one.
    pair.run('a', pair.a.deleteIke(sa, 0n));
    expect(pair.b.list()).to.deep.equal([newId]);
    expect(pair.b.get(newId)!.ctx.children.map((c) => c.state)).to.deep.equal(['established']);
    expect(pair.events.b.filter((e) => e.kind === 'sa-keys')).to.have.length(2);
  });

  it('answers an IKE rekey with the wrong KE group with INVALID_KE_PAYLOAD naming its group', () => {
    const { pair, ctx } = upPair('ike-rekey-ke');
    const dh = createDhKeyPair(19, rnd);
    const [, response] = pair.run('a', ctx.request(IKEV2_EXCHANGE_TYPES.CREATE_CHILD_SA, [ikeSaPayload(ctx.config.proposals, Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1)), { kind: 'nonce', data: rnd.bytes(32) }, { kind: 'ke', dhGroup: 19, data: dh.publicKey }]).effects);
    const answer = inner(ctx, response!);
    expect(answer).to.have.length(1);
    expect(answer[0]).to.deep.include({ notifyType: IKEV2_NOTIFY_TYPES.INVALID_KE_PAYLOAD, data: Uint8Array.of(0, 14) });
    expect(pair.b.list()).to.have.length(1);
  });
});
