/**
 * When an IKEv2 device retransmits an unanswered liveness check (an empty INFORMATIONAL
 * request, RFC 7296 §2.4) and when it gives the peer up, from the vendor's own knobs.
 * IKEv2 has no DPD timeout of its own: death is the end of the request's retransmission
 * schedule (§2.1: "retransmission times MUST increase exponentially"; the count is the
 * implementation's), so each vendor's schedule is its DPD dead time. Pure arithmetic in
 * seconds, counted from the first transmission of the request; docs/ikev2-liveness.md
 * holds the sources and the measurements behind each formula.
 */

export interface LivenessSchedule {
  /** Seconds from the first transmission to each retransmission, ascending. */
  retransmits: number[];
  /** Seconds from the first transmission to the moment the IKE SA is declared dead. */
  deadAfterFirstProbe: number;
}

/** strongSwan 5.9 `charon.retransmit_*` (strongswan.conf(5)); defaults as shipped. */
export interface StrongswanRetransmit {
  /** retransmit_timeout, seconds (default 4.0). */
  timeout?: number;
  /** retransmit_base (default 1.8). */
  base?: number;
  /** retransmit_tries (default 5). */
  tries?: number;
  /** retransmit_limit, seconds; 0 or absent: no cap. */
  limit?: number;
}

/** Rounds to the microsecond, so sums of powers print as the numbers the formulas give. */
const us = (s: number): number => Math.round(s * 1e6) / 1e6;

/**
 * strongSwan's task manager waits timeout × base^n before retransmission n + 1 (capped at
 * retransmit_limit), retransmits `tries` times and gives up when the wait after the last one
 * runs out: with the defaults 4, 11.2, 24.16, 47.488, 89.478 s, dead at 165.06 s
 * (docs.strongswan.org, config/retransmission: "relative timeout = retransmit_timeout *
 * retransmit_base ^ (n-1)", capped by retransmit_limit, and its table of the defaults).
 * The jitter option only shortens waits and is left out.
 */
export function strongswanLiveness(o: StrongswanRetransmit = {}): LivenessSchedule {
  const { timeout = 4, base = 1.8, tries = 5, limit = 0 } = o;
  const wait = (n: number): number => {
    const w = timeout * base ** n;
    return limit > 0 ? Math.min(w, limit) : w;
  };
  const retransmits: number[] = [];
  let t = 0;
  for (let n = 0; n < tries; n++) {
    t += wait(n);
    retransmits.push(us(t));
  }
  return { retransmits, deadAfterFirstProbe: us(t + wait(tries)) };
}

/** Libreswan 4.10 `retransmit-interval` / `retransmit-timeout` (ipsec.conf(5)); defaults as shipped. */
export interface LibreswanRetransmit {
  /** retransmit-interval, seconds (default 0.5). */
  interval?: number;
  /** retransmit-timeout, seconds (default 60). */
  timeout?: number;
}

/**
 * pluto retransmits at interval × 2^k after the first transmission and gives up at the
 * first such moment that is not before retransmit-timeout: with the defaults 0.5, 1, 2, …,
 * 32 s, dead at 64 s ("60 second timeout exceeded after 7 retransmits", measured in the lab:
 * docs/ikev2-liveness.md). dpdtimeout plays no part in IKEv2.
 */
export function libreswanLiveness(o: LibreswanRetransmit = {}): LivenessSchedule {
  const { interval = 0.5, timeout = 60 } = o;
  if (!(interval > 0)) throw new RangeError('retransmit-interval must be > 0');
  const retransmits: number[] = [];
  let t = interval;
  for (; t < timeout; t *= 2) retransmits.push(us(t));
  return { retransmits, deadAfterFirstProbe: us(t) };
}

/** Retransmissions a Cisco router sends before it declares the peer dead (docs/ikev2-liveness.md). */
export const IKEV2_RETRANSMISSIONS = 4;

/** Cisco IOS XE `crypto ikev2 dpd <interval> <retry-interval> {on-demand | periodic}`. */
export interface CiscoIkev2Dpd {
  /** retry-interval, seconds (2-60). */
  retryInterval: number;
  /** Retransmissions before the peer is declared dead (default 4: five messages in all). */
  retransmissions?: number;
}

/**
 * Cisco describes the same retries for IKEv2 DPD as for IKEv1 keepalives: once a probe is
 * missed the router retries every retry-interval, and "five aggressive DPD retry messages
 * can be missed before the tunnel is marked as down"; its debug example shows one probe and
 * four retransmissions, the SAs deleted one retry-interval after the last (reference
 * document, "Configuring a Periodic DPD Message" step 3 and the debug example; the reference
 * DUT's IKEv1 policy counts the same way). docs/ikev2-liveness.md says what of this is
 * documented for IKEv2 and what is carried over.
 */
export function ciscoIkev2Liveness(o: CiscoIkev2Dpd): LivenessSchedule {
  const { retryInterval, retransmissions = IKEV2_RETRANSMISSIONS } = o;
  const retransmits = Array.from({ length: retransmissions }, (_, i) => us((i + 1) * retryInterval));
  return { retransmits, deadAfterFirstProbe: us((retransmissions + 1) * retryInterval) };
}
