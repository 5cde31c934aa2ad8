/**
 * Which DUTs suites/traffic.yaml runs on, decided at planning: ESP must really cross the SA, so
 * a lab profile without `lab.dut.data_plane: kernel-libipsec` (whose kernel ESP may be emulated)
 * skips every traffic scenario with that reason, while suites/nat-t.yaml (IKE only) runs there.
 */
import { expect } from 'chai';
import { loadRunInputs } from '../../src/scenario/load-inputs.js';

const planned = (profile: string): Record<string, string> => {
  const { suites } = loadRunInputs(['suites/traffic.yaml', 'suites/nat-t.yaml'], profile, { rawSocket: false });
  return Object.fromEntries(suites.flatMap((s) => s.scenarios).map((sc) => [sc.id, sc.skip ?? 'run']));
};

describe('scenario planning: traffic needs ESP through the DUT’s SA', () => {
  it('a plain lab profile skips the traffic scenarios its dpd.mode allows, naming kernel-libipsec; nat-t runs', () => {
    const plan = planned('profiles/strongswan.yaml');
    for (const id of ['traffic/inbound-esp-suppresses-idle-dpd', 'traffic/dead-while-traffic-one-way', 'traffic/dpd-over-udp-4500-with-traffic']) {
      expect(plan[id], id).to.match(/needs ESP through the DUT’s SA.*kernel-libipsec/);
    }
    expect(plan['nat-t/dpd-over-udp-4500']).to.equal('run');
  });

  it('the kernel-libipsec profile and the reference DUT run them', () => {
    expect(planned('profiles/strongswan-libipsec.yaml')['traffic/inbound-esp-suppresses-idle-dpd']).to.equal('run');
    expect(planned('profiles/cisco-iosxe-on-demand.yaml')['traffic/on-demand-outbound-only']).to.equal('run');
  });
});
