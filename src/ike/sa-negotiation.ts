/**
 * Choosing from an SA payload, the same for phase 1 and Quick Mode: the
 * responder answers with the first offered transform it accepts, alone in its
 * proposal; the initiator takes an answer only if it is one proposal with one
 * transform it offered. What differs between the two is the SaKind.
 */
import type { ProposalPayload, SaPayload, TransformPayload } from '../wire/types.js';

export interface SaKind<P> {
  /** Whether a proposal is one of this kind (protocol, SPI size). */
  fits(proposal: ProposalPayload): boolean;
  /** The algorithms a transform names, or undefined when the engine cannot run them. */
  read(t: TransformPayload): P | undefined;
  /** The same algorithms; lifetimes may differ. */
  sameAlgorithms(a: P, b: P): boolean;
}

export interface SaChoice<P> {
  chosen: P;
  /** The SPI of the other side's proposal. */
  peerSpi: Uint8Array;
}

/** Responder: `spi` is ours for the reply; without one the offer's SPI is echoed (phase 1). */
export function chooseTransform<P>(kind: SaKind<P>, offer: SaPayload, acceptable: readonly P[], spi?: Uint8Array): (SaChoice<P> & { reply: SaPayload }) | undefined {
  for (const proposal of offer.proposals) {
    if (!kind.fits(proposal)) continue;
    for (const t of proposal.transforms) {
      const chosen = kind.read(t);
      if (chosen === undefined || !acceptable.some((a) => kind.sameAlgorithms(a, chosen))) continue;
      const transform: TransformPayload = { transformNumber: t.transformNumber, transformId: t.transformId, attributes: t.attributes };
      return {
        chosen,
        peerSpi: proposal.spi,
        reply: {
          kind: 'sa',
          doi: offer.doi,
          situation: offer.situation,
          proposals: [{ proposalNumber: proposal.proposalNumber, protocolId: proposal.protocolId, spi: spi ?? proposal.spi, transforms: [transform] }],
        },
      };
    }
  }
  return undefined;
}

/** Initiator: the responder's choice, provided it is one we offered. */
export function acceptedTransform<P>(kind: SaKind<P>, reply: SaPayload, offered: readonly P[]): SaChoice<P> | undefined {
  const proposal = reply.proposals.length === 1 ? reply.proposals[0] : undefined;
  if (!proposal || !kind.fits(proposal) || proposal.transforms.length !== 1) return undefined;
  const chosen = kind.read(proposal.transforms[0]);
  return chosen !== undefined && offered.some((o) => kind.sameAlgorithms(o, chosen)) ? { chosen, peerSpi: proposal.spi } : undefined;
}
