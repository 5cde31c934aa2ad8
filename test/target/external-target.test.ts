/**
 * The external target: the fake peer against a device it does not manage. Here
 * the "external device" is a strongSwan 5.9 DUT brought up by the test itself
 * (lab `extt`, 203.0.113.104/29), so the run is real but the runner only knows
 * its address — as with a router in someone else's rack.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import type { HarnessEvent } from '../../src/events.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { saPresentOnWire } from '../../src/target/external-target.js';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';
import { runPlan } from '../../src/scenario/run-plan.js';
import { createTargetFactory } from '../../src/target/target-registry.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const dut = { address: '203.0.113.105', port: 500 };
const state = (t: number, sa: string, s: 'established' | 'deleted'): HarnessEvent => ({ type: 'sa-state', t: BigInt(t), sa, phase: 1, state: s, remote: dut });

describe('target/external-target: SA presence inferred from the wire', () => {
  const sas = new Map([['aaaaaaaaaaaaaaaa', '203.0.113.106'], ['bbbbbbbbbbbbbbbb', '203.0.113.107']]);
  it('present from phase-1 establishment until a Delete, per peer address', () => {
    const events = [state(1, 'aaaaaaaaaaaaaaaa1111111111111111', 'established'), state(2, 'bbbbbbbbbbbbbbbb2222222222222222', 'established')];
    expect(saPresentOnWire(events, dut, '203.0.113.106', sas)).to.equal(true);
    events.push(state(3, 'aaaaaaaaaaaaaaaa1111111111111111', 'deleted'));
    expect(saPresentOnWire(events, dut, '203.0.113.106', sas)).to.equal(false);
    expect(saPresentOnWire(events, dut, '203.0.113.107', sas)).to.equal(true);
    expect(saPresentOnWire([], dut, '203.0.113.106', sas)).to.equal(false);
  });
});

describe('target/external-target against a strongSwan device it does not manage @root', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', '/usr/lib/ipsec/charon', 'swanctl');
  });
  after(async () => {
    await lab?.down();
  });

  it('runs scenarios through the external target and they pass against the measured strongSwan semantics', async () => {
    const psk = 'external-target-test-psk';
    lab = await Lab.up(
      parseLabSpec(
        {
          name: 'extt',
          kind: 'strongswan',
          subnet: '203.0.113.104/29',
          dut_address: dut.address,
          peer_addresses: ['203.0.113.106'],
          psk,
          dut: { dpd: { delay: 2, timeout: 6, action: 'clear' }, ike_proposals: ['aes128-sha256-modp2048'], esp_proposals: ['aes128-sha1'] },
        },
        { file: 'external-target.test' },
      ),
    );
    const dir = mkdtempSync(join(tmpdir(), 'dpdh-ext-'));
    const profile = join(dir, 'router.yaml');
    writeFileSync(
      profile,
      `identity: { vendor: strongSwan, product: charon as an external device, version: "5.9.8" }
target: { kind: external, address: ${dut.address}, peer_addresses: [203.0.113.106] }
psk: { value: ${psk} }
ike: { proposals: [{ encryption: aes-128, hash: sha2-256, group: modp2048 }] }
dpd:
  mode: idle
  interval: 2
  retry_interval: 2
  probes_before_dead: 2
  dead_time_from: last-inbound
  dead_timeout: 6
  retry_seq: reuse
  delete_on_dead: false
  action: clear
  tolerance: { absolute: 0.6, relative: 0.05 }
`,
    );
    const suites = ['silence.yaml', 'responder.yaml'].map((f) => fileURLToPath(new URL(`../../suites/${f}`, import.meta.url)));
    const inputs = loadRunInputs(suites, profile);
    const outcome = await runPlan({
      suites: inputs.suites,
      profile: inputs.profile,
      factory: await createTargetFactory(inputs.profile, systemClock),
      clock: systemClock,
      jobs: 1,
      grep: /periodic-interval|retries-after-silence|ack-echoes-sequence/,
      outDir: join(dir, 'out'),
      reporter: Mocha.reporters.Base,
      toolVersion: 'test',
      signal: new AbortController().signal,
    });
    expect(outcome.results.map((r) => [r.id, r.status, r.reason ?? ''])).to.deep.equal([
      ['silence/periodic-interval', 'passed', ''],
      ['silence/retries-after-silence', 'passed', ''],
      ['responder/ack-echoes-sequence', 'passed', ''],
    ]);
    expect(outcome.exitCode).to.equal(0);
  });
});
