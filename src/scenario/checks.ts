/**
 * The timing and sequence assertions, pure: an expectation plus the event
 * stream in, Checks with numbers out (expected, observed, tolerance, unit).
 * Times are seconds from the expectation's origin; tolerance is the profile's
 * absolute + relative × expected.
 */
import type { WireProbeResult } from '../target/target.js';
import type { DatagramEvent, HarnessEvent, MarkEvent, MessageKind } from '../events.js';
import type { Tolerance } from '../profile/device-profile.js';
import type { Check } from '../report/result-model.js';
import type { Step, TimeOrigin, Timing } from './plan.js';
import { SA_GONE_MARK, SA_PRESENT_MARK } from '../target/target.js';

export interface CheckContext {
  events: readonly HarnessEvent[];
  /** When the expectation step started, the current phase (last bring_up/behave) started. Monotonic ns. */
  stepStart: bigint;
  phaseStart: bigint;
  tolerance: Tolerance;
  /**
   * Messages earlier expect_message / expect_initiate steps of the scenario matched: a present
   * expectation skips them, so two expectations never pass on one message; `absent` ones and
   * the origins still see every message.
   */
  consumed?: ReadonlySet<HarnessEvent>;
  /** The DUT's protocol's own words for its probe and its new negotiation, so an IKEv2 verdict reads as IKEv2. */
  words: ProtocolWords;
}

export interface ProtocolWords {
  probe: string;
  ack: string;
  initiation: string;
  /** What tells one probe from the next: RFC 3706's sequence number, or the message ID (RFC 7296 §2.2). */
  number: string;
}
export const IKEV1_WORDS: ProtocolWords = { probe: 'R-U-THERE', ack: 'R-U-THERE-ACK', initiation: 'Main Mode', number: 'sequence number' };
/** RFC 7296 §2.4 names no probe: it is an INFORMATIONAL request with no payloads, answered by its response. */
export const IKEV2_WORDS: ProtocolWords = { probe: 'liveness request', ack: 'liveness response', initiation: 'IKE_SA_INIT', number: 'message ID' };
export const protocolWords = (ikeVersion: 1 | 2): ProtocolWords => (ikeVersion === 2 ? IKEV2_WORDS : IKEV1_WORDS);

const S = 1e9;
const seconds = (ns: bigint): number => Number(ns) / S;
const round = (x: number): number => Math.round(x * 1000) / 1000;

export function allowance(expected: number, tolerance: Tolerance): number {
  return round(tolerance.absolute + tolerance.relative * Math.abs(expected));
}

const isMessage = (e: HarnessEvent, kind: MessageKind, direction: 'in' | 'out'): e is DatagramEvent =>
  e.type === 'datagram' && e.direction === direction && e.summary?.kind === kind && e.rejected === undefined;

/** A probe is an IKEv1 R-U-THERE or an IKEv2 liveness request (RFC 7296 §2.4); an ACK the answer to either. */
const isProbe = (e: HarnessEvent, direction: 'in' | 'out'): e is DatagramEvent => isMessage(e, 'r-u-there', direction) || isMessage(e, 'liveness', direction);
const isAck = (e: HarnessEvent): e is DatagramEvent => isMessage(e, 'r-u-there-ack', 'in') || isMessage(e, 'liveness-response', 'in');
/** RFC 3706's sequence number; IKEv2 has none, its message ID plays the part (RFC 7296 §2.2: a retransmission keeps it). */
const probeNumber = (d: DatagramEvent): number | undefined => d.summary?.seq ?? (d.summary?.kind === 'liveness' || d.summary?.kind === 'liveness-response' ? d.summary.messageId : undefined);

/** Inbound probes from the DUT at or after `since`. */
export function probesSince(events: readonly HarnessEvent[], since: bigint): DatagramEvent[] {
  return events.filter((e): e is DatagramEvent => isProbe(e, 'in') && e.t >= since);
}

/** The instant `origin` names, or undefined when it has not happened (first-probe before any probe). */
export function originTime(origin: TimeOrigin, ctx: CheckContext): bigint | undefined {
  if (origin === 'step') return ctx.stepStart;
  if (origin === 'phase') return ctx.phaseStart;
  return probesSince(ctx.events, ctx.phaseStart)[0]?.t;
}

const originText = (origin: TimeOrigin, words: ProtocolWords): string =>
  origin === 'step' ? 'after the step started' : origin === 'phase' ? 'after the phase started' : `after the first unanswered ${words.probe}`;

/** The latest instant (s from the origin) at which the expectation can still be met. */
export function timingEnd(timing: Timing, tolerance: Tolerance): number {
  return timing.kind === 'at' ? timing.at + allowance(timing.at, tolerance) : timing.to + allowance(timing.to, tolerance);
}

function timingCheck(name: string, timing: Timing, observed: number | null, tolerance: Tolerance, detail?: string): Check {
  if (timing.kind === 'at') {
    const tol = allowance(timing.at, tolerance);
    const pass = observed !== null && Math.abs(observed - timing.at) <= tol + 1e-9;
    return { name, expected: timing.at, observed: observed === null ? null : round(observed), tolerance: tol, unit: 's', pass, ...(detail ? { detail } : {}) };
  }
  const lo = timing.from - allowance(timing.from, tolerance);
  const hi = timing.to + allowance(timing.to, tolerance);
  const pass = observed !== null && observed >= lo - 1e-9 && observed <= hi + 1e-9;
  return {
    name, expected: `${timing.from}–${timing.to} s`, observed: observed === null ? null : round(observed), tolerance: allowance(timing.to, tolerance), unit: 's', pass,
    ...(detail ? { detail } : {}),
  };
}

/**
 * What happened exactly at a step's start belongs to the step before (the one that waited for it);
 * the first probe is its own origin, so what is measured from it comes after it.
 */
const after = (kind: TimeOrigin, origin: bigint) => (e: HarnessEvent): boolean => (kind === 'phase' ? e.t >= origin : e.t > origin);

/**
 * First event matching `match` inside the timing's window (tolerance included), as seconds from
 * the origin; with `consume`, messages earlier expectations matched (ctx.consumed) are passed over.
 */
function firstInWindow(ctx: CheckContext, timing: Timing, match: (e: HarnessEvent) => boolean, consume = false): { origin?: bigint; at: number | null; hit?: HarnessEvent } {
  const origin = originTime(timing.origin, ctx);
  if (origin === undefined) return { at: null };
  // An `at` expectation takes the first occurrence, early or not, so an early one is reported with its time.
  const lo = timing.kind === 'at' ? 0 : timing.from - allowance(timing.from, ctx.tolerance);
  const hit = ctx.events.find((e) => match(e) && !(consume && ctx.consumed?.has(e)) && after(timing.origin, origin)(e) && seconds(e.t - origin) >= Math.max(0, lo));
  return { origin, at: hit ? seconds(hit.t - origin) : null, ...(hit ? { hit } : {}) };
}

const messageMatcher = (step: Extract<Step, { kind: 'expect-message' }>, peerAddresses: readonly string[]) => (e: HarnessEvent): boolean =>
  isMessage(e, step.message, step.direction) && (step.peerIndex === undefined || (e as DatagramEvent).local.address === peerAddresses[step.peerIndex]);

const initiateMatcher = (step: Extract<Step, { kind: 'expect-initiate' }>, peerAddresses: readonly string[]) => (e: HarnessEvent): boolean =>
  (isMessage(e, 'main-mode', 'in') || isMessage(e, 'ike-sa-init', 'in')) && (e as DatagramEvent).local.address === peerAddresses[step.peerIndex] && ((e as DatagramEvent).summary?.step ?? 1) === 1;

/**
 * The message a present expect-message / expect-initiate step judged, in its window or early
 * (an `at` reports an early one): the one it consumes. One found only after the window closed is
 * not: the late report names it, and a later expectation may still rightly take it.
 */
export function matchedMessage(step: Extract<Step, { kind: 'expect-message' | 'expect-initiate' }>, ctx: CheckContext, peerAddresses: readonly string[]): HarnessEvent | undefined {
  if (step.kind === 'expect-message' && !step.present) return undefined;
  const match = step.kind === 'expect-message' ? messageMatcher(step, peerAddresses) : initiateMatcher(step, peerAddresses);
  const { at, hit } = firstInWindow(ctx, step.timing, match, true);
  return at !== null && at <= timingEnd(step.timing, ctx.tolerance) + 1e-9 ? hit : undefined;
}

export function checkMessage(step: Extract<Step, { kind: 'expect-message' }>, ctx: CheckContext, peerAddresses: readonly string[]): Check[] {
  const wanted = messageMatcher(step, peerAddresses);
  const what = `${step.message}${step.direction === 'in' ? ' from the DUT' : ' to the DUT'}`;
  const { origin, at } = firstInWindow(ctx, step.timing, wanted, step.present);
  if (origin === undefined) return [noOrigin(`${what} ${step.present ? 'arrives' : 'absent'}`, step.timing.origin, ctx.words)];
  if (step.present) return [timingCheck(`${what} ${originText(step.timing.origin, ctx.words)}`, step.timing, at, ctx.tolerance, at === null ? `no ${what} observed` : undefined)];
  const end = step.timing.kind === 'at' ? step.timing.at : step.timing.to;
  const start = step.timing.kind === 'at' ? 0 : step.timing.from;
  const inside = ctx.events.filter((e) => wanted(e) && after(step.timing.origin, origin)(e) && seconds(e.t - origin) >= start && seconds(e.t - origin) <= end);
  return [{
    name: `no ${what} within ${start}–${end} s ${originText(step.timing.origin, ctx.words)}`, expected: 0, observed: inside.length, unit: 'messages', pass: inside.length === 0,
    ...(inside.length ? { detail: `first at ${round(seconds(inside[0]!.t - origin))} s` } : {}),
  }];
}

/** An expectation measured from an instant that never came: from the first probe, it means the DUT sent none. */
export function noOrigin(name: string, origin: TimeOrigin, words: ProtocolWords, waited?: string): Check {
  return {
    name, expected: 'a reference instant', observed: null, pass: false,
    detail: `${originText(origin, words).replace('after ', '')}: never happened (no probe from the DUT in this phase${waited ? `, ${waited}` : ''})`,
  };
}

export interface ProbeSeries {
  checks: Check[];
  probes: DatagramEvent[];
}

export function checkProbes(step: Extract<Step, { kind: 'expect-probes' }>, ctx: CheckContext): ProbeSeries {
  const origin = originTime(step.origin, ctx);
  if (origin === undefined) return { checks: [noOrigin(`${ctx.words.probe} series`, step.origin, ctx.words)], probes: [] };
  const end = origin + BigInt(Math.round(step.windowS * S));
  const probes = probesSince(ctx.events, origin).filter((e) => e.t <= end);
  const checks: Check[] = [{
    name: `${ctx.words.probe} count within ${step.windowS} s`, expected: step.count, observed: probes.length, unit: 'probes', pass: probes.length === step.count,
  }];
  if (step.firstAt !== undefined) {
    checks.push(timingCheck(`first ${ctx.words.probe} ${originText(step.origin, ctx.words)}`, { kind: 'at', at: step.firstAt, origin: step.origin }, probes[0] ? seconds(probes[0].t - origin) : null, ctx.tolerance));
  }
  const tol = allowance(step.spacing, ctx.tolerance);
  for (let i = 1; i < Math.min(probes.length, step.count); i++) {
    const gap = seconds(probes[i]!.t - probes[i - 1]!.t);
    checks.push({ name: `${ctx.words.probe} spacing ${i}→${i + 1}`, expected: step.spacing, observed: round(gap), tolerance: tol, unit: 's', pass: Math.abs(gap - step.spacing) <= tol + 1e-9 });
  }
  return { checks, probes };
}

const next32 = (seq: number): number => (seq + 1) >>> 0;

export function checkSeq(step: Extract<Step, { kind: 'expect-seq' }>, ctx: CheckContext, lastSeries: readonly DatagramEvent[]): Check[] {
  if (step.relation === 'echo') {
    const ours = ctx.events.filter((e): e is DatagramEvent => isProbe(e, 'out') && e.t >= ctx.phaseStart);
    if (ours.length === 0) return [{ name: `${ctx.words.ack} echoes the ${ctx.words.probe}'s ${ctx.words.number}`, expected: `a ${ctx.words.probe} sent in this phase`, observed: null, pass: false }];
    return ours.map((probe, i) => {
      const limit = ours[i + 1]?.t;
      const ack = ctx.events.find((e): e is DatagramEvent => isAck(e) && e.t > probe.t && (limit === undefined || e.t < limit));
      return {
        name: `ACK ${i + 1} echoes ${ctx.words.number}`, expected: probeNumber(probe) ?? 'seq', observed: ack ? (probeNumber(ack) ?? null) : null, pass: ack !== undefined && probeNumber(ack) === probeNumber(probe),
        ...(ack ? {} : { detail: `no ${ctx.words.ack} before the next ${ctx.words.probe}` }),
      };
    });
  }
  const seqs = lastSeries.map(probeNumber);
  if (seqs.length < 2) return [{ name: `${ctx.words.probe} ${ctx.words.number}s ${step.relation}`, expected: 'at least 2 probes', observed: seqs.length, unit: 'probes', pass: false }];
  const checks: Check[] = [];
  for (let i = 1; i < seqs.length; i++) {
    const prev = seqs[i - 1];
    const want = prev === undefined ? undefined : step.relation === 'same' ? prev : next32(prev);
    checks.push({
      name: `${ctx.words.probe} ${i + 1} ${ctx.words.number} (${step.relation === 'same' ? 'reused' : 'incremented'})`, expected: want ?? 'seq', observed: seqs[i] ?? null, pass: want !== undefined && seqs[i] === want,
    });
  }
  return checks;
}

export function checkSaGone(step: Extract<Step, { kind: 'expect-sa-gone' }>, ctx: CheckContext): Check[] {
  if (!step.gone) {
    const origin = originTime(step.timing.origin, ctx);
    if (origin === undefined) return [noOrigin('SA still in DUT status', step.timing.origin, ctx.words)];
    const end = origin + BigInt(Math.round((step.timing.kind === 'at' ? step.timing.at : step.timing.to) * S));
    // Gone before the step began (during a `wait`, say) and not back: not "still" there either.
    const before = ctx.events.filter((e) => e.type === 'mark' && (e.label === SA_GONE_MARK || e.label === SA_PRESENT_MARK) && e.t < ctx.stepStart).pop();
    if (before?.type === 'mark' && before.label === SA_GONE_MARK) {
      return [{ name: 'SA still in the DUT status', expected: 'present', observed: `gone ${round(seconds(origin - before.t))} s before the window opened`, pass: false }];
    }
    const gone = ctx.events.find((e) => e.type === 'mark' && e.label === SA_GONE_MARK && e.t >= ctx.stepStart && e.t <= end);
    return [{ name: 'SA still in the DUT status', expected: 'present', observed: gone ? `gone at ${round(seconds(gone.t - origin))} s` : 'present', pass: gone === undefined }];
  }
  const { origin, at: seen } = firstInWindow(ctx, step.timing, (e) => e.type === 'mark' && e.label === SA_GONE_MARK);
  if (origin === undefined) return [noOrigin('SA gone from DUT status', step.timing.origin, ctx.words)];
  // Already gone when the window opened: that counts as gone at its start.
  const before = ctx.events.filter((e) => e.type === 'mark' && (e.label === SA_GONE_MARK || e.label === SA_PRESENT_MARK) && e.t < origin).pop();
  const at = seen ?? (before?.type === 'mark' && before.label === SA_GONE_MARK ? 0 : null);
  const stillThere = ctx.events.some((e) => e.type === 'mark' && e.label === SA_PRESENT_MARK && e.t >= ctx.stepStart);
  return [timingCheck(`SA gone from the DUT status ${originText(step.timing.origin, ctx.words)}`, step.timing, at, ctx.tolerance, at === null && stillThere ? 'the DUT still lists the SA' : undefined)];
}

/**
 * An SA-gone expectation settled by one R-U-THERE at the end of the window (a target that
 * cannot read the DUT's status, and a DUT that sent no Delete): unanswered means gone by
 * then — when exactly is unknown — answered means still alive then.
 */
export function checkSaGoneByWireProbe(step: Extract<Step, { kind: 'expect-sa-gone' }>, ctx: CheckContext, probe: WireProbeResult): Check[] {
  const origin = originTime(step.timing.origin, ctx);
  const at = origin === undefined ? undefined : round(seconds(probe.sentAt - origin));
  const when = at === undefined ? 'at the end of the window' : `t = ${at} s`;
  if (!step.gone) {
    return [{ name: 'SA still held by the DUT (by wire probe)', expected: 'alive', observed: probe.alive ? `alive at ${when} (${ctx.words.probe} answered)` : `gone by ${when} (wire probe: ${probe.detail})`, pass: probe.alive }];
  }
  const expected = step.timing.kind === 'at' ? `gone by ${round(step.timing.at + allowance(step.timing.at, ctx.tolerance))} s` : `gone by ${round(step.timing.to + allowance(step.timing.to, ctx.tolerance))} s`;
  return [{
    name: `SA gone from the DUT ${originText(step.timing.origin, ctx.words)} (by wire probe)`,
    expected,
    observed: probe.alive ? `still alive at ${when} (the DUT answered the ${ctx.words.probe})` : `gone by ${when} (wire probe: ${probe.detail})`,
    pass: !probe.alive,
    detail: `judged by one ${ctx.words.probe} from the fake peer at the end of the window: the time of death itself is not observable without target.control.status or a Delete`,
  }];
}

export function checkInitiate(step: Extract<Step, { kind: 'expect-initiate' }>, ctx: CheckContext, peerAddresses: readonly string[]): Check[] {
  const address = peerAddresses[step.peerIndex];
  const { origin, at } = firstInWindow(ctx, step.timing, initiateMatcher(step, peerAddresses), true);
  if (origin === undefined) return [noOrigin(`DUT initiates to ${address}`, step.timing.origin, ctx.words)];
  return [timingCheck(`DUT initiates ${ctx.words.initiation} to peer ${address} ${originText(step.timing.origin, ctx.words)}`, step.timing, at, ctx.tolerance, at === null ? `no ${ctx.words.initiation} from the DUT to ${address}` : undefined)];
}

/**
 * Under an icmp-* silence the fake peer drops what the DUT sends and answers it with an ICMP
 * error; a refused raw socket would quietly turn that into plain silence, so this counts both.
 */
export function checkIcmp(ctx: CheckContext): Check[] {
  const dropped = ctx.events.filter((e) => e.type === 'datagram' && e.direction === 'in' && e.t >= ctx.phaseStart && e.behaviour?.startsWith('icmp-'));
  const marks = ctx.events.filter((e): e is MarkEvent => e.type === 'mark' && e.icmp !== undefined && e.t >= ctx.phaseStart);
  const sent = marks.filter((m) => m.icmp!.sent).length;
  const refused = marks.find((m) => !m.icmp!.sent);
  return [{
    name: 'ICMP error answered every datagram the DUT sent under the ICMP silence', expected: dropped.length, observed: sent, unit: 'ICMP errors',
    pass: dropped.length > 0 && sent === dropped.length && refused === undefined,
    ...(refused ? { detail: refused.label } : dropped.length === 0 ? { detail: 'the DUT sent nothing under the ICMP silence' } : {}),
  }];
}

/**
 * After the float every IKE datagram the DUT sends (but a new phase 1's first four) travels behind the non-ESP marker (RFC 3948
 * §2.2) on the NAT-T port; and the keepalives a scenario relies on really left the fake peer.
 */
export function checkNatT(step: { minKeepalives: number }, ctx: CheckContext): Check[] {
  // A new phase 1 (a re-initiation, a failover) starts on 500 and floats at MM5 / AM3 (RFC 3947 §4).
  const beforeFloat = (d: DatagramEvent): boolean => (d.summary!.kind === 'main-mode' && (d.summary!.step ?? 5) <= 4) || (d.summary!.kind === 'aggressive-mode' && (d.summary!.step ?? 3) <= 2);
  const inbound = ctx.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.t >= ctx.phaseStart && e.summary !== undefined && !beforeFloat(e));
  const encapsulated = inbound.filter((d) => d.udpEncapsulation === 'non-esp-marker').length;
  const plain = inbound.find((d) => d.udpEncapsulation !== 'non-esp-marker');
  const checks: Check[] = [{
    name: 'IKE from the DUT over the NAT-T port (non-ESP marker)', expected: inbound.length, observed: encapsulated, unit: 'datagrams',
    pass: inbound.length > 0 && plain === undefined,
    ...(plain ? { detail: `${plain.summary!.kind} from ${plain.remote.address}:${plain.remote.port} without the marker` } : inbound.length === 0 ? { detail: 'the DUT sent no IKE in this phase' } : {}),
  }];
  if (step.minKeepalives > 0) {
    const sent = ctx.events.filter((e) => e.type === 'datagram' && e.direction === 'out' && e.t >= ctx.phaseStart && e.udpEncapsulation === 'keepalive').length;
    checks.push({ name: 'NAT-keepalives sent by the fake peer', expected: step.minKeepalives, observed: sent, unit: 'keepalives', pass: sent >= step.minKeepalives });
  }
  return checks;
}
