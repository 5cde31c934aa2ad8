import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { engineConfigFromProfile } from '../../src/peer/profile-engine-config.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { seededRandom } from '../support/seeded-random.js';

const PROFILE = fileURLToPath(new URL('../fixtures/peer/serve-profile.yaml', import.meta.url));

describe('peer/profile-engine-config', () => {
  const config = engineConfigFromProfile(loadProfile(PROFILE), seededRandom('profile-engine-config'));

  it("maps the profile's IKE proposals in order, with its IKE lifetime", () => {
    expect(config.proposals).to.deep.equal([
      { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 },
      { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 14, lifetimeSeconds: 28800 },
    ]);
  });

  it('accepts ESP with the same cipher and integrity, with PFS in the same group and without', () => {
    expect(config.espProposals.map((p) => `${p.cipher}/${p.keyLength}/${p.integrity}/${p.pfsGroup ?? 'no-pfs'}`)).to.deep.equal([
      'aes-cbc/16/sha1/14',
      'aes-cbc/16/sha1/no-pfs',
      'aes-cbc/32/sha256/14',
      'aes-cbc/32/sha256/no-pfs',
    ]);
  });

  it('hands the engine the PSK for any remote', () => {
    expect(new TextDecoder().decode(config.psk({ address: '192.0.2.1', port: 500 }))).to.equal('serve-test-psk');
  });
});
