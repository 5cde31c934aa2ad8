/**
 * The judgement of a dpd_at_scale step, pure: what each of many SAs saw
 * (its R-U-THEREs, when the DUT's status stopped listing it) in, Checks with
 * expected and observed numbers out, in aggregate (mean, p50, p99, jitter)
 * and per SA (the ones outside the tolerance are named). Times in seconds.
 */
import type { Tolerance } from '../profile/device-profile.js';
import type { Check } from '../report/result-model.js';
import { allowance } from './checks.js';
import type { ScaleStep } from './plan.js';

export interface ScaleObservation {
  /** Fake-peer endpoint the SA runs from (`address:port`): how the report names it. */
  local: string;
  silent: boolean;
  /** Monotonic ns of the DUT's R-U-THEREs on this SA (answered SAs: since bring-up; silent ones: since the silence). */
  probes: bigint[];
  /** Monotonic ns of the fake peer's R-U-THERE-ACKs on this SA (answered SAs). */
  answers?: bigint[];
  /** Monotonic ns of the first status poll that no longer listed the SA; undefined while it is listed. */
  goneAt?: bigint;
}

export interface ScaleJudgement {
  checks: Check[];
  /** One line per SA, for the scenario's timeline. */
  perSa: string[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const gaps = (ts: readonly bigint[]): number[] => ts.slice(1).map((t, i) => Number(t - ts[i]!) / 1e9);

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const stddev = (values: readonly number[]): number => {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
};

/** Mean, p50 and p99 of `values` each against `expected` ± tolerance, and their spread (jitter) against the same tolerance. */
function distributionChecks(what: string, values: readonly number[], expected: number, tolerance: Tolerance, population: string): Check[] {
  const tol = allowance(expected, tolerance);
  if (values.length === 0) return [{ name: `${what}`, expected, observed: null, tolerance: tol, unit: 's', pass: false, detail: `no ${population} to measure` }];
  const stat = (name: string, observed: number): Check => ({
    name: `${what} ${name}`, expected, observed: round(observed), tolerance: tol, unit: 's', pass: Math.abs(observed - expected) <= tol + 1e-9, detail: `over ${values.length} ${population}`,
  });
  const jitter = stddev(values);
  return [
    stat('mean', mean(values)),
    stat('p50', percentile(values, 50)),
    stat('p99', percentile(values, 99)),
    {
      name: `${what} jitter (standard deviation)`, expected: `≤ ${tol}`, observed: round(jitter), unit: 's', pass: jitter <= tol + 1e-9,
      detail: `min ${round(Math.min(...values))} s, max ${round(Math.max(...values))} s over ${values.length} ${population}`,
    },
  ];
}

/**
 * Per answered probe, how long the fake peer took to ACK it and how long after that ACK the DUT's
 * next probe came. charon and pluto time their next R-U-THERE from the last message they received
 * (docs/daemons.md), so a late ACK stretches the probe-to-probe interval by its own lateness: these
 * two numbers tell the DUT's timer from the harness's.
 */
function answerTimes(o: ScaleObservation): { latencies: number[]; fromAnswer: number[] } {
  const latencies: number[] = [];
  const fromAnswer: number[] = [];
  const answers = o.answers ?? [];
  let a = 0;
  o.probes.forEach((probe, i) => {
    while (a < answers.length && answers[a]! < probe) a++;
    const next = o.probes[i + 1];
    const ack = answers[a];
    if (ack === undefined || (next !== undefined && ack >= next)) return;
    latencies.push(Number(ack - probe) / 1e9);
    if (next !== undefined) fromAnswer.push(Number(next - ack) / 1e9);
  });
  return { latencies, fromAnswer };
}

function answerChecks(step: ScaleStep, latencies: readonly number[], fromAnswer: readonly number[], intervalTol: number): Check[] {
  if (latencies.length === 0) return [{ name: 'harness answer latency p99', expected: `≤ ${intervalTol}`, observed: null, unit: 's', pass: false, detail: 'no R-U-THERE was answered' }];
  const p99 = percentile(latencies, 99);
  const checks: Check[] = [{
    // Beyond the interval's own tolerance, the harness alone could push a DUT that times from the last inbound out of it.
    name: 'harness answer latency p99', expected: `≤ ${intervalTol}`, observed: round(p99), unit: 's', pass: p99 <= intervalTol + 1e-9,
    detail: `p50 ${round(percentile(latencies, 50))} s, max ${round(Math.max(...latencies))} s over ${latencies.length} answered R-U-THEREs (kernel receive stamp to send)`,
  }];
  if (fromAnswer.length === 0) return checks;
  const p99From = percentile(fromAnswer, 99);
  checks.push({
    name: 'probe interval from our answer p99', expected: step.interval, observed: round(p99From), tolerance: intervalTol, unit: 's',
    pass: Math.abs(p99From - step.interval) <= intervalTol + 1e-9,
    detail: `p50 ${round(percentile(fromAnswer, 50))} s over ${fromAnswer.length} intervals from an ACK to the next R-U-THERE`,
  });
  return checks;
}

/** At most this many offending SAs are named in a check's detail; the per-SA lines name them all. */
const NAMED = 5;
const named = (labels: string[]): string => (labels.length > NAMED ? `${labels.slice(0, NAMED).join(', ')} and ${labels.length - NAMED} more` : labels.join(', '));

export function judgeScale(step: ScaleStep, up: number, observations: readonly ScaleObservation[], tolerance: Tolerance): ScaleJudgement {
  const checks: Check[] = [{ name: 'SAs up at once', expected: step.sas, observed: up, unit: 'SAs', pass: up === step.sas }];
  const perSa: string[] = [];
  const intervalTol = allowance(step.interval, tolerance);
  const answered = observations.filter((o) => !o.silent);
  const silent = observations.filter((o) => o.silent);

  const intervals: number[] = [];
  const offIntervals: string[] = [];
  const latencies: number[] = [];
  const fromAnswer: number[] = [];
  for (const o of answered) {
    const g = gaps(o.probes);
    intervals.push(...g);
    const answers = answerTimes(o);
    latencies.push(...answers.latencies);
    fromAnswer.push(...answers.fromAnswer);
    const off = g.filter((x) => Math.abs(x - step.interval) > intervalTol + 1e-9);
    if (off.length > 0 || o.probes.length === 0) offIntervals.push(`${o.local} (${o.probes.length === 0 ? 'never probed' : off.map(round).join(', ') + ' s'})`);
    perSa.push(`scale ${o.local} answered: ${o.probes.length} R-U-THERE, intervals [${g.map(round).join(', ')}] s${o.goneAt === undefined ? '' : ', GONE from the DUT status'}`);
  }
  checks.push(...distributionChecks('probe interval', intervals, step.interval, tolerance, 'intervals on answered SAs'));
  if (answered.some((o) => o.answers !== undefined)) checks.push(...answerChecks(step, latencies, fromAnswer, intervalTol));
  checks.push({
    name: 'answered SAs probed with every interval in tolerance', expected: answered.length, observed: answered.length - offIntervals.length, unit: 'SAs',
    pass: offIntervals.length === 0 && answered.length > 0, ...(offIntervals.length ? { detail: `outside ${step.interval} ± ${intervalTol} s: ${named(offIntervals)}` } : {}),
  });
  const dropped = answered.filter((o) => o.goneAt !== undefined).map((o) => o.local);
  checks.push({
    name: 'answered SAs still listed by the DUT', expected: answered.length, observed: answered.length - dropped.length, unit: 'SAs',
    pass: dropped.length === 0, ...(dropped.length ? { detail: `dropped although answering: ${named(dropped)}` } : {}),
  });
  if (silent.length === 0) return { checks, perSa };

  const retries: number[] = [];
  const retryGaps: number[] = [];
  const deadTimes: number[] = [];
  const wrongCount: string[] = [];
  const alive: string[] = [];
  for (const o of silent) {
    // Retries are the probes before the DUT gave up: before its removal, and before the expected dead instant
    // less half a retry — a probe sent at the dead instant itself (charon sends one in the same millisecond as
    // its "DPD check timed out", docs/daemons.md) is no retry; a DUT that dies late fails on its dead time.
    const first = o.probes[0];
    const cutoff = first === undefined ? 0n : first + BigInt(Math.round((step.deadAt - step.retryInterval / 2) * 1e9));
    const before = o.probes.filter((t) => (o.goneAt === undefined || t <= o.goneAt) && t < cutoff);
    const atDeath = o.probes.filter((t) => (o.goneAt === undefined || t <= o.goneAt) && t >= cutoff).length;
    retries.push(before.length);
    retryGaps.push(...gaps(before));
    if (before.length !== step.probesBeforeDead) wrongCount.push(`${o.local} (${before.length})`);
    const dead = o.goneAt !== undefined && before.length > 0 ? Number(o.goneAt - before[0]!) / 1e9 : undefined;
    if (o.goneAt === undefined) alive.push(o.local);
    if (dead !== undefined) deadTimes.push(dead);
    const fate = o.goneAt === undefined ? 'still listed by the DUT' : dead === undefined ? 'removed without a probe' : `dead ${round(dead)} s after the first unanswered R-U-THERE`;
    perSa.push(`scale ${o.local} silent: ${before.length} R-U-THERE, retries [${gaps(before).map(round).join(', ')}] s${atDeath ? `, ${atDeath} more at the dead instant` : ''}, ${fate}`);
  }
  checks.push({
    name: 'R-U-THEREs before dead per silent SA (p50)', expected: step.probesBeforeDead, observed: percentile(retries, 50), unit: 'probes',
    pass: wrongCount.length === 0, detail: `min ${Math.min(...retries)}, max ${Math.max(...retries)} over ${silent.length} silent SAs${wrongCount.length ? `; not ${step.probesBeforeDead}: ${named(wrongCount)}` : ''}`,
  });
  if (step.probesBeforeDead > 1) checks.push(...distributionChecks('retry spacing', retryGaps, step.retryInterval, tolerance, 'retry gaps on silent SAs'));
  checks.push({
    name: 'silent SAs removed from the DUT status', expected: silent.length, observed: silent.length - alive.length, unit: 'SAs',
    pass: alive.length === 0, ...(alive.length ? { detail: `still listed at the end of the window: ${named(alive)}` } : {}),
  });
  checks.push(...distributionChecks('dead time', deadTimes, step.deadAt, tolerance, 'silent SAs declared dead'));
  return { checks, perSa };
}
