/**
 * TargetFactory for an external device (a real or virtual router someone else
 * started): a fresh fake peer per scenario on the profile's peer addresses,
 * talking IKEv1 to `target.address`.
 *
 * Nothing here can read the device's own status, so "does the DUT still hold
 * an SA with peer N" is inferred from the wire: an SA counts as present from
 * phase-1 establishment until either side's ISAKMP Delete. A device that
 * declares the peer dead without sending Delete therefore looks as if it kept
 * the SA; its profile says `delete_on_dead: false`, and the report shows the
 * inference in the check's detail (see docs/profiles.md, target.kind external).
 */
import type { Clock, Endpoint, HarnessEvent } from '../events.js';
import { IkeEngine } from '../ike/index.js';
import { FakePeer } from '../peer/fake-peer.js';
import { systemRandom } from '../peer/system-random.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { engineConfigFor } from './engine-config.js';
import { PeerScenarioTarget } from './peer-target.js';
import { targetCapabilities } from './capabilities.js';
import type { ScenarioTarget, TargetFactory } from './target.js';

/** The last phase-1 state the fake peer saw for each remote…local pairing decides presence. */
export function saPresentOnWire(events: readonly HarnessEvent[], dut: Endpoint, peerAddress: string, sas: ReadonlyMap<string, string>): boolean {
  let present = false;
  for (const e of events) {
    if (e.type !== 'sa-state' || e.phase !== 1 || e.remote.address !== dut.address) continue;
    if (sas.get(e.sa.slice(0, 16)) !== peerAddress) continue;
    if (e.state === 'established') present = true;
    else if (e.state === 'deleted' || e.state === 'failed' || e.state === 'expired') present = false;
  }
  return present;
}

export async function createExternalTargetFactory(profile: DeviceProfile, clock: Clock): Promise<TargetFactory> {
  const target = profile.target;
  if (target.kind !== 'external') throw new Error('createExternalTargetFactory needs an external profile');
  const dut: Endpoint = { address: target.address, port: target.port };
  // The device is configured with these addresses as its IKE peers on UDP/500.
  const peerEndpoints = target.peerAddresses.map((address) => ({ address, port: 500 }));
  const config = engineConfigFor(profile, systemRandom);

  return {
    clock,
    capabilities: targetCapabilities(profile),
    // Every scenario binds all peer addresses: one at a time.
    maxJobs: 1,
    dataPlane: 'n/a',
    async open(): Promise<ScenarioTarget> {
      const peer = await FakePeer.start({ bind: peerEndpoints, clock, createEngine: (hooks) => new IkeEngine(config, hooks) });
      // Which local address each IKE SA (by initiator cookie) runs on.
      const saAddress = new Map<string, string>();
      const forget = peer.log.on((e) => {
        if (e.type === 'datagram' && e.sa && e.remote.address === dut.address) saAddress.set(e.sa.slice(0, 16), e.local.address);
      });
      return new PeerScenarioTarget({
        peer,
        clock,
        dut,
        peerEndpoints,
        control: {
          async hasSa(peerAddress) {
            return saPresentOnWire(peer.log.events, dut, peerAddress, saAddress);
          },
        },
        release: async () => {
          forget();
          await peer.close();
        },
      });
    },
    async close() {
      // Nothing of ours outlives the scenarios: the device is someone else's.
    },
  };
}
