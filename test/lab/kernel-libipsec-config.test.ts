/**
 * `data_plane: kernel-libipsec` (strongSwan only): charon loads kernel-libipsec before
 * kernel-netlink and forces UDP encapsulation; the lab reports the DUT's data plane.
 */
import { expect } from 'chai';
import { parseDaemonConfig, planConnections } from '../../src/lab/daemon-config.js';
import { daemonDataPlane } from '../../src/lab/data-plane.js';
import { LabSpecError, parseLabSpec } from '../../src/lab/lab-spec.js';
import { renderStrongswanConf, renderSwanctlConf, type StrongswanRender } from '../../src/lab/strongswan-config.js';
import { pathOf } from './daemon-config-error-path.js';

const render = (dut: Record<string, unknown>): StrongswanRender => ({
  config: parseDaemonConfig(dut),
  connections: planConnections('dut', ['203.0.113.1'], ['203.0.113.2']),
  localSubnets: ['198.51.100.0/28'],
  remoteSubnets: ['198.51.100.16/28'],
  selectors: [],
  paths: { vici: '/w/charon.vici', log: '/w/charon.log', keyLog: '/w/keys.log' },
  emulated: false,
});

const loadLine = (conf: string): string[] => (/^  load = (.*)$/m.exec(conf)?.[1] ?? '').split(' ');

describe('lab: strongSwan data_plane kernel-libipsec', () => {
  it('loads kernel-libipsec ahead of kernel-netlink and renders encap = yes in every connection', () => {
    const r = render({ data_plane: 'kernel-libipsec' });
    const plugins = loadLine(renderStrongswanConf(r));
    expect(plugins.indexOf('kernel-libipsec')).to.be.within(0, plugins.indexOf('kernel-netlink') - 1);
    expect(renderSwanctlConf(r, 'psk').match(/^    encap = yes$/gm)).to.have.length(1);
  });

  it('without it: kernel-netlink alone and no encap line', () => {
    const r = render({});
    expect(loadLine(renderStrongswanConf(r))).to.not.include('kernel-libipsec');
    expect(renderSwanctlConf(r, 'psk')).to.not.include('encap');
  });

  it('refuses any other value at data_plane', () => {
    expect(pathOf(() => parseDaemonConfig({ data_plane: 'xfrm' }))).to.equal('data_plane');
  });

  it('a Libreswan DUT or peer daemon with data_plane is refused at its field', () => {
    const base = { subnet: '203.0.113.0/28', dut_address: '203.0.113.1', peer_addresses: ['203.0.113.2'], psk: 'x' };
    const field = (spec: Record<string, unknown>): string => {
      try {
        parseLabSpec({ ...base, ...spec }, { file: 'p.yaml', base: ['lab'] });
      } catch (err) {
        if (err instanceof LabSpecError) return err.field;
        throw err;
      }
      return '(accepted)';
    };
    expect(field({ kind: 'libreswan', dut: { data_plane: 'kernel-libipsec' } })).to.equal('lab.dut.data_plane');
    expect(field({ kind: 'strongswan', peer_netns: true, peer_daemon: { kind: 'libreswan', data_plane: 'kernel-libipsec' } })).to.equal('lab.peer_daemon.data_plane');
    expect(field({ kind: 'strongswan', dut: { data_plane: 'kernel-libipsec' } })).to.equal('(accepted)');
  });

  it("a daemon's data plane is kernel-libipsec when configured, else the kernel's", () => {
    expect(daemonDataPlane('emulated', { data_plane: 'kernel-libipsec' })).to.equal('kernel-libipsec');
    expect(daemonDataPlane('emulated', {})).to.equal('emulated');
    expect(daemonDataPlane('real', {})).to.equal('real');
  });
});
