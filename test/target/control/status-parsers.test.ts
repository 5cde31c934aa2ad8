import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { statusParser } from '../../../src/target/control/status-parsers.js';
import { rejectionOf } from '../../support/rejection-of.js';

const sample = (name: string): string => readFileSync(new URL(`../../fixtures/status/${name}`, import.meta.url), 'utf8');
const DUT = { dutAddress: '198.51.100.1' };
const up = (entries: { peer: string; up: boolean }[]): string[] => entries.filter((e) => e.up).map((e) => e.peer);

describe('target/control: status parsers on sample output (sources in test/fixtures/status/README.md)', () => {
  it('cisco-ios-isakmp-sa: QM_IDLE ACTIVE rows are up, the peer is the column that is not the router', () => {
    const entries = statusParser('cisco-ios-isakmp-sa')(sample('cisco-isakmp-sa.txt'), DUT);
    expect(entries.map((e) => [e.peer, e.state, e.up])).to.deep.equal([
      ['198.51.100.10', 'QM_IDLE', true],
      ['198.51.100.11', 'MM_NO_STATE', false],
      ['198.51.100.12', 'QM_IDLE', false],
    ]);
  });

  it('cisco-ios-crypto-session: UP-ACTIVE with an Active IKEv1 SA is up, DOWN is not', () => {
    const entries = statusParser('cisco-ios-crypto-session')(sample('cisco-crypto-session.txt'), DUT);
    expect(entries.map((e) => [e.peer, e.up])).to.deep.equal([['198.51.100.10', true], ['198.51.100.11', false]]);
  });

  it('juniper-srx, panos, fortios: the established SA is up, the one in negotiation is listed but not up', () => {
    expect(statusParser('juniper-srx')(sample('juniper-srx.txt'), DUT).map((e) => [e.peer, e.up])).to.deep.equal([['198.51.100.10', true], ['198.51.100.11', false]]);
    expect(statusParser('panos')(sample('panos-detail.txt'), DUT).map((e) => [e.peer, e.state, e.up])).to.deep.equal([['198.51.100.10', 'Established', true], ['198.51.100.11', 'Pending', false]]);
    expect(statusParser('fortios')(sample('fortios.txt'), DUT).map((e) => [e.peer, e.state, e.up])).to.deep.equal([['198.51.100.10', 'established', true], ['198.51.100.11', 'connecting', false]]);
  });

  it('strongswan-swanctl: ESTABLISHED is up, CONNECTING is not; the peer from the remote line', () => {
    const entries = statusParser('strongswan-swanctl')(sample('swanctl-list-sas.txt'), { dutAddress: '203.0.113.145' });
    expect(entries.map((e) => [e.peer, e.state, e.up])).to.deep.equal([['203.0.113.146', 'ESTABLISHED', true], ['203.0.113.147', 'CONNECTING', false]]);
  });

  it('libreswan-showstates: the peer from the ESP SPI line or the instance address; MAIN_R3 is up, MAIN_R2 is not', () => {
    const entries = statusParser('libreswan-showstates')(sample('whack-showstates.txt'), { dutAddress: '203.0.113.145' });
    expect(entries.map((e) => [e.peer, e.state, e.up])).to.deep.equal([['203.0.113.146', 'STATE_MAIN_R3', true], ['198.51.100.20', 'STATE_MAIN_R2', false]]);
  });

  it('libreswan-showstates on IKEv2 (pluto 4.10 as a branch router): the IKE SA is the entry, up when established; its Child SA is not another', () => {
    const parse = statusParser('libreswan-showstates');
    expect(parse(sample('whack-showstates-ikev2.txt'), { dutAddress: '198.51.100.169' }).map((e) => [e.peer, e.state, e.up])).to.deep.equal([['198.51.100.170', 'STATE_V2_ESTABLISHED_IKE_SA', true]]);
    const halfOpen = '000 #3: "head-end"[1] 198.51.100.171:500 STATE_V2_PARENT_R1 (sent IKE_SA_INIT reply); EVENT_SO_DISCARD in 199s; idle;';
    expect(parse(halfOpen, { dutAddress: '198.51.100.169' }).map((e) => [e.peer, e.state, e.up])).to.deep.equal([['198.51.100.171', 'STATE_V2_PARENT_R1', false]]);
  });

  it('libreswan-trafficstatus: every ESP line is a peer with an SA', () => {
    expect(up(statusParser('libreswan-trafficstatus')(sample('trafficstatus.txt'), DUT))).to.deep.equal(['203.0.113.146']);
  });

  it('regex: the named group peer of every matching line', () => {
    const parse = statusParser('regex', String.raw`^tunnel (?<peer>\S+) (?<state>up)$`);
    expect(parse('tunnel 198.51.100.10 up\ntunnel 198.51.100.11 down\n', DUT).map((e) => [e.peer, e.state])).to.deep.equal([['198.51.100.10', 'up']]);
  });

  it('empty output is no SA; an error from the router is ERR_CONTROL_PARSE naming the line, never "no SA"', async () => {
    expect(statusParser('cisco-ios-isakmp-sa')('', DUT)).to.deep.equal([]);
    for (const format of ['cisco-ios-isakmp-sa', 'strongswan-swanctl', 'juniper-srx', 'fortios'] as const) {
      const err = (await rejectionOf((async () => statusParser(format)("show crypto isakmp sa\n% Invalid input detected at '^' marker.\n", DUT))())) as Error & { code: string };
      expect(err).to.include({ code: 'ERR_CONTROL_PARSE' });
      expect(err.message).to.contain('% Invalid input');
    }
    const err = (await rejectionOf((async () => statusParser('cisco-ios-isakmp-sa')('Connection to rtr closed by remote host.\n', DUT))())) as Error & { code: string };
    expect(err).to.include({ code: 'ERR_CONTROL_PARSE' });
  });
});
