/**
 * The SA payload choice shared by phase 1 and Quick Mode, through both kinds:
 * what the reply carries, and which answers the initiator refuses.
 */
import { expect } from 'chai';
import type { EspProposal, Phase1Proposal } from '../../src/ike/engine-config.js';
import { acceptedEsp, chooseEsp, espOffer } from '../../src/ike/esp-proposal.js';
import { acceptedPhase1, choosePhase1, phase1Offer } from '../../src/ike/phase1-proposal.js';
import { PROTOCOL_IDS } from '../../src/wire/index.js';
import type { SaPayload } from '../../src/wire/types.js';

const AES128: Phase1Proposal = { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 };
const AES256: Phase1Proposal = { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 19, lifetimeSeconds: 3600 };
const ESP128: EspProposal = { cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', pfsGroup: 14, lifetimeSeconds: 1200 };
const ESP3DES: EspProposal = { cipher: '3des-cbc', keyLength: 24, integrity: 'sha256', lifetimeSeconds: 3600 };
const OUR_SPI = Uint8Array.of(1, 2, 3, 4);
const THEIR_SPI = Uint8Array.of(9, 8, 7, 6);

const withProtocol = (sa: SaPayload, protocolId: number): SaPayload => ({ ...sa, proposals: sa.proposals.map((p) => ({ ...p, protocolId })) });

describe('ike/sa-negotiation (phase 1 and ESP)', () => {
  it('phase 1: the responder answers with the first acceptable transform alone, echoing the SPI; its lifetime is the offer\'s', () => {
    const choice = choosePhase1(phase1Offer([AES128, AES256]), [{ ...AES256, lifetimeSeconds: 60 }]);
    expect(choice?.chosen).to.deep.equal(AES256);
    expect(choice?.reply.proposals).to.have.length(1);
    expect(choice?.reply.proposals[0].transforms.map((t) => t.transformNumber)).to.deep.equal([2]);
    expect(choice?.reply.proposals[0].spi).to.deep.equal(new Uint8Array(0));
    expect(acceptedPhase1(choice!.reply, [AES128, AES256])).to.deep.equal(AES256);
  });

  it('ESP: the responder answers with its own SPI, and the initiator learns the peer SPI from the answer', () => {
    const choice = chooseEsp(espOffer([ESP3DES, ESP128], THEIR_SPI), [ESP128], OUR_SPI);
    expect(choice?.chosen).to.deep.equal(ESP128);
    expect(choice?.peerSpi).to.deep.equal(THEIR_SPI);
    expect(choice?.reply.proposals.map((p) => [p.proposalNumber, p.spi])).to.deep.equal([[2, OUR_SPI]]);
    expect(acceptedEsp(choice!.reply, [ESP3DES, ESP128])).to.deep.equal({ chosen: ESP128, peerSpi: OUR_SPI });
  });

  it('nothing acceptable, an answer not offered, or one of another protocol is refused', () => {
    expect(choosePhase1(phase1Offer([AES128]), [AES256])).to.equal(undefined);
    expect(chooseEsp(espOffer([ESP128], THEIR_SPI), [ESP3DES], OUR_SPI)).to.equal(undefined);
    expect(acceptedPhase1(phase1Offer([AES256]), [AES128])).to.equal(undefined);
    expect(acceptedPhase1(withProtocol(phase1Offer([AES128]), PROTOCOL_IDS.IPSEC_ESP), [AES128])).to.equal(undefined);
    expect(acceptedEsp(withProtocol(espOffer([ESP128], THEIR_SPI), PROTOCOL_IDS.IPSEC_AH), [ESP128])).to.equal(undefined);
    expect(acceptedEsp(espOffer([ESP128], Uint8Array.of(1, 2, 3)), [ESP128])).to.equal(undefined);
  });

  it('the initiator refuses an answer that is more than one proposal or one transform', () => {
    expect(acceptedPhase1(phase1Offer([AES128, AES128]), [AES128])).to.equal(undefined);
    expect(acceptedEsp(espOffer([ESP128, ESP128], THEIR_SPI), [ESP128])).to.equal(undefined);
  });
});
