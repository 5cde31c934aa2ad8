/**
 * The typed plan a suite compiles to against one profile: every expression
 * already evaluated to seconds or counts, every peer named by address index,
 * so executing it needs no YAML and no profile arithmetic.
 */
import type { Behaviour, SeqTransform } from '../peer/behaviour.js';
import type { MessageKind } from '../events.js';
import type { Tolerance } from '../profile/device-profile.js';
import type { CraftKind, ProbeSeq } from '../target/target.js';

export type { CraftKind, ProbeSeq };

/** The instant a window or expected time counts from. */
export type TimeOrigin = 'step' | 'phase' | 'first-probe';

/** Expected time: exactly `at` ± tolerance, or anywhere in [from, to]. Seconds from `origin`. */
export type Timing = { kind: 'at'; at: number; origin: TimeOrigin } | { kind: 'window'; from: number; to: number; origin: TimeOrigin };

export type Step =
  | { kind: 'bring-up'; initiator: 'peer' | 'dut'; peerIndex: number; timeoutS: number }
  | { kind: 'behave'; change: Partial<Behaviour>; natRebind?: boolean; sendProbe?: ProbeSeq; sendCrafted?: CraftKind; dutTraffic?: boolean; dutTrafficRate?: number; peerTraffic?: number; label: string }
  | { kind: 'wait'; seconds: number }
  | { kind: 'expect-message'; message: MessageKind; direction: 'in' | 'out'; present: boolean; timing: Timing; peerIndex?: number }
  | { kind: 'expect-probes'; count: number; spacing: number; firstAt?: number; origin: TimeOrigin; windowS: number }
  | { kind: 'expect-seq'; relation: 'same' | 'increment' | 'echo' }
  | { kind: 'expect-sa-gone'; gone: boolean; timing: Timing }
  | { kind: 'expect-initiate'; peerIndex: number; timing: Timing }
  | { kind: 'expect-icmp' }
  | { kind: 'expect-nat-t'; minKeepalives: number }
  | { kind: 'expect-esp'; minSent: number; minReceived: number; minReplies: number; minRequests: number }
  | ScaleStep;

/**
 * `sas` SAs at once, `silent` of them made silent: the DUT's interval on the others and retries
 * and dead time on the silent ones, against the expected values (seconds, counts).
 */
export interface ScaleStep {
  kind: 'dpd-at-scale';
  sas: number;
  silent: number;
  interval: number;
  retryInterval: number;
  probesBeforeDead: number;
  deadAt: number;
  windowS: number;
  timeoutS: number;
}

export interface PlannedStep {
  step: Step;
  /** `file:line` of the step in its suite, for failure messages. */
  where: string;
}

export interface PlannedScenario {
  /** `<suite>/<scenario id>`: unique in a run, what expect_fail patterns match. */
  id: string;
  suite: string;
  title: string;
  steps: PlannedStep[];
  /** Set when the profile cannot run it: the scenario is reported skipped. */
  skip?: string;
  /** Set when the profile declares it a known deviation. */
  expectFail?: string;
  tolerance: Tolerance;
  /** The fake peer's addresses; steps name them by index. */
  peerAddresses: string[];
  /** Seconds from a phase's start by which the DUT's first probe must have come (compile-suite.ts: from the profile's interval). */
  firstProbeWithinS: number;
  /** The profile's IKE version: which protocol's words the checks use. */
  ikeVersion: 1 | 2;
}

export interface PlannedSuite {
  name: string;
  file: string;
  description?: string;
  scenarios: PlannedScenario[];
}

export type { SeqTransform };
