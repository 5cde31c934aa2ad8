/**
 * One scenario against the IKEv2 reference DUT (profile `ike.version: 2`, `target.kind:
 * reference`): an IKEv2 fake peer on the profile's loopback addresses and the DUT on
 * 127.0.0.1, both on ephemeral ports, with the same proposals and PSK and the traffic
 * selectors mirrored (the peer's local side is the DUT's remote one). The DUT's marks
 * (peer dead, failover, dropped answers) join the scenario's event stream.
 */
import type { Clock, Random } from '../events.js';
import { Ikev2Engine } from '../ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../peer/ikev2-peer.js';
import { peerAddresses, type DeviceProfile } from '../profile/device-profile.js';
import { openReferenceIkev2Dut, referenceDutV2Settings } from '../dut/reference-dut-v2-settings.js';
import type { Ikev2DutEngineConfig } from '../dut/reference-dut-v2.js';
import { ikev2EngineConfigFor } from './ikev2-engine-config.js';
import { withPeerSockets } from './engine-config.js';
import { Ikev2PeerScenarioTarget } from './ikev2-peer-target.js';
import { REFERENCE_DUT_ADDRESS, referenceDutControl } from './reference-dut-control.js';
import type { ScenarioTarget } from './target.js';

/** The DUT side of the peer's configuration: what the DUT decides itself (liveness, retransmissions) is left out. */
function dutEngineConfig(profile: DeviceProfile, random: Random): Ikev2DutEngineConfig {
  const { random: _peerRandom, liveness: _held, retransmitMs: _peerSchedule, trafficSelectors, ...shared } = ikev2EngineConfigFor(profile, random);
  return { ...shared, trafficSelectors: { local: trafficSelectors.remote, remote: trafficSelectors.local } };
}

/** As for IKEv1, the DUT's settings are checked before any scenario opens. */
export function referenceIkev2Opener(profile: DeviceProfile, clock: Clock, random: Random): () => Promise<ScenarioTarget> {
  referenceDutV2Settings(profile);
  return () => openScenario(profile, clock, random);
}

async function openScenario(profile: DeviceProfile, clock: Clock, random: Random): Promise<ScenarioTarget> {
  const openedAt = clock.now();
  const peer = await Ikev2Peer.start({
    bind: withPeerSockets(profile, peerAddresses(profile).map((address) => ({ address, port: 0 }))),
    clock,
    engine: new Ikev2Engine(ikev2EngineConfigFor(profile, random)),
    holdsLiveness: true,
  });
  const peerEndpoints = peer.endpoints;
  let opened: Awaited<ReturnType<typeof openReferenceIkev2Dut>>;
  try {
    opened = await openReferenceIkev2Dut(profile, {
      clock,
      random,
      peerEndpoints,
      engine: dutEngineConfig(profile, random),
      local: { address: REFERENCE_DUT_ADDRESS, port: 0 },
      onEvent: (e) => peer.log.push(e),
    });
  } catch (err) {
    await peer.close();
    throw err;
  }
  const { dut } = opened;
  return new Ikev2PeerScenarioTarget({
    peer,
    clock,
    openedAt,
    dut: dut.localEndpoint,
    peerEndpoints,
    control: referenceDutControl(dut),
    release: async () => {
      await opened.close();
      await peer.close();
    },
  });
}
