import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { LabSpecError, parseLabSpec, redactLabSpec } from '../../src/lab/lab-spec.js';

const source = { file: 'profiles/test.yaml', base: ['lab'] };

function valid(): Record<string, unknown> {
  return {
    name: 'tli1',
    kind: 'strongswan',
    subnet: '203.0.113.0/28',
    dut_address: '203.0.113.1',
    peer_addresses: ['203.0.113.2', '203.0.113.3'],
    dut_subnets: ['198.51.100.0/28'],
    peer_subnets: ['198.51.100.16/28'],
    psk: 'not-in-logs',
    dut: { dpd: { delay: 10 } },
  };
}

function errorFor(patch: Record<string, unknown>): LabSpecError {
  try {
    parseLabSpec({ ...valid(), ...patch }, source);
  } catch (err) {
    expect(err).to.be.instanceOf(LabSpecError);
    expect(err).to.be.instanceOf(ConfigError);
    return err as LabSpecError;
  }
  throw new Error('expected a LabSpecError');
}

describe('lab/lab-spec parseLabSpec', () => {
  it('accepts a full spec and normalises it', () => {
    const spec = parseLabSpec(valid(), source);
    expect(spec).to.deep.include({
      name: 'tli1',
      dutKind: 'strongswan',
      subnet: '203.0.113.0/28',
      dutAddress: '203.0.113.1',
      peerAddresses: ['203.0.113.2', '203.0.113.3'],
      dutSubnets: ['198.51.100.0/28'],
      peerSubnets: ['198.51.100.16/28'],
      peerNetns: false,
    });
    expect(spec.dut).to.deep.equal({ dpd: { delay: 10 } });
  });

  it('defaults the lab name to dpdh', () => {
    const { name: _omitted, ...rest } = valid();
    expect(parseLabSpec(rest, source).name).to.equal('dpdh');
  });

  it('rejects an unknown DUT kind, naming the field', () => {
    const err = errorFor({ kind: 'cisco-asa' });
    expect(err.code).to.equal('ERR_CONFIG_SCHEMA');
    expect(err.field).to.equal('lab.kind');
  });

  it('rejects a DUT address outside the documentation ranges, naming the field', () => {
    const err = errorFor({ subnet: '10.1.0.0/24', dut_address: '10.1.0.1' });
    expect(err.code).to.equal('ERR_CONFIG_SCHEMA');
    expect(err.field).to.equal('lab.subnet');
  });

  it('rejects a peer address outside the lab subnet, naming the list index', () => {
    expect(errorFor({ peer_addresses: ['203.0.113.2', '192.168.1.3'] }).field).to.equal('lab.peer_addresses.1');
  });

  it('rejects an inner subnet outside the documentation ranges', () => {
    expect(errorFor({ dut_subnets: ['10.1.0.0/24'] }).field).to.equal('lab.dut_subnets.0');
  });

  it('rejects a missing PSK, naming the field', () => {
    const err = errorFor({ psk: undefined });
    expect(err.code).to.equal('ERR_CONFIG_SCHEMA');
    expect(err.field).to.equal('lab.psk');
  });

  it('rejects duplicate addresses, overlapping subnets, bad names and unknown keys', () => {
    expect(errorFor({ peer_addresses: ['203.0.113.1'] }).field).to.equal('lab.peer_addresses.0');
    expect(errorFor({ peer_subnets: ['198.51.100.0/29'] }).field).to.equal('lab.peer_subnets.0');
    expect(errorFor({ dut_subnets: ['203.0.113.0/29'] }).field).to.equal('lab.dut_subnets.0');
    expect(errorFor({ name: 'much-too-long-name' }).field).to.equal('lab.name');
    expect(errorFor({ subnet: '203.0.113.0/30', dut_address: '203.0.113.1', peer_addresses: ['203.0.113.2'] }).field).to.equal('lab.subnet');
    expect(errorFor({ dut_adress: '203.0.113.1' }).field).to.equal('lab.dut_adress');
  });

  it('accepts a peer daemon only in peer-namespace mode', () => {
    expect(errorFor({ peer_daemon: { kind: 'libreswan' } }).field).to.equal('lab.peer_daemon');
    expect(errorFor({ peer_netns: true, peer_daemon: { kind: 'openswan' } }).field).to.equal('lab.peer_daemon.kind');
    const spec = parseLabSpec({ ...valid(), peer_netns: true, peer_daemon: { kind: 'libreswan', dpd: { delay: 3 } } }, source);
    expect(spec.peerDaemon).to.deep.equal({ kind: 'libreswan', config: { dpd: { delay: 3 } } });
    expect(errorFor({ peer_netns: true, peer_daemon: { kind: 'libreswan', dpd: 'x' } }).field).to.equal('lab.peer_daemon.dpd');
  });

  it('places the error at the position the locator gives', () => {
    const err = (() => {
      try {
        parseLabSpec({ ...valid(), kind: 'x' }, { ...source, locate: (p) => (p.join('.') === 'lab.kind' ? { line: 7, col: 9 } : undefined) });
      } catch (e) {
        return e as LabSpecError;
      }
      throw new Error('expected an error');
    })();
    expect([err.file, err.line, err.col]).to.deep.equal(['profiles/test.yaml', 7, 9]);
  });

  it('redacts the PSK for state files and reports', () => {
    expect(JSON.stringify(redactLabSpec(parseLabSpec(valid(), source)))).not.to.contain('not-in-logs');
  });
});
