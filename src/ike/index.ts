/** The IKEv1 protocol engine: pure state machines returning effects (docs/engine.md). */
export * from './engine-config.js';
export * from './engine-effects.js';
export { IkeEngine, type InitiateOptions } from './ike-engine.js';
export { IkeSa, type ChildSa, type DpdTicket } from './ike-sa.js';
export { IkeRejection } from './rejection.js';
export type { InformationalOptions } from './informational.js';
export { summarize, headerOnlySummary, dpdSeqOf } from './message-summary.js';
export { phase1Offer, choosePhase1, acceptedPhase1 } from './phase1-proposal.js';
export { espOffer, chooseEsp, acceptedEsp } from './esp-proposal.js';
export { NAT_T_PORT } from './nat-traversal.js';
