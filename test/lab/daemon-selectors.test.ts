import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { LabError } from '../../src/errors.js';
import { planConnections, parseDaemonConfig } from '../../src/lab/daemon-config.js';
import { connectionSelectors, labSelectorsOf, mirrorSelectors } from '../../src/lab/daemon-selectors.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { replicaSpecs } from '../../src/lab/lab-replica.js';
import { pairConnNames, renderIpsecConf } from '../../src/lab/libreswan-config.js';
import { saListingsFromWhack } from '../../src/lab/libreswan.js';
import { renderSwanctlConf } from '../../src/lab/strongswan-config.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';

// Written from the fake peer's side, as in a profile: local = behind the peer, remote = behind the DUT.
const profileSelectors = [
  { local: '203.0.113.184/29', remote: '203.0.113.176/29' },
  { local: '192.0.2.10', remote: '192.0.2.32-192.0.2.47', protocol: 6, port: 443 },
];
const config = parseDaemonConfig({ dpd: { delay: 3, timeout: 9 } });
const connections = planConnections('dut', ['198.51.100.209'], ['198.51.100.210', '198.51.100.211']);
const dutSelectors = mirrorSelectors('dut', labSelectorsOf(profileSelectors));

describe('lab: the profile traffic selectors rendered into the daemons', () => {
  it("mirrors the profile's pairs for the DUT and keeps them for the peer daemon", () => {
    expect(dutSelectors).to.deep.equal([
      { local: '203.0.113.176/29', remote: '203.0.113.184/29' },
      { local: '192.0.2.32-192.0.2.47', remote: '192.0.2.10', protocol: 6, port: 443 },
    ]);
    expect(mirrorSelectors('peer', labSelectorsOf(profileSelectors))[1]).to.deep.equal({ local: '192.0.2.10', remote: '192.0.2.32-192.0.2.47', protocol: 6, port: 443 });
  });

  it('falls back to the inner subnets, then to the hosts, without selectors', () => {
    const hosts = { local: '198.51.100.209', remote: '198.51.100.210' };
    expect(connectionSelectors([], { local: ['203.0.113.176/29'], remote: [] }, hosts)).to.deep.equal([{ local: '203.0.113.176/29', remote: '198.51.100.210/32' }]);
    expect(connectionSelectors(dutSelectors, { local: ['203.0.113.176/29'], remote: [] }, hosts)).to.deep.equal(dutSelectors);
  });

  it('strongSwan: one child per pair in every connection, net first, protocol and port in brackets, hosts as /32', () => {
    const text = renderSwanctlConf({ config, connections, localSubnets: ['198.51.100.0/28'], remoteSubnets: [], selectors: dutSelectors, paths: { vici: '/v', log: '/l', keyLog: '/k' }, emulated: true }, 'k');
    const children = [...text.matchAll(/^ {6}(net\d*) \{\n {8}local_ts = (.*)\n {8}remote_ts = (.*)$/gm)].map((m) => m.slice(1));
    expect(children).to.deep.equal([
      ['net', '203.0.113.176/29', '203.0.113.184/29'],
      ['net2', '192.0.2.32-192.0.2.47[6/443]', '192.0.2.10/32[6/443]'],
      ['net', '203.0.113.176/29', '203.0.113.184/29'],
      ['net2', '192.0.2.32-192.0.2.47[6/443]', '192.0.2.10/32[6/443]'],
    ]);
    expect(text).not.to.contain('198.51.100.0/28');
  });

  it('Libreswan: one conn per pair (peerN, peerN-ts2…), protoport on both sides, only where the pair has one', () => {
    const pairs = labSelectorsOf([profileSelectors[0]!, { local: '192.0.2.10', remote: '192.0.2.32/28', protocol: 17, port: 53 }]);
    const text = renderIpsecConf({ config, connections, localSubnets: [], remoteSubnets: [], selectors: mirrorSelectors('dut', pairs), logFile: '/l' });
    const conns = text.split(/^conn /m).slice(1).map((c) => ({
      name: c.split('\n')[0],
      left: /leftsubnet=(.*)/.exec(c)?.[1],
      right: /rightsubnet=(.*)/.exec(c)?.[1],
      ports: [/leftprotoport=(.*)/.exec(c)?.[1], /rightprotoport=(.*)/.exec(c)?.[1]],
      peer: /right=(.*)/.exec(c)?.[1],
    }));
    expect(conns).to.deep.equal([
      { name: 'peer1', left: '203.0.113.176/29', right: '203.0.113.184/29', ports: [undefined, undefined], peer: '198.51.100.210' },
      { name: 'peer1-ts2', left: '192.0.2.32/28', right: '192.0.2.10/32', ports: ['17/53', '17/53'], peer: '198.51.100.210' },
      { name: 'peer2', left: '203.0.113.176/29', right: '203.0.113.184/29', ports: [undefined, undefined], peer: '198.51.100.211' },
      { name: 'peer2-ts2', left: '192.0.2.32/28', right: '192.0.2.10/32', ports: ['17/53', '17/53'], peer: '198.51.100.211' },
    ]);
    expect(pairConnNames('peer2', 2)).to.deep.equal(['peer2', 'peer2-ts2']);
    expect(pairConnNames('peer2', 0)).to.deep.equal(['peer2']);
  });

  it("Libreswan status: a further pair's IPsec SA is listed under its connection, with the SPIs in [inbound, outbound] order", () => {
    const whack = [
      '#1: "peer1":500 STATE_MAIN_R3 (ISAKMP SA established); REPLACE in 3300s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle;',
      '#2: "peer1":500 STATE_QUICK_R2 (IPsec SA established); REPLACE in 28500s; newest IPSEC; eroute owner; isakmp#1; idle;',
      '#2: "peer1" esp.c0ffee01@198.51.100.210 esp.beef0001@198.51.100.209 tun.0@198.51.100.210 tun.0@198.51.100.209 Traffic: ESPin=0B ESPout=0B! ESPmax=0B',
      '#3: "peer1-ts2":500 STATE_QUICK_R2 (IPsec SA established); REPLACE in 28500s; newest IPSEC; eroute owner; isakmp#1; idle;',
      '#3: "peer1-ts2" esp.c0ffee02@198.51.100.210 esp.beef0002@198.51.100.209 tun.0@198.51.100.210 tun.0@198.51.100.209 Traffic: ESPin=0B ESPout=0B! ESPmax=0B',
    ].join('\n');
    const [listing, ...others] = saListingsFromWhack(whack, connections);
    expect(others).to.have.length(0);
    expect(listing!.conn).to.equal('peer1');
    expect(listing!.ike).to.deep.equal({ state: 'STATE_MAIN_R3', peer: '198.51.100.210', established: true });
    expect(listing!.children.map((c) => [c.name, c.installed, c.spis])).to.deep.equal([
      ['#2', true, ['beef0001', 'c0ffee01']],
      ['#3', true, ['beef0002', 'c0ffee02']],
    ]);
  });

  const lab = {
    name: 'dpdsel',
    kind: 'strongswan',
    subnet: '198.51.100.64/28',
    dut_address: '198.51.100.65',
    peer_addresses: ['198.51.100.66'],
    psk: 'not-in-logs',
  };

  it('lab copies (--jobs) avoid the blocks a selector names, and refuse a selector on the link, which each copy moves', () => {
    const spec = { ...parseLabSpec(lab, { file: 'p.yaml' }), trafficSelectors: labSelectorsOf([{ local: '198.51.100.80/28', remote: '198.51.100.96-198.51.100.100' }]) };
    expect(replicaSpecs(spec, 3).map((c) => c.subnet)).to.deep.equal(['198.51.100.64/28', '198.51.100.112/28', '198.51.100.128/28']);
    const onLink = { ...spec, trafficSelectors: labSelectorsOf([{ local: '198.51.100.66', remote: '203.0.113.0/24' }]) };
    expect(replicaSpecs(onLink, 1)).to.have.length(1);
    expect(() => replicaSpecs(onLink, 2)).to.throw(LabError, /traffic selector 198\.51\.100\.66 lies in lab dpdsel's link subnet/);
  });

  const profileText = (kind: string, selectors: string): string => `identity: { vendor: v, product: p, version: "1" }
target: { kind: ${kind} }
ike:
  traffic_selectors:
${selectors}
dpd: { mode: periodic, interval: 2, retry_interval: 2, probes_before_dead: 3, dead_time_from: first-unanswered-probe, dead_timeout: 6, retry_seq: increment, delete_on_dead: true, action: clear, tolerance: { absolute: 0.6, relative: 0.05 } }
lab:
  name: dpdsel
  kind: ${kind}
  subnet: 198.51.100.64/28
  dut_address: 198.51.100.65
  peer_addresses: [198.51.100.66]
  psk: not-in-logs
`;

  it("a lab profile carries its ike.traffic_selectors into the lab spec; Libreswan refuses a range at the selector's position", () => {
    const pairs = '    - { local: 203.0.113.184/29, remote: 203.0.113.176/29 }\n    - { local: 192.0.2.10, remote: 192.0.2.32-192.0.2.47, protocol: 6, port: 443 }';
    const p = profileFromSource(YamlSource.parse('s.yaml', profileText('strongswan', pairs)));
    expect('lab' in p.target && p.target.lab.trafficSelectors).to.deep.equal(labSelectorsOf(profileSelectors));
    expect(() => profileFromSource(YamlSource.parse('l.yaml', profileText('libreswan', pairs)))).to.throw(/^l\.yaml:6:36: "192\.0\.2\.32-192\.0\.2\.47": Libreswan's leftsubnet\/rightsubnet take no address range/);
  });

  it('the shipped lab profiles still render without selectors (host or inner-subnet policies)', () => {
    for (const file of ['profiles/strongswan.yaml', 'profiles/libreswan.yaml']) expect(readFileSync(file, 'utf8')).not.to.contain('traffic_selectors');
  });
});
