/** IKEv2 proposal substructure (RFC 7296 §3.3.1): transforms follow, chained by Last Substruc 3. */
import { proposalCodec } from '../proposal.js';
import { ikev2Transform } from './transform.js';
import type { Ikev2Transform } from './types.js';

/** RFC 7296 §3.3.1/§3.3.2: "Last Substruc" is 0 for the last, 2 before another proposal, 3 before another transform. */
export const MORE_PROPOSALS = 2;
export const MORE_TRANSFORMS = 3;

export const ikev2Proposal = proposalCodec<Ikev2Transform>(ikev2Transform, MORE_TRANSFORMS);
