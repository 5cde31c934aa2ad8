import { expect } from 'chai';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import {
  describeStep,
  findSubnetConflicts,
  labNames,
  parseNetnsList,
  planTeardown,
  planTopology,
  type Step,
} from '../../src/lab/topology.js';

const base = {
  name: 'tli1',
  kind: 'strongswan',
  subnet: '203.0.113.0/28',
  dut_address: '203.0.113.1',
  peer_addresses: ['203.0.113.2', '203.0.113.3'],
  dut_subnets: ['198.51.100.0/28'],
  peer_subnets: ['198.51.100.16/28'],
  psk: 'x',
};
const hostSpec = parseLabSpec(base, { file: 't' });
const nsSpec = parseLabSpec({ ...base, peer_netns: true }, { file: 't' });

const lines = (steps: Step[]) => steps.map(describeStep);

describe('lab/topology planning (pure)', () => {
  it('names fit IFNAMSIZ for the longest lab name', () => {
    for (const n of Object.values(labNames('abcdefghij'))) expect(n.length).to.be.at.most(15);
  });

  it('host mode: only the DUT gets a namespace; the harness end and peer addresses stay in the root namespace', () => {
    const plan = lines(planTopology(hostSpec, 'real'));
    expect(plan).to.deep.equal([
      'ip netns add tli1-dut',
      'ip -n tli1-dut link set lo up',
      'ip link add tli1-p type veth peer name tli1-d netns tli1-dut',
      'ip netns exec tli1-dut sysctl -q -w net.ipv6.conf.tli1-d.disable_ipv6=1',
      'sysctl -q -w net.ipv6.conf.tli1-p.disable_ipv6=1',
      'ip -n tli1-dut addr add 203.0.113.1/28 dev tli1-d',
      'ip -n tli1-dut addr add 198.51.100.1/28 dev lo',
      'ip -n tli1-dut link set tli1-d up',
      'ip addr add 203.0.113.2/28 dev tli1-p',
      'ip addr add 203.0.113.3/28 dev tli1-p',
      'ip link set tli1-p up',
    ]);
  });

  it('never puts inner subnets on the root namespace', () => {
    const rootSteps = planTopology(hostSpec, 'real').filter((s) => s.op !== 'kill-netns-pids' && !s.netns);
    expect(rootSteps.map(describeStep).join('\n')).not.to.contain('198.51.100.');
  });

  it('emulated data plane: keeps larval SAs alive in every namespace it creates', () => {
    const plan = lines(planTopology(nsSpec, 'emulated'));
    expect(plan).to.include('ip netns exec tli1-dut sysctl -q -w net.core.xfrm_acq_expires=86400');
    expect(plan).to.include('ip netns exec tli1-peer sysctl -q -w net.core.xfrm_acq_expires=86400');
    expect(lines(planTopology(nsSpec, 'real')).join('\n')).not.to.contain('xfrm_acq_expires');
  });

  it('peer-namespace mode: both veth ends and all addresses live in namespaces', () => {
    const steps = planTopology(nsSpec, 'real');
    expect(lines(steps)).to.include('ip link add tli1-p netns tli1-peer type veth peer name tli1-d netns tli1-dut');
    expect(lines(steps)).to.include('ip -n tli1-peer addr add 198.51.100.17/28 dev lo');
    const inRoot = steps.filter((s) => s.op !== 'kill-netns-pids' && !s.netns && !(s.op === 'ip' && ['netns', 'link'].includes(s.args[0]) && s.args[1] === 'add'));
    expect(inRoot).to.deep.equal([]);
  });

  it('teardown kills processes before deleting namespaces, and always removes the root veth end', () => {
    expect(lines(planTeardown('tli1', ['other-dut', 'tli1-dut', 'tli1-peer']))).to.deep.equal([
      'kill processes in tli1-dut',
      'kill processes in tli1-peer',
      'ip netns del tli1-dut',
      'ip netns del tli1-peer',
      'ip link del tli1-p',
    ]);
    expect(lines(planTeardown('tli1', ['other-dut']))).to.deep.equal(['ip link del tli1-p']);
  });

  it('parses ip netns list output', () => {
    expect(parseNetnsList('tli1-dut (id: 3)\nfoo\n\n')).to.deep.equal(['tli1-dut', 'foo']);
  });

  it('finds root-namespace addresses and routes overlapping the lab subnet, ignoring its own veth and the default route', () => {
    const addrs = [
      { ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.0.2.2', prefixlen: 24 }] },
      { ifname: 'other-p', addr_info: [{ family: 'inet', local: '203.0.113.5', prefixlen: 29 }] },
      { ifname: 'tli1-p', addr_info: [{ family: 'inet', local: '203.0.113.2', prefixlen: 28 }] },
    ];
    const routes = [{ dst: 'default', dev: 'eth0' }, { dst: '203.0.113.8/30', dev: 'tun0' }];
    expect(findSubnetConflicts('203.0.113.0/28', addrs, routes, 'tli1-p')).to.deep.equal([
      '203.0.113.5/29 on other-p',
      'route 203.0.113.8/30 via tun0',
    ]);
    expect(findSubnetConflicts('203.0.113.16/28', addrs, routes, 'tli1-p')).to.deep.equal([]);
    expect(findSubnetConflicts('192.0.2.16/28', addrs, routes, 'tli1-p')).to.deep.equal(['192.0.2.2/24 on eth0']);
  });
});
