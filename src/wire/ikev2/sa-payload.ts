/** IKEv2 SA payload (RFC 7296 §3.3): proposals only, no DOI or situation. */
import { chainLength, readChain, toCodec, writeChain } from '../codec.js';
import { ikev2PayloadElement } from './generic-payload.js';
import { ikev2Proposal, MORE_PROPOSALS } from './proposal.js';
import type { Ikev2SaPayload } from './types.js';

export const ikev2SaPayload = toCodec(
  ikev2PayloadElement<Ikev2SaPayload>('SA', {
    bodyLength: (sa) => chainLength(sa.proposals, ikev2Proposal),
    writeBody: (sa, buf, offset) => void writeChain(sa.proposals, ikev2Proposal, (next) => (next ? MORE_PROPOSALS : 0), buf, offset),
    readBody: (r, offset, end) => ({ kind: 'sa' as const, proposals: readChain(r, ikev2Proposal, offset, end, 'proposal') }),
  }),
);
