/**
 * TargetFactory for an external device (a real or virtual router someone else
 * started): a fresh fake peer per scenario on the profile's peer addresses,
 * talking IKEv1 to `target.address` (IKEv2 with `ike.version: 2`).
 *
 * With `target.control.status` the device's own SA list answers "does the DUT
 * still hold an SA with peer N"; `initiate` and `terminate` make it start or
 * drop IKE. Without a status command presence is inferred from the wire (from
 * phase-1 establishment until either side's ISAKMP Delete), and the executor
 * settles a death without Delete with one R-U-THERE (wireProbe).
 */
import { HarnessError } from '../errors.js';
import type { Clock, Endpoint, HarnessEvent, Random } from '../events.js';
import { IkeEngine } from '../ike/index.js';
import { FakePeer } from '../peer/fake-peer.js';
import { KernelReceiveStamps } from '../peer/kernel-receive-stamps.js';
import { systemRandom } from '../peer/system-random.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { DeviceControl } from './control/device-control.js';
import { engineConfigFor, peerBindings, withPeerSockets } from './engine-config.js';
import { Ikev2Engine } from '../ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../peer/ikev2-peer.js';
import { ikev2EngineConfigFor } from './ikev2-engine-config.js';
import { Ikev2PeerScenarioTarget } from './ikev2-peer-target.js';
import { PeerScenarioTarget, type PeerTargetOptions } from './peer-target.js';
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

export async function createExternalTargetFactory(profile: DeviceProfile, clock: Clock, options: { random?: Random } = {}): Promise<TargetFactory> {
  const target = profile.target;
  if (target.kind !== 'external') throw new Error('createExternalTargetFactory needs an external profile');
  const dut: Endpoint = { address: target.address, port: target.port };
  // The device is configured with these addresses as its IKE peers on UDP/500.
  const peerEndpoints = target.peerAddresses.map((address) => ({ address, port: 500 }));
  const random = options.random ?? systemRandom;
  const config = engineConfigFor(profile, random);
  const device = target.control ? new DeviceControl(target.control, dut.address, clock) : undefined;
  const indexOf = (address: string): number => target.peerAddresses.indexOf(address);

  return {
    clock,
    capabilities: targetCapabilities(profile),
    // Every scenario binds all peer addresses: one at a time.
    maxJobs: 1,
    dataPlane: 'n/a',
    ...(target.control?.status ? { statusPollMs: target.control.status.intervalS * 1000 } : {}),
    async open(): Promise<ScenarioTarget> {
      const openedAt = clock.now();
      const peer = profile.ike.version === 2
        ? await Ikev2Peer.start({ bind: withPeerSockets(profile, peerEndpoints), clock, engine: new Ikev2Engine(ikev2EngineConfigFor(profile, random)), holdsLiveness: true })
        : await FakePeer.start({ bind: peerBindings(profile, peerEndpoints), clock, createEngine: (hooks) => new IkeEngine(config, hooks), openReceiveStamps: () => KernelReceiveStamps.open({ clock, addresses: peerEndpoints.map((e) => e.address) }) });
      // Which local address each IKE SA (by initiator cookie) runs on.
      const saAddress = new Map<string, string>();
      const forget = peer.log.on((e) => {
        if (e.type === 'datagram' && e.sa && e.remote.address === dut.address) saAddress.set(e.sa.slice(0, 16), e.local.address);
      });
      const common = {
        clock,
        openedAt,
        dut,
        peerEndpoints,
        control: {
          async hasSa(peerAddress) {
            if (device && target.control?.status) return device.hasSa(peerAddress, indexOf(peerAddress));
            return saPresentOnWire(peer.log.events, dut, peerAddress, saAddress);
          },
          ...(device && target.control?.initiate
            ? { initiate: (peerIndex: number) => device.initiate(target.peerAddresses[peerIndex]!, peerIndex) }
            : {}),
        },
        release: async () => {
          forget();
          await peer.close();
          // The next scenario starts from a device without SAs with us: a dead one may linger there.
          const failures: string[] = [];
          if (device) for (const [i, address] of target.peerAddresses.entries()) await device.terminate(address, i).catch((err: Error) => failures.push(err.message));
          if (failures.length > 0) throw new HarnessError('ERR_CONTROL_COMMAND', failures.join('; '));
        },
      } satisfies Omit<PeerTargetOptions, 'peer' | 'random'>;
      return peer instanceof Ikev2Peer ? new Ikev2PeerScenarioTarget({ ...common, peer }) : new PeerScenarioTarget({ ...common, peer, random });
    },
    async close() {
      // Nothing of ours outlives the scenarios: the device is someone else's.
    },
  };
}
