// profiles/reference-ikev2.yaml and the profile → IKEv2 reference DUT settings: Cisco's
// `crypto ikev2 dpd` knobs taken from ikev2_dpd, and every setting the DUT cannot honour
// refused with ERR_CONFIG_DUT instead of running a device other than the profile says.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { referenceDutV2Settings } from '../../src/dut/reference-dut-v2-settings.js';
import { HarnessError } from '../../src/errors.js';
import { loadProfile, profileFromSource, profileVariables } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';

const SHIPPED = 'profiles/reference-ikev2.yaml';
const text = readFileSync(SHIPPED, 'utf8');
const variant = (from: string, to: string) => profileFromSource(YamlSource.parse('t.yaml', text.replace(from, to)));

function refused(from: string, to: string): string {
  try {
    referenceDutV2Settings(variant(from, to));
  } catch (err) {
    expect(err).to.be.instanceOf(HarnessError);
    expect((err as HarnessError).code).to.equal('ERR_CONFIG_DUT');
    return (err as HarnessError).message;
  }
  throw new Error(`'${to}' was accepted`);
}

describe('IKEv2 reference DUT settings', () => {
  it('the shipped profile passes the schema and gives crypto ikev2 dpd 3 2 periodic, four retransmissions, dead 10 s after the first request', () => {
    const profile = loadProfile(SHIPPED);
    expect(profile.ike.version).to.equal(2);
    expect(referenceDutV2Settings(profile)).to.deep.equal({ interval: 3, retryInterval: 2, mode: 'periodic', retransmissions: 4, peers: [0], onDead: 'clear', faults: {} });
    expect(referenceDutV2Settings(variant('action: clear ', 'action: restart ')).onDead).to.equal('failover');
    expect(profileVariables(profile).get('ikev2.dpd.time_to_dead')).to.equal(10);
  });

  it('takes on-demand and fault switches', () => {
    const s = referenceDutV2Settings(variant('faults: {}', 'faults: { noLivenessAnswer: true, retransmissions: 2 }'));
    expect(s.faults).to.deep.equal({ noLivenessAnswer: true, retransmissions: 2 });
    expect(referenceDutV2Settings(variant('mode: periodic ', 'mode: on-demand ')).mode).to.equal('on-demand');
  });

  it('refuses what the DUT is not', () => {
    expect(refused('mode: periodic ', 'mode: idle ')).to.match(/not a crypto ikev2 dpd mode/);
    expect(refused('delete_on_dead: false', 'delete_on_dead: true')).to.match(/without Delete/);
    expect(refused('retransmissions: 4 }', 'retransmissions: 5 }')).to.match(/retransmits 4 times/);
    expect(refused('faults: {}', 'faults: { slow: true }')).to.match(/unknown IKEv2 fault switch 'slow'/);
    expect(refused('faults: {}', 'faults: { retransmissions: -1 }')).to.match(/integer ≥ 0/);
    expect(refused('allow_short_timers: true', 'allow_short_timers: false')).to.match(/interval 3 is outside 10–3600/);
    expect(refused('cisco: { retry_interval: 2, retransmissions: 4 }', 'strongswan: { timeout: 2 }')).to.match(/retransmit\.cisco/);
  });
});

describe('reference target with an IKEv2 profile', () => {
  it('checks the IKEv2 DUT settings before any scenario opens', async () => {
    const { createReferenceTargetFactory } = await import('../../src/target/reference-target.js');
    const { systemClock } = await import('../../src/peer/system-clock.js');
    const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: HarnessError) => e.code);
    expect(await codeOf(createReferenceTargetFactory(loadProfile(SHIPPED), systemClock))).to.equal('resolved');
    expect(await codeOf(createReferenceTargetFactory(variant('faults: {}', 'faults: { slow: true }'), systemClock))).to.equal('ERR_CONFIG_DUT');
  });
});
