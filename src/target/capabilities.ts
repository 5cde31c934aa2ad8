/**
 * What a profile's target can do beyond the fake peer, decided from the
 * profile alone so that planning can skip a scenario before any socket opens.
 */
import { parseDaemonConfig } from '../lab/daemon-config.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import type { TargetCapabilities } from './target.js';

/** The reference DUT tells SAs apart by cookies, so its fake peer runs them from ports of one loopback address; the bound is sockets and patience. */
export const REFERENCE_MAX_SAS = 2000;

export function targetCapabilities(profile: DeviceProfile): TargetCapabilities {
  const t = profile.target;
  if (t.kind === 'reference') return { saStatus: 'dut', initiate: true, traffic: true, esp: true, maxSas: REFERENCE_MAX_SAS };
  // A lab DUT tells its peers apart by address (IKEv1 identities are addresses): one SA per fake-peer address.
  // A lab DUT sends traffic by a ping from its inner subnet (src/lab/dut-traffic.ts): it needs both subnets.
  // Its ESP is certain only with strongSwan's own (kernel-libipsec): the kernel's may be emulated,
  // and that is known only once the lab is up (src/lab/data-plane.ts), after planning.
  if (t.kind !== 'external') {
    const esp = parseDaemonConfig(t.lab.dut).dataPlane === 'kernel-libipsec';
    return { saStatus: 'dut', initiate: true, traffic: t.lab.dutSubnets.length > 0 && t.lab.peerSubnets.length > 0, esp, maxSas: t.lab.peerAddresses.length };
  }
  return { saStatus: t.control?.status ? 'dut' : 'wire', initiate: t.control?.initiate !== undefined, traffic: false, esp: true, maxSas: 0 };
}
