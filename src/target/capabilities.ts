/**
 * What a profile's target can do beyond the fake peer, decided from the
 * profile alone so that planning can skip a scenario before any socket opens.
 */
import type { DeviceProfile } from '../profile/device-profile.js';
import type { TargetCapabilities } from './target.js';

export function targetCapabilities(profile: DeviceProfile): TargetCapabilities {
  const t = profile.target;
  if (t.kind !== 'external') return { saStatus: 'dut', initiate: true, traffic: t.kind === 'reference' };
  return { saStatus: t.control?.status ? 'dut' : 'wire', initiate: t.control?.initiate !== undefined, traffic: false };
}
