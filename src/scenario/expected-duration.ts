/**
 * How long a planned scenario should take, from its steps alone, so shards can
 * be balanced before anything ran. An estimate, not a bound: an expectation
 * that is met early ends early, and bring-up takes what the DUT takes.
 */
import type { PlannedScenario, Timing } from './plan.js';

/** A bring-up against a DUT that answers: Main Mode and Quick Mode on a LAN, well under its timeout. */
const BRING_UP_S = 1;

/** Where an expectation stops waiting, from its origin: at the expected instant, or when the window closes. */
const timingEnd = (t: Timing): number => (t.kind === 'at' ? t.at : t.to);

export interface DurationContext {
  /** Seconds from a behaviour change to the DUT's first probe: at most the profile's dpd.interval. */
  firstProbeS: number;
}

/** Seconds; 0 for a scenario the plan already skips. */
export function expectedDurationS(s: PlannedScenario, context: DurationContext): number {
  if (s.skip !== undefined) return 0;
  let now = 0;
  let phase = 0;
  const until = (origin: Timing['origin'], offset: number): void => {
    const from = origin === 'step' ? now : origin === 'phase' ? phase : phase + context.firstProbeS;
    now = Math.max(now, from + offset);
  };
  for (const { step } of s.steps) {
    switch (step.kind) {
      case 'bring-up':
        now += Math.min(BRING_UP_S, step.timeoutS);
        phase = now;
        break;
      case 'behave':
        phase = now;
        break;
      case 'wait':
        now += step.seconds;
        break;
      case 'expect-message':
      case 'expect-sa-gone':
      case 'expect-initiate':
        until(step.timing.origin, timingEnd(step.timing));
        break;
      case 'expect-probes':
        until(step.origin, step.windowS);
        break;
      case 'expect-seq':
      case 'expect-icmp':
      case 'expect-nat-t':
        break;
    }
  }
  return now;
}
