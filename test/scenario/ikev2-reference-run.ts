/**
 * Runs planned IKEv2 scenarios against the IKEv2 reference DUT (src/dut/reference-dut-v2.ts)
 * through the same ScenarioTarget a lab run uses (src/target/ikev2-peer-target.ts), on
 * loopback with real time, so a suite's verdict and its fault switches are judged by the
 * executor and checks exactly as `dpd-harness run` judges them. `faults` replaces the
 * profile's dut.faults, so one profile serves the healthy DUT and each mutant.
 */
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import { openReferenceIkev2Dut } from '../../src/dut/reference-dut-v2-settings.js';
import type { HarnessEvent } from '../../src/events.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { peerAddresses, type DeviceProfile } from '../../src/profile/device-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { ikev2EngineConfigFor } from '../../src/target/ikev2-engine-config.js';
import { Ikev2PeerScenarioTarget } from '../../src/target/ikev2-peer-target.js';
import { seededRandom } from '../support/seeded-random.js';

export function withFaults(profile: DeviceProfile, faults: Ikev2DpdFaults): DeviceProfile {
  if (profile.target.kind !== 'reference') throw new Error(`${profile.file} is not a reference-DUT profile`);
  return { ...profile, target: { ...profile.target, dut: { ...profile.target.dut, faults } } };
}

export async function runOnReferenceV2(scenario: PlannedScenario, profile: DeviceProfile): Promise<ScenarioResult & { events: readonly HarnessEvent[] }> {
  const random = seededRandom(scenario.id);
  const config = ikev2EngineConfigFor(profile, random);
  const peer = await Ikev2Peer.start({ bind: peerAddresses(profile).map((address) => ({ address, port: 0 })), clock: systemClock, engine: new Ikev2Engine(config), holdsLiveness: true });
  const { random: _peerRandom, liveness: _l, retransmitMs: _r, respond: _p, ...engine } = config;
  let opened: Awaited<ReturnType<typeof openReferenceIkev2Dut>>;
  try {
    opened = await openReferenceIkev2Dut(profile, {
      clock: systemClock,
      random: seededRandom(`${scenario.id}/dut`),
      peerEndpoints: peer.endpoints,
      engine: { ...engine, trafficSelectors: { local: engine.trafficSelectors.remote, remote: engine.trafficSelectors.local } },
      onEvent: (e) => peer.log.push(e),
    });
  } catch (err) {
    await peer.close();
    throw err;
  }
  const { dut } = opened;
  const target = new Ikev2PeerScenarioTarget({
    peer,
    clock: systemClock,
    dut: dut.localEndpoint,
    peerEndpoints: peer.endpoints,
    control: {
      async hasSa(address) {
        return dut.listSas().some((s) => s.ike.established && s.ike.peer === address);
      },
      async initiate(index) {
        dut.initiate(index);
      },
      async setTraffic(on) {
        dut.setOutboundTraffic(on);
      },
      async listedPeers() {
        return dut.listSas().map((s) => s.ike.peer);
      },
    },
    release: async () => {
      await opened.close();
      await peer.close();
    },
  });
  const result = await executeScenario(scenario, target, { clock: systemClock, pollMs: 50, statusPollMs: 100 });
  return { ...result, events: peer.log.events };
}

/** The failed checks of a result, one line each, for assertion messages. */
export function failedChecks(r: ScenarioResult): string {
  return `${r.status} ${r.reason ?? ''}\n${r.checks.filter((c) => !c.pass).map((c) => `  ${c.name}: expected ${String(c.expected)}, observed ${String(c.observed)} ${c.detail ?? ''}`).join('\n')}`;
}
