/**
 * Runs a dpd_at_scale step: many SAs up at once against one DUT, an evenly
 * spread subset made silent, the DUT's status polled for all of them while
 * the window runs, then the pure judgement (scale-checks.ts) over the event
 * stream. One step, because its question — does the DUT keep its timers with
 * N SAs? — is about all of them together, not about one SA's sequence.
 */
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, HarnessEvent } from '../events.js';
import { saKey } from '../peer/fake-peer.js';
import type { Tolerance } from '../profile/device-profile.js';
import type { Check } from '../report/result-model.js';
import type { ScaleSa, ScenarioTarget } from '../target/target.js';
import type { ScaleStep } from './plan.js';
import { judgeScale, type ScaleObservation } from './scale-checks.js';

export interface ScaleRunOptions {
  clock: Clock;
  tolerance: Tolerance;
  statusPollMs: number;
  /** Sleeps on the scenario's clock, giving way to Ctrl-C. */
  sleep(ms: number): Promise<void>;
  /** Called once every SA is up: failures after it are about the DUT's DPD, not set-up. */
  onUp(): void;
  progress(detail: string, waitEndsAt?: bigint): void;
}

/** `silent` positions spread evenly over `count` SAs (the middle of each of `silent` equal slices). */
export function silentPositions(count: number, silent: number): Set<number> {
  return new Set(Array.from({ length: silent }, (_, j) => Math.floor(((j + 0.5) * count) / silent)));
}

/** The DUT's R-U-THEREs (in) and the fake peer's ACKs (out) since `since`, per SA (saKey). */
function dpdTimesBySa(events: readonly HarnessEvent[], since: bigint): Map<string, { probes: bigint[]; answers: bigint[] }> {
  const bySa = new Map<string, { probes: bigint[]; answers: bigint[] }>();
  for (const e of events) {
    if (e.type !== 'datagram' || e.t < since || e.sa === undefined || e.rejected !== undefined) continue;
    const kind = e.summary?.kind;
    const probe = kind === 'r-u-there' && e.direction === 'in';
    if (!probe && !(kind === 'r-u-there-ack' && e.direction === 'out')) continue;
    const key = saKey(e.sa);
    let times = bySa.get(key);
    if (!times) bySa.set(key, (times = { probes: [], answers: [] }));
    (probe ? times.probes : times.answers).push(e.t);
  }
  return bySa;
}

export async function runAtScale(step: ScaleStep, target: ScenarioTarget, o: ScaleRunOptions): Promise<Check[]> {
  if (!target.bringUpMany || !target.setSaBehaviour || !target.dutListsSas) {
    throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'this target cannot hold many SAs at once (dpd_at_scale)');
  }
  const { clock } = o;
  const started = clock.now();
  o.progress(`bringing up ${step.sas} SAs`);
  const sas: ScaleSa[] = await target.bringUpMany(step.sas, step.timeoutS * 1000);
  o.onUp();
  const quiet = silentPositions(sas.length, step.silent);
  for (const i of quiet) target.setSaBehaviour(sas[i]!.sa, { silence: 'both' });
  const silencedAt = clock.now();
  target.mark(`dpd_at_scale: ${sas.length} SAs up in ${(Number(silencedAt - started) / 1e9).toFixed(1)} s, ${quiet.size} made silent`);

  const goneAt: (bigint | undefined)[] = sas.map(() => undefined);
  const end = silencedAt + BigInt(Math.round(step.windowS * 1e9));
  for (;;) {
    const listed = await target.dutListsSas(sas);
    const now = clock.now();
    listed.forEach((present, i) => {
      if (!present && goneAt[i] === undefined) goneAt[i] = now;
    });
    if (now >= end) break;
    o.progress(`${listed.filter(Boolean).length} of ${sas.length} SAs listed by the DUT`, end);
    await o.sleep(Math.min(o.statusPollMs, Number(end - now) / 1e6));
  }

  const events = target.events();
  const bySa = dpdTimesBySa(events, started);
  const observations: ScaleObservation[] = sas.map((s, i) => {
    const times = bySa.get(saKey(s.sa));
    const probes = times?.probes ?? [];
    return {
      local: s.local,
      silent: quiet.has(i),
      // A silent SA is judged from the silence on.
      ...(quiet.has(i) ? { probes: probes.filter((t) => t >= silencedAt) } : { probes, answers: times?.answers ?? [] }),
      ...(goneAt[i] === undefined ? {} : { goneAt: goneAt[i] }),
    };
  });
  const { checks, perSa } = judgeScale(step, sas.length, observations, o.tolerance);
  for (const line of perSa) target.mark(line);
  return checks;
}
