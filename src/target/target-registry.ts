/**
 * Which TargetFactory serves which profile target kind. The modules that can
 * drive a DUT (the reference DUT in src/dut, the lab in src/lab, the fake peer
 * against an external device) register here, loaded lazily so a run imports
 * only what its profile needs.
 */
import { HarnessError } from '../errors.js';
import type { Clock, Random } from '../events.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import type { TargetKind } from '../report/result-model.js';
import type { TargetFactory } from './target.js';

/** What the run asks of a target beyond its profile. */
export interface TargetOptions {
  /** Scenarios the run wants at once; a target may give fewer (TargetFactory.maxJobs). */
  jobs?: number;
  /** Cookies, nonces, message IDs and crafted SPIs; the system CSPRNG unless a test gives a seeded one. */
  random?: Random;
}

export type CreateTargetFactory = (profile: DeviceProfile, clock: Clock, options?: TargetOptions) => Promise<TargetFactory>;

export const targetFactories: Partial<Record<TargetKind, () => Promise<CreateTargetFactory>>> = {
  reference: async () => (await import('./reference-target.js')).createReferenceTargetFactory,
  strongswan: async () => (await import('./lab-target.js')).createLabTargetFactory,
  libreswan: async () => (await import('./lab-target.js')).createLabTargetFactory,
  external: async () => (await import('./external-target.js')).createExternalTargetFactory,
};

export async function createTargetFactory(profile: DeviceProfile, clock: Clock, options: TargetOptions = {}): Promise<TargetFactory> {
  const load = targetFactories[profile.target.kind];
  if (!load) {
    throw new HarnessError('ERR_TARGET_UNAVAILABLE', `no implementation is registered for target kind '${profile.target.kind}' (src/target/target-registry.ts); the profile and suites are valid`);
  }
  return (await load())(profile, clock, options);
}
