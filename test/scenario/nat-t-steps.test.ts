/**
 * The nat-t suite's language: `behave: { nat: … }` and `expect_nat_t` compiled against a profile
 * with and without `nat_t`, and the NAT-T check judged over synthetic event streams.
 */
import { expect } from 'chai';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { checkNatT, IKEV1_WORDS, type CheckContext } from '../../src/scenario/checks.js';
import { compileSuite, validateSuite } from '../../src/scenario/compile-suite.js';
import { at, dgram } from './synthetic-events.js';

const reference = loadProfile(new URL('../../profiles/cisco-iosxe.yaml', import.meta.url).pathname);
const withoutNatT = loadProfile(new URL('../profile/fixtures/cisco-like.yaml', import.meta.url).pathname);

const SUITE = `suite: n
scenarios:
  - id: rebind
    title: all the NAT knobs
    requires: { nat_t: true, nat_t.keepalives_count_as_liveness: false }
    steps:
      - behave: { nat: { force_encapsulation: true } }
      - bring_up: { initiator: peer }
      - behave: { ignore_dpd: true, nat: { keepalive: "\${dpd.retry_interval} / 2", stop_keepalive_at: 30 } }
      - behave: { nat: { rebind: true } }
      - expect_nat_t: { min_keepalives: 3 }
`;

const compile = (profile = reference) => {
  const src = YamlSource.parse('n.yaml', SUITE);
  return compileSuite(src, validateSuite(src), profile).scenarios[0]!;
};

const ctx = (events: HarnessEvent[]): CheckContext => ({ events, stepStart: at(20), phaseStart: at(0), tolerance: { absolute: 0.5, relative: 0 }, words: IKEV1_WORDS });
const encapsulated = (d: DatagramEvent): DatagramEvent => ({ ...d, udpEncapsulation: 'non-esp-marker', remote: { ...d.remote, port: 4500 } });
const keepalive = (s: number): DatagramEvent => ({ ...dgram(s, 'out', 'unknown'), summary: undefined, bytes: Uint8Array.of(0xff), udpEncapsulation: 'keepalive' });

describe('scenario: NAT-T steps', () => {
  it('compiles nat knobs into the behaviour (expressions evaluated), the rebinding and the check', () => {
    const s = compile();
    expect(s.skip).to.equal(undefined);
    expect(s.steps.map((p) => p.step)).to.deep.equal([
      { kind: 'behave', change: { nat: { forceEncapsulation: true } }, label: 'force UDP encapsulation' },
      { kind: 'bring-up', initiator: 'peer', peerIndex: 0, timeoutS: 30 },
      { kind: 'behave', change: { dpd: 'ignore', nat: { keepaliveS: 1, stopKeepaliveAtS: 30 } }, label: 'ignore R-U-THERE, NAT-keepalive every 1 s, keepalives stop at 30 s' },
      { kind: 'behave', change: {}, label: 'NAT rebinding', natRebind: true },
      { kind: 'expect-nat-t', minKeepalives: 3 },
    ]);
  });

  it('skips the scenario for a profile without nat_t, saying why', () => {
    expect(compile(withoutNatT).skip).to.equal('requires nat_t true (profile: false)');
  });

  it('passes when every IKE datagram after the float came behind the non-ESP marker, MM1-4 of a new phase 1 on 500 included', () => {
    const events = [dgram(1, 'in', 'main-mode'), encapsulated(dgram(11, 'in', 'r-u-there', 5)), encapsulated(dgram(12, 'in', 'r-u-there-ack', 9)), keepalive(13), keepalive(14), keepalive(15)];
    const [ike, keepalives] = checkNatT({ minKeepalives: 3 }, ctx(events));
    expect(ike).to.deep.include({ expected: 2, observed: 2, pass: true });
    expect(keepalives).to.deep.include({ expected: 3, observed: 3, pass: true });
  });

  it('fails naming the datagram that came without the marker, and too few keepalives', () => {
    const events = [encapsulated(dgram(11, 'in', 'r-u-there', 5)), dgram(21, 'in', 'r-u-there', 6), keepalive(13)];
    const [ike, keepalives] = checkNatT({ minKeepalives: 3 }, ctx(events));
    expect(ike).to.deep.include({ expected: 2, observed: 1, pass: false, detail: 'r-u-there from 127.0.0.1:500 without the marker' });
    expect(keepalives).to.deep.include({ observed: 1, pass: false });
  });

  it('fails when the DUT sent no IKE at all in the phase', () => {
    expect(checkNatT({ minKeepalives: 0 }, ctx([keepalive(3)]))).to.deep.equal([
      { name: 'IKE from the DUT over the NAT-T port (non-ESP marker)', expected: 0, observed: 0, unit: 'datagrams', pass: false, detail: 'the DUT sent no IKE in this phase' },
    ]);
  });
});
