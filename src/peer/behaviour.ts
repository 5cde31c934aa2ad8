/**
 * Scriptable behaviour of the fake peer, per IKE SA, and the pure policy that
 * turns (what just happened, behaviour) into what the peer does. The socket
 * side (fake-peer.ts) only carries the decisions out, so every rule here is
 * unit-tested without sockets or timers.
 */
import type { Corruption } from './corruption.js';
import type { UnreachableName } from './icmp-message.js';

/**
 * The peer looks dead to IKE while its host (or a router on the path) still
 * speaks IP: inbound IKE is answered with an ICMP Destination Unreachable of
 * this kind, outbound IKE is dropped (a dead daemon sends nothing). The engine
 * still reads what arrives, as a capture on the wire would, so the timeline
 * names each R-U-THERE and Delete the DUT sent into the void.
 */
export type IcmpSilence = 'icmp-port-unreachable' | 'icmp-host-unreachable' | 'icmp-admin-prohibited';

const ICMP_CODE_OF: Readonly<Record<IcmpSilence, UnreachableName>> = {
  'icmp-port-unreachable': 'port',
  'icmp-host-unreachable': 'host',
  'icmp-admin-prohibited': 'admin-prohibited',
};

/** How the ACK's sequence number relates to the R-U-THERE it answers (RFC 3706 §6.1 says: echo it). */
export type SeqTransform =
  | { kind: 'echo' }
  | { kind: 'plus-one' }
  | { kind: 'minus-one' }
  | { kind: 'constant'; value: number }
  /** The sequence number of an earlier R-U-THERE on this SA (the one just before). */
  | { kind: 'stale' };

export interface Behaviour {
  /** Datagrams dropped at the socket in this direction: the peer looks dead (or half dead). */
  silence: 'none' | 'in' | 'out' | 'both' | IcmpSilence;
  /** Source address of the ICMP error under an icmp-* silence: absent, the peer address the DUT sent to (its host answers); a router's address models a dead path. */
  icmpFrom?: string;
  /** Every answer (a message produced because one arrived) leaves this much later. */
  answerDelayMs: number;
  /**
   * Answers (anything produced because a datagram arrived) never leave, while what the peer
   * starts itself does: the DUT's datagrams are lost on the way, yet the engine still reads
   * them for the timeline. A re-initiating DUT then gets no answer either.
   */
  dropAnswers?: boolean;
  /** 'ignore': R-U-THERE is accepted but never acknowledged. */
  dpd: 'answer' | 'ignore';
  /**
   * The DUT's echo requests in ESP are opened and counted but get no echo reply: its traffic
   * stays one-way, so a DUT whose DPD counts inbound ESP as liveness sees none (RFC 3706 §5.4).
   */
  ignoreEcho?: boolean;
  ackSeq: SeqTransform;
  /** Applied to outbound plaintext before encryption (through the engine's mutate hook). */
  corrupt?: Corruption;
  /** Leave the RFC 3706 vendor ID out of Main Mode: a DUT must then not use DPD (RFC 3706 §5.1). */
  hideDpdVendorId?: boolean;
  /** NAT traversal (RFC 3947/3948), for profiles whose DUT speaks it. */
  nat?: NatBehaviour;
  /** IKEv2 only: the peer lost its IKE SA state and answers the DUT's requests with INVALID_IKE_SPI (src/peer/ikev2-peer.ts). */
  lostState?: boolean;
}

export interface NatBehaviour {
  /** Send a NAT-D that cannot match, so the DUT encapsulates (strongSwan forceencaps); read at MM3. */
  forceEncapsulation?: boolean;
  /** NAT-keepalive interval once the SA floated; absent: none. */
  keepaliveS?: number;
  /** Stop the keepalives this long after they were (re)armed. */
  stopKeepaliveAtS?: number;
}

export const NORMAL_BEHAVIOUR: Readonly<Behaviour> = Object.freeze<Behaviour>({ silence: 'none', answerDelayMs: 0, dpd: 'answer', ackSeq: { kind: 'echo' } });

const isIcmpSilence = (silence: Behaviour['silence']): silence is IcmpSilence => silence in ICMP_CODE_OF;

/** `icmp`: answer the datagram with this ICMP error (from `icmpFrom` when given); nothing the engine says back leaves. */
export type InboundDecision =
  | { deliver: true; label?: undefined; icmp?: undefined }
  | { deliver: true; label: IcmpSilence; icmp: UnreachableName; icmpFrom?: string }
  | { deliver: false; label: string; icmp?: undefined };

export function inboundDecision(behaviour: Behaviour): InboundDecision {
  const { silence, icmpFrom } = behaviour;
  if (isIcmpSilence(silence)) return { deliver: true, label: silence, icmp: ICMP_CODE_OF[silence], ...(icmpFrom !== undefined ? { icmpFrom } : {}) };
  if (silence === 'in' || silence === 'both') return { deliver: false, label: `silence-${silence}` };
  return { deliver: true };
}

export type OutboundDecision = { send: true; delayMs: number; label?: string } | { send: false; label: string };

/** `isAnswer`: the message is a reaction to an inbound one (not a command or a retransmission timer). */
export function outboundDecision(behaviour: Behaviour, isAnswer: boolean): OutboundDecision {
  if (isIcmpSilence(behaviour.silence)) return { send: false, label: behaviour.silence };
  if (behaviour.silence === 'out' || behaviour.silence === 'both') return { send: false, label: `silence-${behaviour.silence}` };
  if (isAnswer && behaviour.dropAnswers) return { send: false, label: 'silence-in' };
  if (isAnswer && behaviour.answerDelayMs > 0) return { send: true, delayMs: behaviour.answerDelayMs, label: `delay-${behaviour.answerDelayMs}ms` };
  return { send: true, delayMs: 0 };
}

export type DpdAnswerDecision = { answer: true; seq: number; label?: string } | { answer: false; label: string };

/**
 * `earlier`: sequence numbers of R-U-THEREs received before this one on the
 * same SA, oldest first. Sequence numbers are 32-bit and wrap (RFC 3706 §6).
 */
export function dpdAnswerDecision(behaviour: Behaviour, seq: number, earlier: readonly number[]): DpdAnswerDecision {
  if (behaviour.dpd === 'ignore') return { answer: false, label: 'dpd-ignore' };
  const t = behaviour.ackSeq;
  switch (t.kind) {
    case 'echo':
      return { answer: true, seq };
    case 'plus-one':
      return { answer: true, seq: (seq + 1) >>> 0, label: 'ack-seq-plus-one' };
    case 'minus-one':
      return { answer: true, seq: (seq - 1) >>> 0, label: 'ack-seq-minus-one' };
    case 'constant':
      return { answer: true, seq: t.value >>> 0, label: `ack-seq-constant-${t.value >>> 0}` };
    case 'stale': {
      // Before any earlier probe there is nothing stale to repeat; seq−1 is what a stale counter would hold.
      const previous = [...earlier].reverse().find((s) => s !== seq);
      return { answer: true, seq: previous ?? (seq - 1) >>> 0, label: 'ack-seq-stale' };
    }
  }
}

/** Merges a partial change into a behaviour, so a scenario can switch one knob while running. */
export function changeBehaviour(current: Behaviour, change: Partial<Behaviour>): Behaviour {
  // NAT knobs are set one at a time (force encapsulation before bring-up, keepalives later): they add up.
  return { ...current, ...change, ...(change.nat && current.nat ? { nat: { ...current.nat, ...change.nat } } : {}) };
}

/** One line for the timeline when a behaviour changes. */
export function describeBehaviour(b: Behaviour): string {
  const parts = [`silence=${b.silence}`, `answer-delay=${b.answerDelayMs}ms`, `dpd=${b.dpd}`, `ack-seq=${b.ackSeq.kind}${b.ackSeq.kind === 'constant' ? `(${b.ackSeq.value})` : ''}`];
  if (b.corrupt) parts.push(`corrupt=${b.corrupt.field}`);
  if (b.icmpFrom !== undefined) parts.push(`icmp-from=${b.icmpFrom}`);
  if (b.hideDpdVendorId) parts.push('dpd-vid=hidden');
  if (b.dropAnswers) parts.push('answers=dropped');
  if (b.ignoreEcho) parts.push('echo=ignored');
  if (b.nat?.forceEncapsulation) parts.push('nat=forced');
  if (b.nat?.keepaliveS) parts.push(`nat-keepalive=${b.nat.keepaliveS}s${b.nat.stopKeepaliveAtS !== undefined ? `(stop at ${b.nat.stopKeepaliveAtS}s)` : ''}`);
  return parts.join(' ');
}
