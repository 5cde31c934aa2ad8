import { expect } from 'chai';
import { LabError } from '../../src/errors.js';
import { overlaps, parsePrefix, isDocumentationPrefix, contains, parseAddress, type Prefix } from '../../src/lab/ipv4.js';
import { replicaName, replicaSpecs } from '../../src/lab/lab-replica.js';
import { LAB_NAME, parseLabSpec } from '../../src/lab/lab-spec.js';

const spec = parseLabSpec({
  name: 'dpdssr',
  kind: 'strongswan',
  subnet: '198.51.100.64/28',
  dut_address: '198.51.100.65',
  peer_addresses: ['198.51.100.66', '198.51.100.67', '198.51.100.68'],
  dut_subnets: ['198.51.100.80/29', '203.0.113.80/29'],
  peer_subnets: ['203.0.113.88/29'],
  psk: 'not-in-logs',
  dut: { dpd: { delay: 2, timeout: 6 } },
}, { file: 'profiles/test.yaml', base: ['lab'] });
const prefix = (t: string): Prefix => parsePrefix(t)!;

describe('lab replicas (run --jobs on a lab)', () => {
  it('copy 0 is the spec itself', () => {
    expect(replicaSpecs(spec, 1)).to.deep.equal([spec]);
    expect(replicaSpecs(spec, 3)[0]).to.equal(spec);
  });

  it('gives each copy its own name and a link subnet that overlaps no other copy and no inner subnet', () => {
    const copies = replicaSpecs(spec, 6);
    expect(copies.map((c) => c.name)).to.deep.equal(['dpdssr', 'dpdssr1', 'dpdssr2', 'dpdssr3', 'dpdssr4', 'dpdssr5']);
    const links = copies.map((c) => prefix(c.subnet));
    const inner = [...spec.dutSubnets, ...spec.peerSubnets].map(prefix);
    for (const [i, l] of links.entries()) {
      expect(isDocumentationPrefix(l), copies[i]!.subnet).to.equal(true);
      expect(l.length).to.equal(28);
      for (const other of [...links.slice(i + 1), ...inner]) expect(overlaps(l, other), `${copies[i]!.subnet} vs ${other.network}`).to.equal(false);
    }
    // 198.51.100.80/29 is an inner subnet: the /28 holding it is skipped.
    expect(copies[1]!.subnet).to.equal('198.51.100.96/28');
  });

  it('keeps every address at its offset in the moved link and the daemon settings as they were', () => {
    for (const c of replicaSpecs(spec, 4).slice(1)) {
      const link = prefix(c.subnet);
      const offset = (a: string, base: number): number => parseAddress(a)! - base;
      expect(offset(c.dutAddress, link.network)).to.equal(offset(spec.dutAddress, prefix(spec.subnet).network));
      expect(c.peerAddresses.map((a) => offset(a, link.network))).to.deep.equal([2, 3, 4]);
      expect(c.peerAddresses.every((a) => contains(link, parseAddress(a)!))).to.equal(true);
      expect({ ...c, name: '', subnet: '', dutAddress: '', peerAddresses: [] }).to.deep.equal({ ...spec, name: '', subnet: '', dutAddress: '', peerAddresses: [] });
    }
  });

  it('moves on to the other documentation ranges when its own /24 is full, and says so when all are', () => {
    const wide = { ...spec, subnet: '192.0.2.0/26', dutAddress: '192.0.2.1', peerAddresses: ['192.0.2.2'], dutSubnets: [], peerSubnets: [] };
    const copies = replicaSpecs(wide, 12);
    expect(copies.map((c) => c.subnet.split('.').slice(0, 3).join('.'))).to.deep.equal([
      ...Array(4).fill('192.0.2'), ...Array(4).fill('198.51.100'), ...Array(4).fill('203.0.113'),
    ]);
    expect(() => replicaSpecs(wide, 13)).to.throw(LabError, /--jobs 13: the documentation ranges hold only 12 copies/).with.property('code', 'ERR_LAB_SUBNET_BUSY');
  });

  it('names stay lab names (≤ 10 characters) however long the base', () => {
    expect(replicaName('abcdefghij', 0)).to.equal('abcdefghij');
    expect(replicaName('abcdefghij', 3)).to.equal('abcdefghi3');
    expect(replicaName('abcdefghij', 12)).to.equal('abcdefgh12');
    for (let i = 0; i < 40; i++) expect(LAB_NAME.test(replicaName('abcdefghij', i))).to.equal(true);
  });
});
