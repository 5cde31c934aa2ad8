import { expect } from 'chai';
import { loadProfile } from '../../src/profile/load-profile.js';
import { engineConfigFor, subnetOf } from '../../src/target/engine-config.js';
import { seededRandom } from '../support/seeded-random.js';

describe('scenario/engine-config', () => {
  it('subnetOf turns a prefix into address and dotted mask', () => {
    expect(subnetOf('198.51.100.144/29')).to.deep.equal({ address: '198.51.100.144', mask: '255.255.255.248' });
    expect(subnetOf('0.0.0.0/0')).to.deep.equal({ address: '0.0.0.0', mask: '0.0.0.0' });
  });

  it('maps the profile proposals, lifetimes, PSK and lab subnets into the engine config', () => {
    const profile = loadProfile(new URL('./../scenario/fixtures/strongswan-scx.yaml', import.meta.url).pathname);
    const config = engineConfigFor(profile, seededRandom('engine-config'));
    expect(config.proposals).to.deep.equal([{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha256', group: 14, lifetimeSeconds: 28800 }]);
    expect(config.espProposals.map((p) => [p.cipher, p.keyLength, p.integrity, p.lifetimeSeconds])).to.deep.equal([['aes-cbc', 16, 'sha1', 3600], ['aes-cbc', 16, 'sha256', 3600]]);
    expect(config.trafficSelectors).to.deep.equal([{ local: { type: 'ipv4-subnet', address: '198.51.100.152', mask: '255.255.255.248' }, remote: { type: 'ipv4-subnet', address: '198.51.100.144', mask: '255.255.255.248' }, protocol: 0, port: 0 }]);
    expect(new TextDecoder().decode(config.psk({ address: '198.51.100.129', port: 500 }))).to.equal('dpd-harness-lab-strongswan');
  });
});
