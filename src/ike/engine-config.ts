/**
 * What an IKE engine is told up front: its randomness, keys, proposals and the
 * knobs scenarios turn (retransmission schedule, DPD sequence policy). Pure data.
 */
import type { CipherAlgorithm } from '../crypto/cbc-cipher.js';
import type { DhGroup } from '../crypto/dh-group.js';
import type { HashAlgorithm } from '../crypto/hash-algorithm.js';
import type { Endpoint, Random } from '../events.js';
import type { Identification } from '../wire/identification.js';

export interface Phase1Proposal {
  cipher: CipherAlgorithm;
  /** Bytes: 16/24/32 for AES, 24 for 3DES. */
  keyLength: number;
  hash: HashAlgorithm;
  group: DhGroup;
  lifetimeSeconds: number;
}

export type EspIntegrity = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface EspProposal {
  cipher: CipherAlgorithm;
  keyLength: number;
  integrity: EspIntegrity;
  /** DH group for PFS; absent: no KE in Quick Mode. */
  pfsGroup?: DhGroup;
  lifetimeSeconds: number;
}

export interface Subnet {
  address: string;
  mask: string;
}

/** One Quick Mode's IDci/IDcr (RFC 2409 §5.5, RFC 2407 §4.6.2): an address, subnet or range with protocol and port. */
export interface QuickModeSelector {
  local: Identification;
  remote: Identification;
  /** IP protocol number; 0: any. */
  protocol: number;
  /** Port on both sides; 0: any. */
  port: number;
}

export interface DpdSequencePolicy {
  /** First sequence number; a random 31-bit value (MSB clear, RFC 3706 §6.1) when absent. */
  start?: number;
  /** 'increment': every probe takes the next number (Libreswan); 'repeat-until-ack': a probe sent while the last is unanswered repeats it (strongSwan, isakmpd). */
  retry: 'increment' | 'repeat-until-ack';
}

export interface NatTraversalConfig {
  /** Our NAT-D for our own address does not match: the DUT sees us behind a NAT (strongSwan forceencaps). */
  forceEncapsulation?: boolean;
  /** The local port to float to; 4500 unless a test binds another. */
  localPort?: number;
  /** The other side's NAT-T port for the endpoint phase 1 started with, as initiator; 4500 unless a test binds another. */
  remotePort?: (remote: Endpoint) => number;
}

export interface IkeEngineConfig {
  random: Random;
  /** The pre-shared key for a remote address; Main Mode PSK can only choose by address (RFC 2409 §5.4). */
  psk(remote: Endpoint): Uint8Array | undefined;
  /** Offered in this order as initiator; accepted as responder. */
  proposals: Phase1Proposal[];
  espProposals: EspProposal[];
  /** As initiator, one Quick Mode (one IPsec SA) per entry with these IDci/IDcr; absent or empty: one Quick Mode without IDs (host-to-host). */
  trafficSelectors?: QuickModeSelector[];
  /** Phase-1 identity; the local address (ID_IPV4_ADDR) when absent. */
  localId?: Identification;
  /** Delays before each retransmission of an unanswered handshake message; default [2000, 4000, 8000]. */
  retransmitMs?: number[];
  dpdSequence?: DpdSequencePolicy;
  /** Acknowledge R-U-THERE at once (DUT role); otherwise the caller answers through answerDpd(). */
  autoAnswerDpd?: boolean;
  /** Send N(INITIAL-CONTACT) in MM5. */
  initialContact?: boolean;
  /** Offer NAT traversal (RFC 3947); absent: no NAT-T vendor ID, no NAT-D, no float. */
  natTraversal?: NatTraversalConfig;
  /** Accept Main Mode msg 1 from peers (default true). */
  respond?: boolean;
}

export const DEFAULT_RETRANSMIT_MS = [2000, 4000, 8000];
