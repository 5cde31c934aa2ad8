import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../../src/profile/load-profile.js';
import { canonicalJson, profileHash } from '../../src/profile/profile-hash.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describe('profile: profile hash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpd-profile-hash-'));
  const variant = (name: string, edit: (yaml: string) => string, source = 'cisco-like.yaml'): string => {
    const file = join(dir, name);
    writeFileSync(file, edit(readFileSync(fixture(source), 'utf8')));
    return file;
  };

  it('canonical JSON sorts keys at every level and leaves out the omitted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null }, psk: 'x' }, new Set(['psk']))).to.equal('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('is the same for the profile moved to another file or with another PSK or fake-peer socket buffers, different when DPD expectations change', () => {
    const original = profileHash(loadProfile(fixture('cisco-like.yaml')));
    expect(original).to.match(/^sha256:[0-9a-f]{64}$/);
    const text = readFileSync(fixture('cisco-like.yaml'), 'utf8');
    const psk = /psk:.*$/m.exec(text)![0];
    expect(profileHash(loadProfile(variant('moved.yaml', (t) => t)))).to.equal(original);
    expect(profileHash(loadProfile(variant('rekeyed.yaml', (t) => t.replace(psk, 'psk: { value: another-key }'))))).to.equal(original);
    expect(profileHash(loadProfile(variant('buffered.yaml', (t) => `${t}\npeer:\n  socket_buffers: { receive: 2MiB }\n`)))).to.equal(original);
    expect(profileHash(loadProfile(variant('slower.yaml', (t) => t.replace(/interval: \d+/, 'interval: 77'))))).to.not.equal(original);
  });

  it('leaves the PSK of a lab spec out too', () => {
    const lab = readFileSync(fixture('strongswan-lab.yaml'), 'utf8');
    const labPsk = /^(\s+)psk: .*$/m.exec(lab);
    expect(labPsk, 'the lab fixture carries its own psk').to.not.equal(null);
    const original = profileHash(loadProfile(fixture('strongswan-lab.yaml')));
    const rekeyed = variant('lab-rekeyed.yaml', (t) => t.replace(labPsk![0], `${labPsk![1]}psk: another-lab-key`), 'strongswan-lab.yaml');
    expect(profileHash(loadProfile(rekeyed))).to.equal(original);
  });
});
