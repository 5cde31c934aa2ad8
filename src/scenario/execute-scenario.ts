/**
 * Runs one planned scenario against a ScenarioTarget: steps in order, waits on
 * the injected clock, expectations evaluated by the pure checks once their
 * window has closed (or as soon as the awaited thing was seen). Produces the
 * ScenarioResult the reports read; never throws for a failing DUT.
 */
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, HarnessEvent } from '../events.js';
import { checkLine } from '../report/check-text.js';
import type { Check, ExpectedWindow, ScenarioResult, ScenarioStatus } from '../report/result-model.js';
import { allowance, checkSaGoneByWireProbe, checkIcmp, checkInitiate, checkNatT, checkMessage, matchedMessage, checkProbes, checkSaGone, checkSeq, noOrigin, originTime, protocolWords, timingEnd, type CheckContext } from './checks.js';
import type { PlannedScenario, Step, TimeOrigin, Timing } from './plan.js';
import { runAtScale } from './dpd-at-scale.js';
import { checkEsp } from './esp-checks.js';
import { LoopStallMonitor, stallNote } from './loop-stall-monitor.js';
import { SA_GONE_MARK, SA_PRESENT_MARK, type ScenarioTarget } from '../target/target.js';

export interface Progress {
  scenario: string;
  phase: string;
  /** Monotonic ns when the current wait ends, if waiting. */
  waitEndsAt?: bigint;
}

export interface ExecuteOptions {
  clock: Clock;
  onProgress?(p: Progress): void;
  signal?: AbortSignal;
  /** How often windows are re-examined (default 200 ms). */
  pollMs?: number;
  /** How often the DUT's SA status is polled from bring-up on, which bounds the precision of SA-gone times (default 250 ms). */
  statusPollMs?: number;
  /** 'wire': the target cannot read the DUT's status; SA-gone expectations without a Delete are settled by a wire probe. */
  saStatus?: 'dut' | 'wire';
}

const NS_PER_S = 1e9;
/** How long the wire probe waits for the DUT's ACK: a live IKE stack answers R-U-THERE in milliseconds. */
const WIRE_PROBE_TIMEOUT_MS = 3000;
const toNs = (s: number): bigint => BigInt(Math.round(s * NS_PER_S));

class Aborted extends HarnessError {
  constructor() {
    super('ERR_SCENARIO_ABORTED', 'interrupted');
  }
}

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Aborted());
    const onAbort = (): void => {
      timer.cancel();
      reject(new Aborted());
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A target call that gives way to Ctrl-C (a bring-up can wait 30 s); teardown then cleans up after it. */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const onAbort = (): void => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'bring-up': return `bring up SA (${step.initiator} initiates, peer ${step.peerIndex})`;
    case 'behave': return `behave: ${step.label}`;
    case 'wait': return `wait ${step.seconds} s`;
    case 'expect-message': return `expect ${step.present ? '' : 'no '}${step.message}`;
    case 'expect-probes': return `expect ${step.count} R-U-THERE, ${step.spacing} s apart`;
    case 'expect-seq': return `expect sequence numbers ${step.relation}`;
    case 'expect-sa-gone': return step.gone ? 'expect SA gone from DUT status' : 'expect SA kept in DUT status';
    case 'expect-initiate': return `expect DUT to initiate to peer ${step.peerIndex}`;
    case 'expect-icmp': return 'expect ICMP errors for every dropped datagram';
    case 'expect-esp': return 'expect ESP counts';
    case 'expect-nat-t': return `expect IKE over the NAT-T port${step.minKeepalives > 0 ? ` and ${step.minKeepalives}+ NAT-keepalives` : ''}`;
    case 'dpd-at-scale': return `DPD at scale: ${step.sas} SAs, ${step.silent} silent`;
  }
}

export async function executeScenario(scenario: PlannedScenario, target: ScenarioTarget, options: ExecuteOptions): Promise<ScenarioResult> {
  const { clock } = options;
  const pollMs = options.pollMs ?? 200;
  const startedAt = clock.now();
  const startedWallMs = clock.wall();
  const checks: Check[] = [];
  const windows: ExpectedWindow[] = [];
  let phaseStart = startedAt;
  let lastSeries: DatagramEvent[] = [];
  let peerIndex = 0;
  let failure: string | undefined;
  let setupError = false;
  // Until the first SA is up nothing about the DUT's DPD has been asked: a failure then is set-up.
  let settingUp = true;
  let interrupted = false;
  const stallMonitor = LoopStallMonitor.start(clock, (label) => target.mark(label));
  let stalls = { longestMs: 0, marked: 0 };

  // What each present expect_message / expect_initiate matched, so the next one looks past it (checks.ts).
  const consumed = new Set<HarnessEvent>();
  const words = protocolWords(scenario.ikeVersion);
  const ctx = (stepStart: bigint): CheckContext => ({ events: target.events(), stepStart, phaseStart, tolerance: scenario.tolerance, consumed, words });
  const progress = (phase: string, waitEndsAt?: bigint): void => options.onProgress?.({ scenario: scenario.id, phase, ...(waitEndsAt === undefined ? {} : { waitEndsAt }) });

  /** Waits until `deadline(…)` passes or `done()` holds; the deadline may move once its origin is known. */
  const waitFor = async (phase: string, deadline: () => bigint, done: () => boolean | Promise<boolean>): Promise<void> => {
    for (;;) {
      if (await done()) return;
      const end = deadline();
      const now = clock.now();
      if (now >= end) return;
      progress(phase, end);
      await sleep(clock, Math.min(pollMs, Number(end - now) / 1e6), options.signal);
    }
  };

  let saPresent: boolean | undefined;
  const pollSa = async (): Promise<boolean> => {
    const present = await target.dutHasSa(peerIndex);
    if (present !== saPresent) target.mark(present ? SA_PRESENT_MARK : SA_GONE_MARK);
    saPresent = present;
    return present;
  };
  // The DUT's status is watched continuously from bring-up on, so an SA that vanishes
  // during another step is timed to within statusPollMs, not when an expectation looks.
  let statusTimer: { cancel(): void } | undefined;
  let polling: Promise<unknown> = Promise.resolve();
  let watching = false;
  const watchStatus = (): void => {
    if (!watching) return;
    statusTimer = clock.setTimeout(() => {
      polling = pollSa().catch(() => undefined).finally(watchStatus);
    }, options.statusPollMs ?? 250);
  };

  try {
    // When an expectation is met early, the next step counts from the instant of what was seen,
    // not from when the poll noticed it: chained expectations then measure DUT timing, not polling.
    // A behave step takes no time of its own, so it hands its start on to the step after it.
    let carry: bigint | undefined;
    const carryFrom = (step: Extract<Step, { kind: 'expect-message' | 'expect-initiate' }>, c: CheckContext, check: Check): void => {
      const matched = matchedMessage(step, c, scenario.peerAddresses);
      if (matched) consumed.add(matched);
      if (check.pass) carry = matched?.t;
    };
    /**
     * An expectation counted from the first probe, before the DUT sent one, waits for it as long
     * as the profile's timers allow (scenario.firstProbeWithinS from the phase start); without
     * one the step is that failure, not a window measured from nothing.
     */
    const awaitFirstProbe = async (step: Step, phase: string, stepStart: bigint): Promise<Check | undefined> => {
      const origin = 'timing' in step ? step.timing.origin : 'origin' in step ? step.origin : undefined;
      if (origin !== 'first-probe') return undefined;
      const seen = (): boolean => originTime(origin, ctx(stepStart)) !== undefined;
      await waitFor(`${phase} (waiting for the first probe)`, () => phaseStart + toNs(scenario.firstProbeWithinS), seen);
      return seen() ? undefined : noOrigin(describeStep(step), origin, words, `waited ${scenario.firstProbeWithinS} s from the phase start`);
    };
    for (const [i, { step, where }] of scenario.steps.entries()) {
      const phase = `${i + 1}/${scenario.steps.length} ${describeStep(step)}`;
      const carried = carry;
      const stepStart = carried ?? clock.now();
      carry = undefined;
      target.mark(`step ${phase}`);
      progress(phase);
      // Only a first probe that never came leaves an origin unknown, and that was waited for below.
      const originDeadline = (origin: TimeOrigin, end: number) => (): bigint => {
        const o = originTime(origin, ctx(stepStart));
        return o === undefined ? stepStart : o + toNs(end);
      };
      const stepChecks: Check[] = [];
      /**
       * A timing expectation whose window closed without its event keeps watching up to twice
       * the expected time plus the tolerance (same origin), so the report says when it came —
       * the number to put in the profile — or that it never did within that bound.
       */
      const watchLate = async <S extends Extract<Step, { timing: Timing }>>(s: S, failed: Check, check: (wide: S) => Check, done: (wide: S) => boolean | Promise<boolean>): Promise<Check> => {
        if (failed.pass || failed.observed !== null || originTime(s.timing.origin, ctx(stepStart)) === undefined) return failed;
        const expected = s.timing.kind === 'at' ? s.timing.at : s.timing.to;
        const bound = Math.round((2 * expected + allowance(expected, scenario.tolerance)) * 1000) / 1000;
        const wide = { ...s, timing: { kind: 'window', from: 0, to: bound, origin: s.timing.origin } } as S;
        await waitFor(`${phase} (watching for it late)`, originDeadline(s.timing.origin, bound), () => done(wide));
        const seen = check(wide);
        const note = seen.pass && typeof seen.observed === 'number' ? `outside the window: it came at ${seen.observed} s (watched up to ${bound} s)` : `never within ${bound} s`;
        return { ...failed, ...(seen.pass ? { observed: seen.observed } : {}), detail: [note, failed.detail].filter(Boolean).join('; ') };
      };
      const missing = await awaitFirstProbe(step, phase, stepStart);
      if (missing) stepChecks.push(missing);
      else switch (step.kind) {
        case 'bring-up': {
          peerIndex = step.peerIndex;
          await abortable(target.bringUp({ initiator: step.initiator, peerIndex: step.peerIndex, timeoutMs: step.timeoutS * 1000 }), options.signal);
          settingUp = false;
          saPresent = undefined;
          phaseStart = clock.now();
          statusTimer?.cancel();
          await pollSa();
          watching = true;
          watchStatus();
          break;
        }
        case 'behave':
          if (Object.keys(step.change).length > 0) target.setBehaviour(step.change);
          if (step.natRebind) await abortable(target.rebindNat(), options.signal);
          if (step.dutTraffic !== undefined) await abortable(target.setDutTraffic(step.dutTraffic, step.dutTrafficRate), options.signal);
          if (step.peerTraffic !== undefined) {
            if (!target.setPeerTraffic) throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'this target cannot send ESP from the fake peer');
            await abortable(target.setPeerTraffic(step.peerTraffic), options.signal);
          }
          if (step.sendProbe) await abortable(target.sendProbe(step.sendProbe), options.signal);
          if (step.sendCrafted) await abortable(target.sendCrafted(step.sendCrafted), options.signal);
          // The phase starts with the change: what the probes it sent provoke belongs to it.
          phaseStart = stepStart;
          carry = carried;
          break;
        case 'wait':
          await waitFor(phase, () => stepStart + toNs(step.seconds), () => false);
          break;
        case 'expect-message': {
          const end = originDeadline(step.timing.origin, timingEnd(step.timing, scenario.tolerance));
          await waitFor(phase, end, () => step.present && checkMessage(step, ctx(stepStart), scenario.peerAddresses)[0]!.pass);
          stepChecks.push(...checkMessage(step, ctx(stepStart), scenario.peerAddresses));
          if (step.present) carryFrom(step, ctx(stepStart), stepChecks[0]!);
          if (step.present) {
            const inWide = (wide: typeof step): Check => checkMessage(wide, ctx(stepStart), scenario.peerAddresses)[0]!;
            stepChecks[0] = await watchLate(step, stepChecks[0]!, inWide, (wide) => inWide(wide).pass);
          }
          break;
        }
        case 'expect-probes': {
          await waitFor(phase, originDeadline(step.origin, step.windowS), () => false);
          const series = checkProbes(step, ctx(stepStart));
          lastSeries = series.probes;
          stepChecks.push(...series.checks);
          break;
        }
        case 'expect-seq':
          stepChecks.push(...checkSeq(step, ctx(stepStart), lastSeries));
          break;
        case 'expect-sa-gone': {
          const end = step.gone
            ? originDeadline(step.timing.origin, timingEnd(step.timing, scenario.tolerance))
            : originDeadline(step.timing.origin, step.timing.kind === 'at' ? step.timing.at : step.timing.to);
          await waitFor(phase, end, async () => !(await pollSa()) && step.gone);
          const goneSeen = target.events().some((e) => e.type === 'mark' && e.label === SA_GONE_MARK && e.t >= stepStart);
          if (options.saStatus === 'wire' && !goneSeen && target.wireProbe) {
            const probe = await abortable(target.wireProbe(WIRE_PROBE_TIMEOUT_MS), options.signal);
            stepChecks.push(...checkSaGoneByWireProbe(step, ctx(stepStart), probe));
          } else {
            stepChecks.push(...checkSaGone(step, ctx(stepStart)));
            if (step.gone) {
              const inWide = (wide: typeof step): Check => checkSaGone(wide, ctx(stepStart))[0]!;
              stepChecks[0] = await watchLate(step, stepChecks[0]!, inWide, async (wide) => !(await pollSa()) || inWide(wide).pass);
            }
          }
          break;
        }
        case 'expect-initiate': {
          const end = originDeadline(step.timing.origin, timingEnd(step.timing, scenario.tolerance));
          await waitFor(phase, end, () => checkInitiate(step, ctx(stepStart), scenario.peerAddresses)[0]!.pass);
          stepChecks.push(...checkInitiate(step, ctx(stepStart), scenario.peerAddresses));
          carryFrom(step, ctx(stepStart), stepChecks[0]!);
          {
            const inWide = (wide: typeof step): Check => checkInitiate(wide, ctx(stepStart), scenario.peerAddresses)[0]!;
            stepChecks[0] = await watchLate(step, stepChecks[0]!, inWide, (wide) => inWide(wide).pass);
          }
          break;
        }
        case 'expect-icmp':
          stepChecks.push(...checkIcmp(ctx(stepStart)));
          break;
        case 'expect-nat-t':
          stepChecks.push(...checkNatT(step, ctx(stepStart)));
          break;
        case 'expect-esp':
          stepChecks.push(...checkEsp(step, ctx(stepStart).events));
          break;
        case 'dpd-at-scale':
          stepChecks.push(...(await runAtScale(step, target, {
            clock, tolerance: scenario.tolerance, statusPollMs: options.statusPollMs ?? 250,
            sleep: (ms) => sleep(clock, ms, options.signal), onUp: () => { settingUp = false; }, progress: (detail, end) => progress(`${phase}: ${detail}`, end),
          })));
          break;
      }
      checks.push(...stepChecks.map((c) => (c.pass ? c : { ...c, detail: [c.detail, `step at ${where}`].filter(Boolean).join('; ') })));
      const window = expectedWindow(step, ctx(stepStart), startedAt);
      if (window) windows.push(window);
    }
  } catch (err) {
    // A Ctrl-C from a terminal reaches the whole process group, so a daemon command
    // killed by it fails before the abort is seen: after an abort, any error is the interruption.
    if (err instanceof Aborted || options.signal?.aborted) interrupted = true;
    else {
      failure = errorText(err);
      setupError = isSetupError(err, settingUp);
    }
  } finally {
    stalls = stallMonitor.stop();
    watching = false;
    statusTimer?.cancel();
    await polling;
    try {
      await target.teardown();
    } catch (err) {
      failure ??= `teardown: ${(err as Error).message}`;
    }
  }

  progress('done');
  const failed = checks.filter((c) => !c.pass);
  const verdict = interrupted ? 'interrupted' : setupError ? 'error' : failure !== undefined || failed.length > 0 ? 'failed' : 'passed';
  const found = failure ?? (failed.length > 0 ? failed.map(checkLine).join('\n') : undefined);
  const note = stallNote(stalls);
  const reason = found !== undefined && note !== undefined && !interrupted ? `${found}\n${note}` : found;
  const { status, why } = applyExpectation(verdict, scenario.expectFail, reason);
  const logs = target.daemonLogs?.();
  return {
    id: scenario.id,
    suite: scenario.suite,
    title: scenario.title,
    status,
    ...(why === undefined ? {} : { reason: why }),
    startedAt,
    startedWallMs,
    durationMs: Number(clock.now() - startedAt) / 1e6,
    checks,
    events: [...target.events()],
    ...(windows.length ? { expectedWindows: windows } : {}),
    ...(logs && logs.length ? { daemonLogs: logs } : {}),
  };
}

function applyExpectation(verdict: 'passed' | 'failed' | 'error' | 'interrupted', expectFail: string | undefined, reason: string | undefined): { status: ScenarioStatus; why?: string } {
  if (verdict === 'interrupted') return { status: 'interrupted', why: 'run interrupted before the scenario finished' };
  // A declared deviation is about the DUT's DPD; a scenario that never started says nothing about it.
  if (verdict === 'error') return { status: 'error', ...(reason === undefined ? {} : { why: reason }) };
  if (expectFail === undefined) return { status: verdict, ...(reason === undefined ? {} : { why: reason }) };
  if (verdict === 'failed') return { status: 'expected-fail', why: `known deviation: ${expectFail}${reason ? `\n${reason}` : ''}` };
  return { status: 'unexpected-pass', why: `declared as a known deviation (${expectFail}) but every check passed: update the profile` };
}

/** Where the expectation wanted its message or state, in seconds since the scenario start, for the report's timeline. */
function expectedWindow(step: Step, c: CheckContext, startedAt: bigint): ExpectedWindow | undefined {
  const rel = (origin: TimeOrigin): number | undefined => {
    const o = originTime(origin, c);
    return o === undefined ? undefined : Number(o - startedAt) / NS_PER_S;
  };
  const label = describeStep(step).replace(/^expect /, '');
  if (step.kind === 'expect-probes') {
    const o = rel(step.origin);
    return o === undefined ? undefined : { label, from: o, to: o + step.windowS };
  }
  if (step.kind !== 'expect-message' && step.kind !== 'expect-sa-gone' && step.kind !== 'expect-initiate') return undefined;
  const o = rel(step.timing.origin);
  if (o === undefined) return undefined;
  const t = step.timing;
  if (t.kind === 'at') {
    const tol = allowance(t.at, c.tolerance);
    return { label, from: o + t.at - tol, to: o + t.at + tol };
  }
  return { label, from: o + t.from, to: o + t.to };
}

/** Codes that mean the scenario could not be run against the DUT whenever they come (see docs/errors.md). */
const SETUP_CODES = new Set(['ERR_DUT_REFUSED', 'ERR_CONTROL_COMMAND', 'ERR_CONTROL_PARSE', 'ERR_PEER_SOCKET', 'ERR_TARGET_UNAVAILABLE']);

/**
 * A refusal or a broken control command is set-up whenever it comes; a bring-up that
 * times out is set-up only before the first SA (later, e.g. a DUT that should fail over
 * to this peer and never does, it is the DUT's failure).
 */
function isSetupError(err: unknown, settingUp: boolean): boolean {
  // By code, not class: an error may come through another module instance (a dynamically imported target).
  const code = (err as Partial<HarnessError> | undefined)?.code;
  return code !== undefined && (SETUP_CODES.has(code) || (settingUp && code === 'ERR_PEER_TIMEOUT'));
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as Partial<HarnessError>).code;
  return code ? `${code}: ${err.message}` : err.message;
}
