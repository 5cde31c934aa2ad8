/**
 * What an IKEv2 engine is told up front: randomness, the pre-shared key, the
 * transforms it offers or accepts, the one CHILD_SA's traffic selectors, and
 * the knobs a fake peer turns (retransmission schedule, cookies, liveness
 * answering, state loss). Pure data.
 */
import type { DhGroup } from '../../crypto/dh-group.js';
import type { Ikev2Prf } from '../../crypto/ikev2-prf.js';
import type { SkEncryption, SkIntegrity } from '../../crypto/ikev2-sk-protection.js';
import type { Endpoint, Random } from '../../events.js';

/** One IKE SA proposal (RFC 7296 §3.3): GCM takes no integrity transform (RFC 5282 §8). */
export interface Ikev2IkeProposal {
  encryption: SkEncryption;
  integrity?: SkIntegrity;
  prf: Ikev2Prf;
  group: DhGroup;
}

/** One ESP proposal for the CHILD_SA; no ESN, no PFS in IKE_AUTH (RFC 7296 §1.2). */
export interface Ikev2EspProposal {
  encryption: SkEncryption;
  integrity?: SkIntegrity;
}

/** An IPv4 traffic selector (RFC 7296 §3.13.1) written as a CIDR prefix, with an optional protocol and port. */
export interface Ikev2Selector {
  /** "198.51.100.0/24" or a bare address (/32). */
  prefix: string;
  /** IP protocol; 0 (any) when absent. */
  protocol?: number;
  /** One port; the whole range 0-65535 when absent. */
  port?: number;
}

/** The CHILD_SA's selectors from this side's point of view. */
export interface Ikev2TrafficSelectors {
  local: Ikev2Selector;
  remote: Ikev2Selector;
}

/** RFC 7296 §3.5 identity: ID type and its data. */
export interface Ikev2Identity {
  idType: number;
  data: Uint8Array;
}

/** How the engine treats the peer's liveness checks (empty INFORMATIONAL requests). */
export type LivenessAnswering = 'auto' | 'owner';

export interface Ikev2EngineConfig {
  random: Random;
  /** The pre-shared key for a peer; `peerId` is its IDi/IDr data once known. */
  psk(remote: Endpoint, peerId?: Ikev2Identity): Uint8Array | undefined;
  /** Offered in this order as initiator; accepted (first of the peer's that matches) as responder. */
  proposals: Ikev2IkeProposal[];
  childProposals: Ikev2EspProposal[];
  trafficSelectors: Ikev2TrafficSelectors;
  /** ID_IPV4_ADDR of the local address when absent. */
  localId?: Ikev2Identity;
  /** Waits before each retransmission of an own request, the last one before giving up; strongswanRetransmitMs() when absent. */
  retransmitMs?: number[];
  /** As responder, demand a COOKIE (RFC 7296 §2.6) before creating any state. */
  requireCookie?: boolean;
  /** Accept IKE_SA_INIT requests (default true). */
  respond?: boolean;
  /** 'auto' (default): answer liveness at once; 'owner': report it and let the owner call respondNow(). */
  liveness?: LivenessAnswering;
  /** Answer a request for an IKE SA it does not hold with INVALID_IKE_SPI (RFC 7296 §2.21.4); default false (ignore). */
  answerUnknownSpi?: boolean;
}

/**
 * strongSwan's schedule (charon.retransmit_timeout 4 s, retransmit_base 1.8, retransmit_tries 5):
 * wait timeout × base^n before retransmission n+1, and once more after the last one before giving up.
 */
export function strongswanRetransmitMs(timeoutMs = 4000, base = 1.8, tries = 5): number[] {
  return Array.from({ length: tries + 1 }, (_, n) => Math.round(timeoutMs * base ** n));
}
