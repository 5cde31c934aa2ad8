/**
 * What the virtual-router tests share: the user's profile from a fixture (edited the
 * way a mismatch needs), shipped suites run through runPlan exactly as `dpd-harness run`
 * does, verdict tables, and the mismatch cases' set-up-error assertions.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { systemClock } from '../../src/peer/system-clock.js';
import type { Check, ScenarioResult } from '../../src/report/result-model.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import { runPlan } from '../../src/scenario/run-plan.js';
import { createTargetFactory } from '../../src/target/target-registry.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/vrouter/${name}`, import.meta.url));
const suite = (name: string): string => fileURLToPath(new URL(`../../suites/${name}.yaml`, import.meta.url));

/** A fixture file with its @NAME@ placeholders filled in. */
export function filled(name: string, values: Record<string, string>): string {
  return Object.entries(values).reduce((text, [key, value]) => text.replaceAll(`@${key}@`, value), readFileSync(fixture(name), 'utf8'));
}

/** The user's profile `fixtureName`, optionally edited, written to `dir` as `<name>.yaml`. */
export function profile(dir: string, fixtureName: string, name: string, edit: (text: string) => string = (t) => t): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync(fixture(fixtureName), 'utf8')));
  return file;
}

/** The shipped suites named, against the profile, one scenario at a time. */
export async function run(dir: string, profileFile: string, suites: string[], grep?: RegExp): Promise<ScenarioResult[]> {
  const inputs = loadRunInputs(suites.map(suite), profileFile);
  const outcome = await runPlan({
    suites: inputs.suites, profile: inputs.profile, factory: await createTargetFactory(inputs.profile, systemClock), clock: systemClock, jobs: 1,
    ...(grep ? { grep } : {}), outDir: join(dir, `out-${Date.now()}`), reporter: Mocha.reporters.Base, toolVersion: 'test', signal: new AbortController().signal,
  });
  return outcome.results;
}

export const table = (results: ScenarioResult[]): string[][] => results.map((r) => [r.id, r.status]).sort((a, b) => a[0]!.localeCompare(b[0]!));
export const why = (results: ScenarioResult[]): string => results.filter((r) => r.status !== 'passed' && r.status !== 'skipped').map((r) => `${r.id}: ${r.status}: ${r.reason}`).join('\n');

/** The first check of `r` whose name starts with `start`; a missing one fails with the names there are. */
export function check(r: ScenarioResult, start: string): Check {
  const c = r.checks.find((k) => k.name.startsWith(start));
  if (!c) throw new Error(`${r.id}: no check "${start}…" in ${r.checks.map((k) => k.name).join('; ')}`);
  return c;
}

/** A profile edit and the refusal it must produce. */
export type Mismatch = [name: string, edit: (text: string) => string, message: RegExp];

/** Each mismatched profile is a set-up error naming the DUT's notify, within seconds, and no key in the reason; `probe` is the one scenario run. */
export async function expectRefusals(
  dir: string, fixtureName: string, cases: readonly Mismatch[], secrets: readonly string[],
  probe: { suite: string; grep: RegExp } = { suite: 'silence', grep: /periodic-interval/ },
): Promise<void> {
  for (const [name, edit, message] of cases) {
    const [r] = await run(dir, profile(dir, fixtureName, name, edit), [probe.suite], probe.grep);
    expect(r!.status, `${name}: ${r!.reason}`).to.equal('error');
    expect(r!.reason, name).to.match(/^ERR_DUT_REFUSED: /).and.match(message);
    expect(r!.durationMs, name).to.be.below(10_000);
    for (const secret of secrets) expect(r!.reason, name).not.to.contain(secret);
  }
}

/**
 * An IKEv2 router run with no target.control: the DUT-initiated scenario is skipped with the reason,
 * "still held" is one liveness request of the fake peer's answered, "gone" one unanswered past `timeToDead`.
 */
export async function expectIkev2WireProbeVerdicts(dir: string, fixtureName: string, timeToDead: number): Promise<void> {
  const noControl = profile(dir, fixtureName, 'no-control', (t) => t.replace(/  control:\n(    .*\n)+/, ''));
  const results = await run(dir, noControl, ['ikev2-silence', 'ikev2-responder'], /silence-inbound-only|liveness-while-answering|answers-as-initiator/);
  expect(table(results), why(results)).to.deep.equal([
    ['ikev2-responder/answers-as-initiator-and-responder', 'skipped'],
    ['ikev2-silence/liveness-while-answering', 'passed'],
    ['ikev2-silence/silence-inbound-only', 'passed'],
  ]);
  const byId = (id: string): ScenarioResult => results.find((r) => r.id === id)!;
  expect(check(byId('ikev2-silence/liveness-while-answering'), 'SA still held by the DUT (by wire probe)').observed).to.match(/^alive at t = [\d.]+ s \(liveness request answered\)$/);
  const probe = check(byId('ikev2-silence/silence-inbound-only'), 'SA gone from the DUT after the first unanswered liveness request (by wire probe)');
  expect(probe.observed).to.match(/^gone by t = [\d.]+ s \(wire probe: no answer within [\d.]+ s\)$/);
  expect(Number(/[\d.]+/.exec(String(probe.observed))![0])).to.be.at.least(timeToDead);
  expect(byId('ikev2-responder/answers-as-initiator-and-responder').reason).to.match(/needs the DUT to initiate IKE .*target\.control\.initiate/);
}
