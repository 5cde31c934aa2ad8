import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDaemonConfig, parseProposal, planConnections, secretLiteral } from '../../src/lab/daemon-config.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { libreswanProposal, renderIpsecConf, renderIpsecSecrets } from '../../src/lab/libreswan-config.js';
import { renderStrongswanConf, renderSwanctlConf } from '../../src/lab/strongswan-config.js';
import { pathOf } from './daemon-config-error-path.js';


describe('lab/daemon-config: the DUT settings both renderers share', () => {
  it('fills defaults and keeps the DPD timers as given', () => {
    const c = parseDaemonConfig({ dpd: { delay: 2, timeout: 10, action: 'restart' } });
    expect(c.dpd).to.deep.equal({ delay: 2, timeout: 10, action: 'restart' });
    expect(c.ikeProposals).to.deep.equal([{ encryption: 'aes128', integrity: 'sha1', group: 'modp2048' }]);
    expect(parseDaemonConfig({ dpd: { delay: 7 } }).dpd.timeout).to.equal(21);
    expect(parseDaemonConfig({}).controlTimeout).to.equal(15);
  });

  it('names the offending field of a bad setting', () => {
    expect(pathOf(() => parseDaemonConfig({ dpd: { action: 'explode' } }))).to.equal('dpd.action');
    expect(pathOf(() => parseDaemonConfig({ ike_proposals: ['aes128-sha1'] }))).to.equal('ike_proposals.0');
    expect(pathOf(() => parseDaemonConfig({ esp_proposals: ['aes128-whirlpool'] }))).to.equal('esp_proposals.0');
    expect(pathOf(() => parseDaemonConfig({ dpd_delay: 3 }))).to.equal('dpd_delay');
    expect(pathOf(() => parseDaemonConfig({ keyingtries: -1 }))).to.equal('keyingtries');
    expect(pathOf(() => parseDaemonConfig({ start_action: 'route' }))).to.equal('start_action');
    expect(pathOf(() => parseDaemonConfig({ control_timeout: 0 }))).to.equal('control_timeout');
    expect(pathOf(() => parseDaemonConfig({ esp_proposals: ['aes128-sha1-modp2048', 'aes128-sha1'] }))).to.equal('esp_proposals');
  });

  it('writes a plain PSK quoted and any other as hex bytes both secrets parsers decode', () => {
    expect(secretLiteral('dpd-harness lab/1')).to.equal('"dpd-harness lab/1"');
    // Libreswan would keep the backslash of an escaped quote; strongSwan would decode "0x…" as hex.
    expect(secretLiteral('a"b\\c')).to.equal('0x6122625c63');
    expect(secretLiteral('0xdeadbeef')).to.equal('0x30786465616462656566');
    expect(secretLiteral('grüße')).to.equal('0x6772c3bcc39f65');
  });

  it('plans one connection per peer address for the DUT, one per local address for a peer daemon', () => {
    expect(planConnections('dut', ['203.0.113.1'], ['203.0.113.2', '203.0.113.3'])).to.deep.equal([
      { name: 'peer1', local: '203.0.113.1', remote: '203.0.113.2' },
      { name: 'peer2', local: '203.0.113.1', remote: '203.0.113.3' },
    ]);
    expect(planConnections('peer', ['203.0.113.2', '203.0.113.3'], ['203.0.113.1']).map((c) => c.name)).to.deep.equal(['dut1', 'dut2']);
  });

  it('translates proposals into Libreswan words', () => {
    expect(libreswanProposal(parseProposal('aes256-sha256-ecp256', [], true))).to.equal('aes256-sha2_256;dh19');
    expect(libreswanProposal(parseProposal('aes128-sha1', [], false))).to.equal('aes128-sha1');
  });
});

describe('lab daemon config renderers', () => {
  const config = parseDaemonConfig({ dpd: { delay: 3, timeout: 9, action: 'clear' }, esp_proposals: ['aes128-sha1'] });
  const connections = planConnections('dut', ['203.0.113.1'], ['203.0.113.2']);
  const psk = 'correct horse battery staple';
  const ss = {
    config,
    connections,
    localSubnets: ['198.51.100.0/28'],
    remoteSubnets: [], selectors: [],
    paths: { vici: '/w/charon.vici', log: '/w/charon.log', keyLog: '/w/keys.log' },
    emulated: true,
  };

  it('strongSwan: IKEv1 connection with the DPD timers and action, PSK only in swanctl.conf secrets', () => {
    const conf = renderStrongswanConf(ss);
    const swanctl = renderSwanctlConf(ss, psk);
    expect(conf).to.contain('socket = unix:///w/charon.vici').and.contain('xfrm_acq_expires = 86400').and.not.contain(psk);
    expect(swanctl).to.match(/version = 1/).and.match(/dpd_delay = 3s/).and.match(/dpd_timeout = 9s/).and.match(/dpd_action = clear/);
    expect(swanctl).to.contain('local_ts = 198.51.100.0/28').and.contain('remote_ts = 203.0.113.2/32');
    expect(swanctl.split(psk)).to.have.length(2);
    expect(swanctl.indexOf(psk)).to.be.greaterThan(swanctl.indexOf('secrets {'));
    expect(swanctl).to.match(/start_action = none/);
    expect(renderSwanctlConf({ ...ss, config: parseDaemonConfig({ start_action: 'trap' }) }, psk)).to.match(/start_action = trap/);
  });

  it('strongSwan: aggressive renders aggressive = yes and the charon switch that lets it use a PSK; Main Mode by default', () => {
    const am = { ...ss, config: parseDaemonConfig({ aggressive: true }) };
    expect(renderSwanctlConf(am, psk)).to.match(/^    aggressive = yes$/m);
    expect(renderStrongswanConf(am)).to.match(/^  i_dont_care_about_security_and_use_aggressive_mode_psk = yes$/m);
    expect(renderSwanctlConf(ss, psk)).to.match(/^    aggressive = no$/m);
    expect(renderStrongswanConf(ss)).to.not.include('aggressive');
    expect(pathOf(() => parseDaemonConfig({ aggressive: 'yes' }))).to.equal('aggressive');
  });

  it('strongSwan: DPD delay 0 renders no DPD at all', () => {
    const off = renderSwanctlConf({ ...ss, config: parseDaemonConfig({ dpd: { delay: 0 } }) }, psk);
    expect(off).not.to.contain('dpd_delay');
  });

  it('Libreswan: aggressive renders aggressive=yes in every conn; Main Mode (no aggressive line) by default', () => {
    const render = (c: Record<string, unknown>) => renderIpsecConf({ config: parseDaemonConfig(c), connections: planConnections('dut', ['203.0.113.1'], ['203.0.113.2', '203.0.113.3']), localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/pluto.log' });
    expect(render({ aggressive: true }).match(/^\taggressive=yes$/gm)).to.have.length(2);
    expect(render({})).not.to.contain('aggressive');
  });

  it('log: verbose (default) logs every DPD message, brief leaves both daemons at their default levels', () => {
    const pluto = (c: Record<string, unknown>) => renderIpsecConf({ config: parseDaemonConfig(c), connections: planConnections('dut', ['203.0.113.1'], ['203.0.113.2']), localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/pluto.log' });
    expect(pluto({})).to.match(/^\tplutodebug=base$/m);
    expect(pluto({ log: 'brief' })).not.to.contain('plutodebug');
    expect(pluto({ log: 'brief' })).to.contain('logfile=/w/pluto.log');
    const charon = (c: Record<string, unknown>) => renderStrongswanConf({ ...ss, config: parseDaemonConfig(c) });
    expect(charon({})).to.match(/^      ike = 2$/m).and.match(/^      net = 2$/m);
    expect(charon({ log: 'brief' })).not.to.match(/ike = 2|net = 2/);
    expect(charon({ log: 'brief' })).to.match(/^      default = 1$/m);
    expect(pathOf(() => parseDaemonConfig({ log: 'debug' }))).to.equal('log');
  });

  it('Libreswan: ikev2=no, DPD settings, no PFS without a group; PSK only in ipsec.secrets', () => {
    const conf = renderIpsecConf({ config, connections, localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/pluto.log' });
    expect(conf).to.contain('ikev1-policy=accept').and.contain('ikev2=no').and.contain('dpddelay=3').and.contain('dpdtimeout=9');
    expect(conf).to.contain('pfs=no').and.contain('ike=aes128-sha1;modp2048').and.not.contain(psk);
    expect(renderIpsecSecrets(connections, psk)).to.contain(`203.0.113.1 203.0.113.2 : PSK "${psk}"`);
    expect(conf).to.contain('auto=add');
    const starting = renderIpsecConf({ config: parseDaemonConfig({ start_action: 'start' }), connections, localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/pluto.log' });
    expect(starting).to.contain('auto=start').and.not.contain('auto=add');
  });
});

describe('lab daemon profiles: the shipped lab sections render for their DUT', () => {
  for (const kind of ['strongswan', 'libreswan'] as const) {
    it(`profiles/${kind}.yaml`, () => {
      const file = `profiles/${kind}.yaml`;
      const doc = parseYaml(readFileSync(file, 'utf8')) as { lab: unknown; dpd: { interval: number; dead_timeout: number; action: string } };
      const spec = parseLabSpec(doc.lab, { file, base: ['lab'] });
      expect(spec.dutKind).to.equal(kind);
      const config = parseDaemonConfig(spec.dut);
      const connections = planConnections('dut', [spec.dutAddress], spec.peerAddresses);
      expect(connections.map((c) => c.remote)).to.deep.equal(spec.peerAddresses);
      const text =
        kind === 'strongswan'
          ? renderSwanctlConf(
              { config, connections, localSubnets: spec.dutSubnets, remoteSubnets: spec.peerSubnets, selectors: [], paths: { vici: '/w/v', log: '/w/l', keyLog: '/w/k' }, emulated: true },
              spec.psk,
            )
          : renderIpsecConf({ config, connections, localSubnets: spec.dutSubnets, remoteSubnets: spec.peerSubnets, selectors: [], logFile: '/w/pluto.log' });
      // The profile's DPD timers reach the daemon as written.
      const dpd = kind === 'strongswan' ? [`dpd_delay = ${config.dpd.delay}s`, `dpd_timeout = ${config.dpd.timeout}s`] : [`dpddelay=${config.dpd.delay}`, `dpdtimeout=${config.dpd.timeout}`];
      for (const line of dpd) expect(text).to.contain(line);
      // …and agree with the behaviour the profile's dpd: section promises the checks.
      expect(config.dpd).to.deep.equal({ delay: doc.dpd.interval, timeout: doc.dpd.dead_timeout, action: doc.dpd.action });
    });
  }
});

describe('lab/daemon-config through parseLabSpec', () => {
  it('reports a bad DUT setting at its field before any daemon starts', async () => {
    const { parseLabSpec, LabSpecError } = await import('../../src/lab/lab-spec.js');
    const spec = {
      kind: 'strongswan',
      subnet: '203.0.113.0/28',
      dut_address: '203.0.113.1',
      peer_addresses: ['203.0.113.2'],
      psk: 'x',
      dut: { dpd: { delay: 2, action: 'explode' } },
    };
    try {
      parseLabSpec(spec, { file: 'p.yaml', base: ['lab'] });
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(LabSpecError);
      expect((err as InstanceType<typeof LabSpecError>).field).to.equal('lab.dut.dpd.action');
    }
  });
});
