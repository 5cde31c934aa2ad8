/**
 * TargetFactory for the embedded reference DUT (profile `target.kind: reference`):
 * each scenario gets its own fake peer on the profile's loopback addresses and its
 * own reference DUT on 127.0.0.1, both on ephemeral ports, so scenarios run
 * concurrently without root. `ike.version: 2` pairs the IKEv2 fake peer with the
 * IKEv2 reference DUT (reference-ikev2-target.ts); otherwise both speak IKEv1.
 * Registered in src/target/target-registry.ts.
 */
import type { Clock, Endpoint, Random } from '../events.js';
import { IkeEngine } from '../ike/index.js';
import { FakePeer } from '../peer/fake-peer.js';
import { systemRandom } from '../peer/system-random.js';
import { peerAddresses, type DeviceProfile } from '../profile/device-profile.js';
import { engineConfigFor, innerAddresses, peerBindings, withPeerSockets } from './engine-config.js';
import type { NatTraversalConfig } from '../ike/index.js';
import { PeerScenarioTarget } from './peer-target.js';
import { targetCapabilities } from './capabilities.js';
import type { ScenarioTarget, TargetFactory } from './target.js';
import { ReferenceDut } from '../dut/reference-dut.js';
import { referenceDutSettings } from '../dut/reference-dut-settings.js';
import { REFERENCE_DUT_ADDRESS, referenceDutControl } from './reference-dut-control.js';
import { referenceIkev2Opener } from './reference-ikev2-target.js';

/** Scenarios at once: each holds two sockets and a few timers, so the bound is the machine's patience, not the DUT. */
const MAX_JOBS = 8;

export async function createReferenceTargetFactory(profile: DeviceProfile, clock: Clock, options: { random?: Random } = {}): Promise<TargetFactory> {
  const random = options.random ?? systemRandom;
  const open = profile.ike.version === 2 ? referenceIkev2Opener(profile, clock, random) : ikev1Opener(profile, clock, random);
  return {
    clock,
    capabilities: targetCapabilities(profile),
    maxJobs: MAX_JOBS,
    dataPlane: 'emulated',
    open,
    async close() {},
  };
}

/** The DUT's settings are read before any scenario opens, so a bad `dut:` block fails the run at once. */
function ikev1Opener(profile: DeviceProfile, clock: Clock, random: Random): () => Promise<ScenarioTarget> {
  const settings = referenceDutSettings(profile);
  const addresses = peerAddresses(profile);
  return async function open(): Promise<ScenarioTarget> {
    // The DUT's NAT-T port is known only once it is bound, after the peer's.
    let dutNatTPort = 0;
    const openedAt = clock.now();
    const peer = await FakePeer.start({
      bind: peerBindings(profile, addresses.map((address) => ({ address, port: 0 })), 0),
      clock,
      createEngine: (hooks, bound) => new IkeEngine(engineConfigFor(profile, random, natTPorts(bound, () => dutNatTPort)), hooks),
    });
    const peerEndpoints: Endpoint[] = peer.endpoints.slice(0, addresses.length);
    const peerNatTEndpoints: Endpoint[] = peer.endpoints.slice(addresses.length);
    let opened: Awaited<ReturnType<typeof ReferenceDut.open>>;
    try {
      opened = await ReferenceDut.open({
        clock,
        random,
        local: { address: REFERENCE_DUT_ADDRESS, port: 0 },
        peerEndpoints,
        peerNatTEndpoints,
        ...(profile.natT ? { natT: { keepalivesCountAsLiveness: profile.natT.keepalivesCountAsLiveness } } : {}),
        peerOrder: settings.peerOrder,
        keepalive: settings.keepalive,
        onDead: settings.onDead,
        faults: settings.faults,
        // The DUT role: same engine, its own Random; it answers R-U-THERE only when the Cisco policy says so.
        createEngine: (hooks, natTPort) =>
          new IkeEngine({ ...engineConfigFor(profile, random, { localPort: natTPort ?? 0, remotePort: (remote) => peerNatTEndpoints.find((e) => e.address === remote.address)?.port ?? 0 }), autoAnswerDpd: false, respond: true }, hooks),
      });
    } catch (err) {
      await peer.close();
      throw err;
    }
    const { dut } = opened;
    dutNatTPort = dut.natTPort ?? 0;
    return new PeerScenarioTarget({
      peer,
      clock,
      openedAt,
      random,
      dut: dut.localEndpoint,
      peerEndpoints,
      innerAddresses: innerAddresses(profile, peerEndpoints[0]!.address, REFERENCE_DUT_ADDRESS),
      control: referenceDutControl(dut),
      // Many SAs come from ports of the first peer address: outside the crypto map's endpoints, each gets its own keepalive.
      scalePeer: async (count) => {
        const many = await FakePeer.start({
          bind: withPeerSockets(profile, Array.from({ length: count }, () => ({ address: addresses[0]!, port: 0 }))),
          clock,
          log: peer.log,
          createEngine: (hooks) => new IkeEngine(engineConfigFor(profile, random), hooks),
        });
        return { peer: many, endpoints: many.endpoints, listedAs: (e) => `${e.address}:${e.port}`, close: () => many.close() };
      },
      release: async () => {
        await opened.close();
        await peer.close();
      },
    });
  };
}

/** The fake peer's NAT-T ports on loopback: its own ephemeral one, and the DUT's once bound. */
function natTPorts(bound: { port: number; natT?: boolean }[], dutPort: () => number): NatTraversalConfig {
  return { localPort: bound.find((b) => b.natT)?.port ?? 0, remotePort: () => dutPort() };
}
