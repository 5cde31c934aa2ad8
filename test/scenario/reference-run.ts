/**
 * Runs planned scenarios against the reference DUT (either IKE version) through the reference target
 * (src/target/reference-target.ts), as `dpd-harness run` does, so a suite's verdict and its fault
 * switches are judged by the executor and checks. `withFaults` replaces the profile's dut.faults,
 * so one profile serves the healthy DUT and each mutant.
 */
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import { systemClock } from '../../src/peer/system-clock.js';
import type { DeviceProfile } from '../../src/profile/device-profile.js';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { executeScenario } from '../../src/scenario/execute-scenario.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';

export function withFaults(profile: DeviceProfile, faults: Ikev2DpdFaults): DeviceProfile {
  if (profile.target.kind !== 'reference') throw new Error(`${profile.file} is not a reference-DUT profile`);
  return { ...profile, target: { ...profile.target, dut: { ...profile.target.dut, faults } } };
}

/** One shipped scenario (`<suite>/<id>`) planned against the profile file; throws when the profile skips it. */
export function loadShippedScenario(id: string, profileFile: string): { scenario: PlannedScenario; profile: DeviceProfile } {
  const { profile, suites } = loadRunInputs([`suites/${id.split('/')[0]!}.yaml`], profileFile);
  const scenario = suites[0]!.scenarios.find((s) => s.id === id);
  if (!scenario || scenario.skip) throw new Error(`scenario ${id} missing or skipped: ${scenario?.skip ?? ''}`);
  return { scenario, profile };
}

export async function runOnReference(scenario: PlannedScenario, profile: DeviceProfile): Promise<ScenarioResult> {
  const factory = await createReferenceTargetFactory(profile, systemClock);
  const target = await factory.open(scenario.id);
  try {
    // The executor tears the target down itself.
    return await executeScenario(scenario, target, { clock: systemClock });
  } finally {
    await factory.close();
  }
}

/** The failed checks of a result, one line each, for assertion messages. */
export function failedChecks(r: ScenarioResult): string {
  return `${r.status} ${r.reason ?? ''}\n${r.checks.filter((c) => !c.pass).map((c) => `  ${c.name}: expected ${String(c.expected)}, observed ${String(c.observed)} ${c.detail ?? ''}`).join('\n')}`;
}
