/**
 * The vendor profiles this project ships for Cisco IOS XE (values from the Cisco guide
 * "IPsec Dead Peer Detection Periodic Message Option") and the spec-only ones (vendor
 * table, protocol-digest.md §7), and how a profile configures the reference DUT.
 */
import { expect } from 'chai';
import { loadProfile, profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { referenceDutSettings } from '../../src/dut/reference-dut-settings.js';
import { HarnessError } from '../../src/errors.js';

const env = { DPD_HARNESS_PSK: 'unit-test' };

function referenceProfile(dpd: string, dut: string) {
  const text = `identity: { vendor: Cisco, product: IOS XE, version: t }
target: { kind: reference, peer_addresses: [127.0.0.2, 127.0.0.3] }
psk: { value: t }
dpd: { mode: periodic, probes_before_dead: 5, dead_time_from: first-unanswered-probe, retry_seq: increment, delete_on_dead: true, action: failover, peers: [0, 1], failover: { mechanism: m, within: 2 }, tolerance: { absolute: 0.5, relative: 0.05 }, ${dpd} }
${dut}
`;
  return profileFromSource(YamlSource.parse('t.yaml', text), { env });
}

const dutError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(HarnessError);
    return (err as HarnessError).code;
  }
  throw new Error('expected an error');
};

describe('dut/profiles', () => {
  it('every shipped vendor profile loads', () => {
    for (const name of ['cisco-iosxe', 'cisco-asa', 'juniper-srx', 'paloalto', 'fortinet']) {
      expect(() => loadProfile(`profiles/${name}.yaml`, { env }), name).to.not.throw();
    }
  });

  it('cisco-iosxe: the guide\'s numbers, and 10 s from the first unanswered probe to the dead declaration (debug example 15:47:35 → :45)', () => {
    const p = loadProfile('profiles/cisco-iosxe.yaml', { env });
    expect(p.dpd).to.deep.include({ mode: 'periodic', interval: 10, retryInterval: 2, probesBeforeDead: 5, deadTimeout: 10, deleteOnDead: true, action: 'failover' });
    expect(referenceDutSettings(p)).to.deep.equal({ keepalive: { seconds: 10, retrySeconds: 2, mode: 'periodic' }, peerOrder: [0, 1, 2], onDead: 'failover', faults: {} });
  });

  it('rejects timers below the command\'s ranges unless allow_short_timers is set', () => {
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 3, retry_interval: 2', '')))).to.equal('ERR_CONFIG_DUT');
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 10, retry_interval: 1', '')))).to.equal('ERR_CONFIG_DUT');
    expect(referenceDutSettings(referenceProfile('interval: 3, retry_interval: 0.5', 'dut: { allow_short_timers: true }')).keepalive).to.deep.equal({ seconds: 3, retrySeconds: 0.5, mode: 'periodic' });
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 3601, retry_interval: 2', 'dut: { allow_short_timers: true }')))).to.equal('ERR_CONFIG_DUT');
  });

  it('passes fault switches through and rejects unknown ones', () => {
    expect(referenceDutSettings(referenceProfile('interval: 10, retry_interval: 2', 'dut: { faults: { noDelete: true, retrySeconds: 3 } }')).faults).to.deep.equal({ noDelete: true, retrySeconds: 3 });
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 10, retry_interval: 2', 'dut: { faults: { forgetToAck: true } }')))).to.equal('ERR_CONFIG_DUT');
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 10, retry_interval: 2', 'dut: { faults: { probesBeforeDead: 0 } }')))).to.equal('ERR_CONFIG_DUT');
    expect(dutError(() => referenceDutSettings(referenceProfile('interval: 10, retry_interval: 2', 'dut: { colour: red }')))).to.equal('ERR_CONFIG_DUT');
  });
});
