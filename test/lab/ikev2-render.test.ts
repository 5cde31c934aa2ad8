import { expect } from 'chai';
import { parseDaemonConfig, planConnections } from '../../src/lab/daemon-config.js';
import { renderIpsecConf } from '../../src/lab/libreswan-config.js';
import { renderStrongswanConf, renderSwanctlConf } from '../../src/lab/strongswan-config.js';
import { pathOf } from './daemon-config-error-path.js';

const psk = 'ikev2 lab key';
const connections = planConnections('dut', ['203.0.113.1'], ['203.0.113.2', '203.0.113.3']);

describe('lab: strongSwan rendered for IKEv2', () => {
  const config = parseDaemonConfig({
    ike_proposals: ['aes256-sha256-ecp256', 'aes128-sha256-modp2048'],
    dpd: { delay: 5, timeout: 15, action: 'clear' },
    retransmit: { tries: 3, timeout: 1.5, base: 2, limit: 10 },
  });
  const render = { config, connections, localSubnets: ['198.51.100.0/28'], remoteSubnets: ['198.51.100.16/28'], selectors: [], ikeVersion: 2 as const, paths: { vici: '/w/v', log: '/w/l', keyLog: '/w/k' }, emulated: true };

  it('every connection is version = 2 with the IKEv2 proposals and dpd_delay, no IKEv1-only dpd_timeout or aggressive', () => {
    const swanctl = renderSwanctlConf(render, psk);
    expect(swanctl.match(/^    version = 2$/gm)).to.have.length(2);
    expect(swanctl).not.to.match(/version = 1/);
    expect(swanctl.match(/^    proposals = aes256-sha256-ecp256,aes128-sha256-modp2048$/gm)).to.have.length(2);
    expect(swanctl.match(/^    dpd_delay = 5s$/gm)).to.have.length(2);
    expect(swanctl).not.to.contain('dpd_timeout').and.not.to.contain('aggressive');
  });

  it("charon's retransmission knobs go into the charon section, the cap only when set", () => {
    const conf = renderStrongswanConf(render);
    const charon = conf.slice(conf.indexOf('charon {'), conf.indexOf('filelog'));
    expect(charon).to.match(/^  retransmit_tries = 3$/m).and.match(/^  retransmit_timeout = 1.5$/m).and.match(/^  retransmit_base = 2$/m).and.match(/^  retransmit_limit = 10$/m);
    expect(renderStrongswanConf({ ...render, config: parseDaemonConfig({}) })).not.to.contain('retransmit_limit');
  });

  it('IKEv1 stays the default: version = 1 with dpd_timeout', () => {
    const { ikeVersion: _v2, ...v1 } = render;
    const swanctl = renderSwanctlConf(v1, psk);
    expect(swanctl).to.match(/^    version = 1$/m).and.match(/^    dpd_timeout = 15s$/m).and.match(/^    aggressive = no$/m);
  });

  it('failover renders for IKEv2 as for IKEv1: one version = 2 connection per peer, every child with dpd_action = clear and the hook', () => {
    const failover = parseDaemonConfig({ dpd: { delay: 2, timeout: 6, action: 'clear' }, retransmit: { tries: 3, timeout: 1, base: 1.5 }, failover: { peers: [0, 1] } });
    const swanctl = renderSwanctlConf({ ...render, config: failover, paths: { ...render.paths, failoverHook: '/w/failover-updown.sh' } }, psk);
    expect(swanctl.match(/^  peer\d \{$/gm)).to.deep.equal(['  peer1 {', '  peer2 {']);
    expect(swanctl.match(/^    version = 2$/gm)).to.have.length(2);
    expect(swanctl.match(/^        dpd_action = clear$/gm)).to.have.length(2);
    expect(swanctl.match(/^        updown = \/w\/failover-updown\.sh$/gm)).to.have.length(2);
    expect(swanctl).not.to.contain('dpd_timeout');
  });

  it('refuses Aggressive Mode with IKEv2 (it is an IKEv1 exchange)', () => {
    expect(() => renderSwanctlConf({ ...render, config: parseDaemonConfig({ aggressive: true }) }, psk)).to.throw(/IKEv1 only/);
  });
});

describe('lab: Libreswan rendered for IKEv2', () => {
  const config = parseDaemonConfig({
    ike_proposals: ['aes256-sha256-ecp256'],
    esp_proposals: ['aes256-sha256'],
    dpd: { delay: 5, timeout: 15, action: 'clear' },
    retransmit_interval: 0.25,
    retransmit_timeout: 20,
  });
  const render = { config, connections, localSubnets: [], remoteSubnets: [], selectors: [], ikeVersion: 2 as const, logFile: '/w/pluto.log' };

  it('every conn is ikev2=insist with dpddelay and pluto retransmit-interval (ms) / retransmit-timeout', () => {
    const conf = renderIpsecConf(render);
    expect(conf.match(/^\tikev2=insist$/gm)).to.have.length(2);
    expect(conf).not.to.contain('ikev2=no');
    expect(conf.match(/^\tdpddelay=5$/gm)).to.have.length(2);
    expect(conf.match(/^\tretransmit-interval=250$/gm)).to.have.length(2);
    expect(conf.match(/^\tretransmit-timeout=20s$/gm)).to.have.length(2);
    expect(conf).to.contain('ike=aes256-sha2_256;dh19');
  });

  it("leaves pluto's retransmission defaults alone when the profile sets none, and IKEv1 when no version is given", () => {
    const { ikeVersion: _v2, ...v1 } = render;
    const conf = renderIpsecConf({ ...v1, config: parseDaemonConfig({}) });
    expect(conf).to.contain('ikev2=no').and.not.contain('retransmit-');
  });

  it('names a bad retransmission knob', () => {
    expect(pathOf(() => parseDaemonConfig({ retransmit_interval: 0 }))).to.equal('retransmit_interval');
    expect(pathOf(() => parseDaemonConfig({ retransmit_timeout: 'long' }))).to.equal('retransmit_timeout');
    expect(pathOf(() => parseDaemonConfig({ retransmit: { interval: 1 } }))).to.equal('retransmit.interval');
    expect(pathOf(() => parseDaemonConfig({ retransmit: { limit: -1 } }))).to.equal('retransmit.limit');
  });
});
