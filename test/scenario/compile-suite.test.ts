import { expect } from 'chai';
import { loadProfile } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { compileSuite, validateSuite, type HostCapabilities } from '../../src/scenario/compile-suite.js';
import type { PlannedSuite } from '../../src/scenario/plan.js';

const cisco = loadProfile(new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname);
const strongswan = loadProfile(new URL('../profile/fixtures/strongswan-lab.yaml', import.meta.url).pathname);

const compile = (text: string, profile = cisco, host?: HostCapabilities): PlannedSuite => {
  const src = YamlSource.parse('s.yaml', text);
  return compileSuite(src, validateSuite(src), profile, host);
};

const SUITE_WITH_TRAFFIC = `suite: demo
scenarios:
  - id: knobs
    title: every behave knob
    steps:
      - bring_up: { initiator: dut, peer: 1, timeout: "2 * \${dpd.interval}" }
      - behave: { silence: out, delay_ack: 1500ms, ack_seq: { const: 7 }, hide_dpd_vid: true, ignore_dpd: false }
      - behave: { answer: true, send_probe: { seq: wrap }, send_crafted: bad-hash, traffic: true }
      - expect_probes: { count: "\${dpd.probes_before_dead}", spacing: "\${dpd.retry_interval}", within: 12 }
      - expect_seq: { relation: profile }
      - expect_delete: { expected: profile, at: "\${dpd.time_to_dead}", from: first-probe }
      - expect_message: { kind: r-u-there-ack, after: 0.1, within: "max(1, \${dpd.retry_interval})" }
      - expect_initiate: { peer: 2, within: "\${dpd.failover.within}" }
  - id: on-demand-only
    title: skipped unless on-demand
    requires: { dpd.mode: on-demand }
    steps:
      - bring_up: {}
`;
const SUITE = SUITE_WITH_TRAFFIC;

describe('scenario/compile-suite', () => {
  it('compiles every step with the profile numbers, peers resolved through dpd.peers', () => {
    const plan = compile(SUITE);
    expect(plan.name).to.equal('demo');
    const [knobs, onDemand] = plan.scenarios;
    expect(knobs!.id).to.equal('demo/knobs');
    expect(knobs!.peerAddresses).to.deep.equal(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(knobs!.steps.map((s) => s.step)).to.deep.equal([
      { kind: 'bring-up', initiator: 'dut', peerIndex: 1, timeoutS: 20 },
      { kind: 'behave', change: { silence: 'out', answerDelayMs: 1500, dpd: 'answer', hideDpdVendorId: true, ackSeq: { kind: 'constant', value: 7 } }, label: 'silence out, delay ACKs 1.5 s, answer R-U-THERE, hide DPD vendor ID, ACK seq const 7' },
      { kind: 'behave', change: { silence: 'none', answerDelayMs: 0, dpd: 'answer', ackSeq: { kind: 'echo' } }, label: 'answer, send R-U-THERE (seq wrap), send crafted bad-hash, DUT traffic on', sendProbe: { kind: 'wrap' }, sendCrafted: 'bad-hash', dutTraffic: true },
      { kind: 'expect-probes', count: 5, spacing: 2, origin: 'step', windowS: 12 },
      { kind: 'expect-seq', relation: 'increment' },
      { kind: 'expect-message', message: 'delete', direction: 'in', present: true, timing: { kind: 'at', at: 10, origin: 'first-probe' } },
      { kind: 'expect-message', message: 'r-u-there-ack', direction: 'in', present: true, timing: { kind: 'window', from: 0.1, to: 2, origin: 'step' } },
      { kind: 'expect-initiate', peerIndex: 2, timing: { kind: 'window', from: 0, to: 2, origin: 'step' } },
    ]);
    expect(knobs!.steps[0]!.where).to.equal('s.yaml:6');
    expect(onDemand!.skip).to.equal('requires dpd.mode on-demand (profile: periodic)');
  });

  it('the same suite against strongSwan: reuse, no Delete, and skips what the profile cannot do', () => {
    // The lab cannot make charon send traffic: that skip has its own test below.
    const SUITE = SUITE_WITH_TRAFFIC.replace(', traffic: true', '');
    const plan = compile(SUITE.replace(/      - expect_initiate.*\n/, '').replace('peer: 1,', 'peer: 0,'), strongswan);
    const steps = plan.scenarios[0]!.steps.map((s) => s.step);
    expect(steps[4]).to.deep.equal({ kind: 'expect-seq', relation: 'same' });
    expect(steps[5]).to.deep.include({ present: false, timing: { kind: 'at', at: 20, origin: 'first-probe' } });
    expect(compile(SUITE, strongswan).scenarios[0]!.skip).to.equal("needs 3 peers in the DUT's peer list (profile dpd.peers has 1)");
  });

  it('a variable the profile lacks skips the scenario instead of failing the run', () => {
    const text = SUITE_WITH_TRAFFIC.replace(', traffic: true', '').replace('peer: 2, within', 'peer: 0, within').replace('peer: 1,', 'peer: 0,');
    expect(compile(text, strongswan).scenarios[0]!.skip).to.equal('profile has no dpd.failover.within');
  });

  it('steps the target cannot perform skip the scenario with what is missing: DUT traffic on a lab, DUT initiation on an external device without control.initiate', () => {
    expect(compile(SUITE_WITH_TRAFFIC.replace('peer: 2, within', 'peer: 0, within').replace('peer: 1,', 'peer: 0,'), strongswan).scenarios[0]!.skip).to.match(/^needs the DUT to send protected traffic/);
    const external = { ...strongswan, target: { kind: 'external' as const, address: '198.51.100.1', port: 500, peerAddresses: ['198.51.100.10'] } };
    const dutFirst = 'suite: d\nscenarios:\n  - id: a\n    title: t\n    steps:\n      - bring_up: { initiator: dut }\n      - expect_seq: { relation: echo }\n';
    expect(compile(dutFirst, external).scenarios[0]!.skip).to.match(/^needs the DUT to initiate IKE .*target\.control\.initiate/);
    const withInitiate = { ...external, target: { ...external.target, control: { initiate: { command: 'true', timeoutS: 5 } } } };
    expect(compile(dutFirst, withInitiate).scenarios[0]!.skip).to.equal(undefined);
    // A DUT failing over initiates by itself: the bring-up after expect_initiate needs no command.
    const failover = dutFirst.replace('      - bring_up: { initiator: dut }\n', '      - bring_up: { initiator: peer }\n      - expect_initiate: { peer: 0, within: 5 }\n      - bring_up: { initiator: dut }\n');
    expect(compile(failover, external).scenarios[0]!.skip).to.equal(undefined);
  });

  it('dpd_at_scale: counts and profile timings evaluated; more SAs than lab peer addresses skips with the number', () => {
    const text = `suite: s
scenarios:
  - id: many
    title: many
    steps:
      - dpd_at_scale: { sas: 50, silent: 5, interval: "\${dpd.interval}", retry_interval: "\${dpd.retry_interval}", probes_before_dead: "\${dpd.probes_before_dead}", dead_at: "\${dpd.time_to_dead}", within: "2 * \${dpd.interval}" }
`;
    const [onReference] = compile(text).scenarios;
    expect(onReference!.skip).to.equal(undefined);
    expect(onReference!.steps[0]!.step).to.deep.include({ kind: 'dpd-at-scale', sas: 50, silent: 5, interval: cisco.dpd.interval, retryInterval: cisco.dpd.retryInterval, probesBeforeDead: cisco.dpd.probesBeforeDead, windowS: 2 * cisco.dpd.interval, timeoutS: 120 });
    const [onLab] = compile(text, strongswan).scenarios;
    expect(onLab!.skip).to.match(/needs 50 SAs at once, each on its own fake-peer endpoint; this target holds \d+/);
    expect(() => compile(text.replace('silent: 5', 'silent: 51'))).to.throw(/51 silent SAs but only 50 SAs/);
  });

  it('a YAML syntax error from an unquoted expression in { } says to quote it', () => {
    expect(() => YamlSource.parse('s.yaml', 'a: { b: ${dpd.interval} }\n')).to.throw(/quote expressions inside \{ \}/);
  });

  it('marks declared deviations with their reason', () => {
    const plan = compile(SUITE.replace('suite: demo', 'suite: sequence-mismatch'));
    expect(plan.scenarios.map((s) => s.expectFail)).to.deep.equal(['accepts ACKs with a wrong sequence number', 'accepts ACKs with a wrong sequence number']);
  });

  it('ICMP silences: the dead-daemon variants and their source address reach the behaviour; a bad address is located', () => {
    const icmp = (extra: string) => `suite: demo
scenarios:
  - id: dead-daemon
    title: host up, IKE daemon dead
    steps:
      - bring_up: { initiator: peer }
      - behave: { silence: icmp-port-unreachable${extra} }
`;
    const [s] = compile(icmp(', icmp_from: 203.0.113.9'), cisco, { rawSocket: true }).scenarios;
    expect(s.steps[1].step).to.deep.include({ change: { silence: 'icmp-port-unreachable', icmpFrom: '203.0.113.9' }, label: 'silence icmp-port-unreachable, ICMP from 203.0.113.9' });
    expect(() => compile(icmp(', icmp_from: 203.0.113.999'), cisco, { rawSocket: true })).to.throw(/s\.yaml:7:\d+: .*icmp_from/);
  });

  it('ICMP silences without a raw socket (the default): skipped with the reason, never run as plain silence', () => {
    const [s] = compile(`suite: demo
scenarios:
  - id: dead-daemon
    title: host up, IKE daemon dead
    steps:
      - bring_up: { initiator: peer }
      - behave: { silence: icmp-admin-prohibited }
      - expect_icmp: {}
`).scenarios;
    expect(s.steps).to.deep.equal([]);
    expect(s.skip).to.equal('needs a raw socket to answer with ICMP (icmp-admin-prohibited): run as root or give node CAP_NET_RAW');
  });
  it('lose_state (INVALID_IKE_SPI, IKEv2) needs requires ike.version 2 and becomes the lostState behaviour', () => {
    const text = (requires: string) => `suite: demo\nscenarios:\n  - id: lost\n    title: lost\n${requires}    steps:\n      - bring_up: {}\n      - behave: { lose_state: true }\n`;
    expect(() => compile(text(''))).to.throw(/s\.yaml:7:\d+: lose_state is IKEv2 .*requires: \{ ike\.version: 2 \}/);
    const v2 = loadProfile(new URL('../../profiles/reference-ikev2.yaml', import.meta.url).pathname);
    const [lost] = compile(text('    requires: { ike.version: 2 }\n'), v2).scenarios;
    expect(lost!.skip).to.equal(undefined);
    expect(lost!.steps[1]!.step).to.deep.include({ kind: 'behave', change: { lostState: true }, label: 'lose the IKE SA state' });
  });
});
