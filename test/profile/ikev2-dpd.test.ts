import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors.js';
import { profileFromSource, profileVariables, timeToDeadAfterFirstProbe } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { ikev2EngineConfigFor } from '../../src/target/ikev2-engine-config.js';
import { V1_DPD_TEXT } from './profile-text.js';

const load = (text: string) => profileFromSource(YamlSource.parse('v2.yaml', text), { env: {} });

function errorOf(text: string): ConfigError {
  try {
    load(text);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loaded without error');
}

const v2 = (retransmit: string, extra = ''): string => `identity: { vendor: V, product: P, version: "1" }
target: { kind: reference }
psk: { value: s3cret }
ike:
  version: 2${extra}
ikev2_dpd:
  mode: idle
  interval: 30
  retransmit:
    ${retransmit}
  action: clear
  tolerance: { absolute: 0.5 }
`;


describe('profile: ike.version and the IKEv2 DPD section', () => {
  it('an IKEv1 profile stays version 1 with no IKEv2 section', () => {
    const p = load(v2('cisco: { retry_interval: 2 }').replace('  version: 2', '  version: 1').replace(/ikev2_dpd:[\s\S]*$/, V1_DPD_TEXT));
    expect(p.ike.version).to.equal(1);
    expect(p.ikev2Dpd).to.equal(undefined);
    expect([...profileVariables(p).keys()].some((k) => k.startsWith('ikev2.'))).to.equal(false);
  });

  it("strongSwan's knobs predict its retransmissions and death; suites read them as ${ikev2.dpd.*} and the IKEv1 names", () => {
    const p = load(v2('strongswan: { timeout: 2, base: 1.5, tries: 3 }'));
    expect(p.ike.version).to.equal(2);
    expect(p.ikev2Dpd!.schedule).to.deep.equal({ retransmits: [2, 5, 9.5], deadAfterFirstProbe: 16.25 });
    const vars = profileVariables(p);
    expect(vars.get('ikev2.dpd.interval')).to.equal(30);
    expect(vars.get('ikev2.dpd.retransmissions')).to.equal(3);
    expect([1, 2, 3].map((i) => vars.get(`ikev2.dpd.retransmit_${i}`))).to.deep.equal([2, 5, 9.5]);
    expect(vars.has('ikev2.dpd.retransmit_4')).to.equal(false);
    expect(vars.get('ikev2.dpd.time_to_dead')).to.equal(16.25);
    expect(vars.get('ikev2.dpd.dead_after_last_inbound')).to.equal(46.25);
    // The derived IKEv1-shaped semantics: retries reuse the request, death counts from the first one.
    expect(p.dpd).to.deep.include({ mode: 'idle', interval: 30, retryInterval: 2, probesBeforeDead: 4, deadTimeFrom: 'first-unanswered-probe', retrySeq: 'reuse', deleteOnDead: false });
    expect(timeToDeadAfterFirstProbe(p.dpd)).to.equal(16.25);
    expect(vars.get('dpd.time_to_dead')).to.equal(16.25);
  });

  it('defaults: strongSwan 165.06112 s, Libreswan 64 s, Cisco retry-interval × 5', () => {
    expect(load(v2('strongswan: {}')).ikev2Dpd!.schedule.deadAfterFirstProbe).to.equal(165.06112);
    expect(load(v2('libreswan: {}')).ikev2Dpd!.schedule).to.deep.equal({ retransmits: [0.5, 1, 2, 4, 8, 16, 32], deadAfterFirstProbe: 64 });
    const cisco = load(v2('cisco: { retry_interval: 3 }'));
    expect(cisco.ikev2Dpd!.schedule).to.deep.equal({ retransmits: [3, 6, 9, 12], deadAfterFirstProbe: 15 });
    expect(load(v2('cisco: { retry_interval: 3, retransmissions: 5 }')).ikev2Dpd!.schedule.deadAfterFirstProbe).to.equal(18);
    expect(cisco.ikev2Dpd!.retransmit).to.deep.equal({ vendor: 'cisco', retryInterval: 3 });
  });

  it('Cisco retry-interval: 2-60 s (crypto ikev2 dpd), below 2 only for the reference DUT with allow_short_timers', () => {
    const short = v2('cisco: { retry_interval: 0.5 }') + 'dut: { allow_short_timers: true }\n';
    expect(load(short).ikev2Dpd!.schedule.deadAfterFirstProbe).to.equal(2.5);
    expect(errorOf(v2('cisco: { retry_interval: 0.5 }').replace('kind: reference', 'kind: external, address: "192.0.2.1"')).message).to.match(/must be at least 2 \(crypto ikev2 dpd takes a retry-interval of 2-60 s\), got 0\.5$/);
    expect(errorOf(v2('cisco: { retry_interval: 61 }')).message).to.match(/retry_interval: must be at most 60/);
    expect(load(v2('cisco: { retry_interval: 2 }')).ikev2Dpd!.retransmit).to.deep.equal({ vendor: 'cisco', retryInterval: 2 });
  });

  it('invalid_ike_spi: ignore by default (RFC 7296 §2.21.4), peer-dead when declared', () => {
    expect(load(v2('libreswan: {}')).ikev2Dpd!.invalidIkeSpi).to.equal('ignore');
    expect(load(v2('libreswan: {}').replace('  action: clear', '  invalid_ike_spi: peer-dead\n  action: clear')).ikev2Dpd!.invalidIkeSpi).to.equal('peer-dead');
    expect(errorOf(v2('libreswan: {}').replace('  action: clear', '  invalid_ike_spi: sometimes\n  action: clear')).message).to.match(/invalid_ike_spi: must be one of ignore, peer-dead/);
  });

  it('failover: an ordered peer list and its mechanism, as for IKEv1', () => {
    const two = v2('cisco: { retry_interval: 2 }').replace('target: { kind: reference }', 'target: { kind: reference, peer_addresses: [127.0.0.2, 127.0.0.3] }');
    const failover = two.replace('  action: clear', "  action: failover\n  peers: [0, 1]\n  failover: { mechanism: crypto map set peer list, within: 1 }");
    const p = load(failover);
    expect(p.dpd).to.include({ action: 'failover' });
    expect(p.dpd.peers).to.deep.equal([0, 1]);
    expect(p.dpd.failover).to.deep.equal({ mechanism: 'crypto map set peer list', within: 1 });
    expect(profileVariables(p).get('dpd.failover.within')).to.equal(1);
    expect(errorOf(two.replace('  action: clear', '  action: failover')).message).to.match(/action failover needs ikev2_dpd\.peers/);
    expect(errorOf(two.replace('  action: clear', '  action: clear\n  peers: [0, 1]')).message).to.match(/a peer list without failover/);
    expect(errorOf(failover.replace('peers: [0, 1]', 'peers: [0, 2]')).message).to.match(/^v2\.yaml:\d+:\d+: peer index 2 but the fake peer has 2 addresses/);
  });

  it('IKEv2 proposals: the default, and GCM without integrity', () => {
    expect(load(v2('libreswan: {}')).ike.ikev2Proposals).to.deep.equal([{ encryption: ['aes-cbc-128'], integrity: ['hmac-sha2-256-128'], prf: ['hmac-sha2-256'], group: ['modp2048'] }]);
    const gcm = load(v2('libreswan: {}', '\n  ikev2_proposals:\n    - { encryption: [aes-gcm-16-256], prf: [hmac-sha2-256], group: [ecp256, ecp384] }'));
    expect(gcm.ike.ikev2Proposals).to.deep.equal([{ encryption: ['aes-gcm-16-256'], integrity: [], prf: ['hmac-sha2-256'], group: ['ecp256', 'ecp384'] }]);
  });

  it('IKEv2 ESP proposals: by default the IKE proposals\' ciphers, or their own list, which the CHILD_SA offers', () => {
    const ikeList = '\n  ikev2_proposals:\n    - { encryption: [aes-gcm-16-256], prf: [hmac-sha2-256], group: [ecp256] }';
    expect(load(v2('libreswan: {}', ikeList)).ike.ikev2EspProposals).to.deep.equal([{ encryption: ['aes-gcm-16-256'], integrity: [] }]);
    const own = load(v2('libreswan: {}', `${ikeList}\n  ikev2_esp_proposals:\n    - { encryption: [aes-cbc-128, aes-cbc-256], integrity: [hmac-sha2-256-128] }`));
    expect(own.ike.ikev2EspProposals).to.deep.equal([{ encryption: ['aes-cbc-128', 'aes-cbc-256'], integrity: ['hmac-sha2-256-128'] }]);
    const engine = ikev2EngineConfigFor(own, { bytes: (n: number) => new Uint8Array(n) });
    expect(engine.proposals).to.deep.equal([{ encryption: 'aes-gcm-16-256', prf: 'hmac-sha256', group: 19 }]);
    expect(engine.childProposals).to.deep.equal([{ encryption: 'aes-cbc-128', integrity: 'hmac-sha256-128' }, { encryption: 'aes-cbc-256', integrity: 'hmac-sha256-128' }]);
  });

  it('IKEv2 ESP proposal errors at file:line:col: a bad cipher, CBC without integrity, GCM with it, an IKEv1 profile', () => {
    const esp = (entry: string): string => v2('libreswan: {}', `\n  ikev2_esp_proposals:\n    - ${entry}`);
    expect(errorOf(esp('{ encryption: [3des], integrity: [hmac-sha1-96] }')).message).to.match(/^v2\.yaml:7:22: ike\.ikev2_esp_proposals\.0\.encryption\.0: must be one of aes-cbc-128, aes-cbc-256, aes-gcm-16-128, aes-gcm-16-256, got "3des"/);
    expect(errorOf(esp('{ encryption: [aes-cbc-256] }')).message).to.match(/^v2\.yaml:7:7: AES-CBC needs integrity/);
    expect(errorOf(esp('{ encryption: [aes-gcm-16-128], integrity: [hmac-sha1-96] }')).message).to.match(/^v2\.yaml:7:50: AES-GCM carries its own integrity/);
    expect(errorOf(esp('{ encryption: [aes-cbc-128], prf: [hmac-sha1], integrity: [hmac-sha1-96] }')).message).to.match(/^v2\.yaml:7:36: ike\.ikev2_esp_proposals\.0\.prf: unknown field \(expected encryption, integrity\)/);
    const v1 = esp('{ encryption: [aes-cbc-128], integrity: [hmac-sha1-96] }').replace('  version: 2', '  version: 1').replace(/ikev2_dpd:[\s\S]*$/, V1_DPD_TEXT);
    expect(errorOf(v1).message).to.match(/^v2\.yaml:7:5: ikev2_esp_proposals needs ike\.version 2 \(IKEv1 uses ike\.esp_proposals\)$/);
  });

  it('errors at file:line:col: the wrong section for the version, two vendors, a bad knob, a bad proposal', () => {
    expect(errorOf(v2('cisco: { retry_interval: 2 }').replace('  version: 2', '  version: 3')).message).to.match(/^v2\.yaml:5:12: ike\.version: must be one of 1, 2, got 3/);
    expect(errorOf(v2('cisco: { retry_interval: 2 }').replace('  version: 2', '  version: 1')).message).to.equal('v2.yaml:7:3: ikev2_dpd needs ike.version 2 (IKEv1 DPD goes in dpd)');
    expect(errorOf(v2('cisco: { retry_interval: 2 }').replace(/ikev2_dpd:[\s\S]*$/, '')).message).to.equal('v2.yaml:5:12: an IKEv2 profile needs an ikev2_dpd section (docs/profiles.md)');
    expect(errorOf(v2('cisco: { retry_interval: 2 }') + V1_DPD_TEXT).message).to.match(/^v2\.yaml:14:3: an IKEv2 profile \(ike\.version 2\) describes its liveness check in ikev2_dpd/);
    expect(errorOf(v2('cisco: { retry_interval: 2 }\n    libreswan: {}')).message).to.match(/^v2\.yaml:10:5: ikev2_dpd\.retransmit: only one of strongswan, libreswan, cisco allowed/);
    expect(errorOf(v2('cisco: { retry_interval: 1 }')).message).to.match(/^v2\.yaml:10:30: must be at least 2 \(crypto ikev2 dpd takes a retry-interval of 2-60 s\), got 1 \(dut\.allow_short_timers lifts/);
    expect(errorOf(v2('strongswan: { tries: 2.5 }')).message).to.match(/^v2\.yaml:10:26: ikev2_dpd\.retransmit\.strongswan\.tries: must be an integer/);
    const mixed = v2('libreswan: {}', '\n  ikev2_proposals:\n    - { encryption: [aes-gcm-16-128, aes-cbc-128], integrity: [hmac-sha1-96], prf: [hmac-sha1], group: [modp2048] }');
    expect(errorOf(mixed).message).to.match(/^v2\.yaml:7:21: AES-GCM and AES-CBC need separate proposals/);
    const gcmInteg = v2('libreswan: {}', '\n  ikev2_proposals:\n    - { encryption: [aes-gcm-16-128], integrity: [hmac-sha1-96], prf: [hmac-sha1], group: [modp2048] }');
    expect(errorOf(gcmInteg).message).to.match(/^v2\.yaml:7:50: AES-GCM carries its own integrity/);
    const cbcBare = v2('libreswan: {}', '\n  ikev2_proposals:\n    - { encryption: [aes-cbc-128], prf: [hmac-sha1], group: [modp2048] }');
    expect(errorOf(cbcBare).message).to.match(/^v2\.yaml:7:7: AES-CBC needs integrity/);
  });
});

describe('profiles/*-ikev2.yaml: the lab DUT renders what the prediction assumes', () => {
  const shipped = (kind: string) => readFileSync(`profiles/${kind}-ikev2.yaml`, 'utf8');

  it('both load as IKEv2 lab profiles whose lab spec carries the version', () => {
    for (const kind of ['strongswan', 'libreswan']) {
      const p = load(shipped(kind));
      expect(p.ike.version).to.equal(2);
      expect('lab' in p.target && p.target.lab.ikeVersion).to.equal(2);
    }
  });

  it('refuses a prediction the lab would not render: another interval, another knob value, another vendor', () => {
    expect(errorOf(shipped('strongswan').replace('interval: 5  ', 'interval: 6  ')).message).to.match(/^v2\.yaml:\d+:\d+: 6 but lab\.dut\.dpd\.delay renders 5$/);
    expect(errorOf(shipped('strongswan').replace('retransmit: { tries: 3,', 'retransmit: { tries: 4,')).message).to.contain('3 but lab.dut.retransmit.tries renders 4');
    expect(errorOf(shipped('libreswan').replace('retransmit_timeout: 10', 'retransmit_timeout: 20')).message).to.contain('10 but lab.dut.retransmit_timeout renders 20');
    expect(errorOf(shipped('libreswan').replace('libreswan: { interval: 0.5, timeout: 10 }', 'strongswan: {}')).message).to.contain('the lab DUT is libreswan: describe its retransmissions under ikev2_dpd.retransmit.libreswan');
  });
});
