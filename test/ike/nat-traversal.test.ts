/**
 * NAT traversal between two engines (RFC 3947): the NAT-T vendor ID in MM1/MM2 and AM1/AM2,
 * NAT-D in MM3/MM4 as HASH(CKY-I | CKY-R | IP | port) recomputed here with node:crypto, detection
 * with and without a NAT in the path, forced encapsulation, the float to 4500 from MM5 on,
 * UDP-Tunnel in Quick Mode, and an SA that follows a peer whose NAT mapping changed.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Endpoint } from '../../src/events.js';
import { NO_HOOKS, type EngineHooks, type PlaintextMessage } from '../../src/ike/index.js';
import { decodeMessage, ENCAPSULATION_MODES, IPSEC_ATTRIBUTE_TYPES, NAT_T_VENDOR_ID, natTVersionOf, parseIpAddress, type Payload } from '../../src/wire/index.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

const NAT_T = { localPort: 4500, remotePort: () => 4500 };
const at = (e: Endpoint): string => `${e.address}:${e.port}`;

/** RFC 3947 §3.2 with SHA-1, the proposal's hash. */
function natD(ckyI: Uint8Array, ckyR: Uint8Array, e: Endpoint): string {
  return createHash('sha1').update(ckyI).update(ckyR).update(parseIpAddress(e.address)!).update(Uint8Array.of(e.port >> 8, e.port & 0xff)).digest('hex');
}

/** Hooks that keep every plaintext message a side builds, before encryption. */
function recorder(): { hooks: EngineHooks; sent: PlaintextMessage[] } {
  const sent: PlaintextMessage[] = [];
  return { sent, hooks: { ...NO_HOOKS, mutate: (_sa, _s, m) => (sent.push(m), m) } };
}

const encapsulationOf = (m: PlaintextMessage): number | undefined => {
  const sa = m.payloads.find((p): p is Extract<Payload, { kind: 'sa' }> => p.kind === 'sa');
  const attr = sa?.proposals[0].transforms[0].attributes.find((a) => a.type === IPSEC_ATTRIBUTE_TYPES.ENCAPSULATION_MODE);
  return attr?.value as number | undefined;
};

function natDOf(bytes: Uint8Array): { type: number; data: string }[] {
  return decodeMessage(bytes).payloads.flatMap((p) => (p.kind === 'nat-d' ? [{ type: p.payloadType as number, data: Buffer.from(p.data).toString('hex') }] : []));
}

describe('IKE engine: NAT traversal (RFC 3947)', () => {
  it('without a NAT: VIDs in MM1/MM2, matching NAT-D in MM3/MM4, nothing detected, no float, plain tunnel mode', () => {
    const a = recorder();
    const pair = new EnginePair(baseConfig('a', { natTraversal: NAT_T }), baseConfig('b', { natTraversal: NAT_T, autoAnswerDpd: true }), { a: a.hooks });
    pair.initiate(true);
    expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
    const [mm1, mm2, mm3, mm4, mm5] = pair.deliveries.map((d) => d.datagram);
    for (const m of [mm1, mm2]) expect(decodeMessage(m.bytes).payloads.some((p) => p.kind === 'vendor-id' && natTVersionOf(p.data) === 'rfc')).to.equal(true);
    const { initiatorCookie: ckyI, responderCookie: ckyR } = decodeMessage(mm3.bytes);
    expect(natDOf(mm3.bytes)).to.deep.equal([{ type: 20, data: natD(ckyI, ckyR, RESPONDER) }, { type: 20, data: natD(ckyI, ckyR, INITIATOR) }]);
    expect(natDOf(mm4.bytes)).to.deep.equal([{ type: 20, data: natD(ckyI, ckyR, INITIATOR) }, { type: 20, data: natD(ckyI, ckyR, RESPONDER) }]);
    expect(pair.eventsOf('a', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: false, remote: false, forced: false }]);
    expect(pair.eventsOf('b', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: false, remote: false, forced: false }]);
    expect([at(mm5.from), at(mm5.to)]).to.deep.equal([at(INITIATOR), at(RESPONDER)]);
    expect(pair.eventsOf('a', 'float')).to.have.length(0);
    expect(encapsulationOf(a.sent.find((m) => m.header.exchangeType === 32)!)).to.equal(ENCAPSULATION_MODES.TUNNEL);
  });

  it('forced encapsulation: the DUT sees us behind a NAT, MM5 on leave 4500 → 4500, Quick Mode proposes UDP-Tunnel, DPD stays on 4500', () => {
    const a = recorder();
    const pair = new EnginePair(baseConfig('a', { natTraversal: { ...NAT_T, forceEncapsulation: true } }), baseConfig('b', { natTraversal: NAT_T, autoAnswerDpd: true }), { a: a.hooks });
    pair.initiate(true);
    expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
    const { initiatorCookie: ckyI, responderCookie: ckyR } = decodeMessage(pair.deliveries[2].datagram.bytes);
    const [, ours] = natDOf(pair.deliveries[2].datagram.bytes);
    expect(ours.data).to.not.equal(natD(ckyI, ckyR, INITIATOR));
    expect(pair.eventsOf('a', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: true, remote: false, forced: true }]);
    expect(pair.eventsOf('b', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: false, remote: true, forced: false }]);
    const route = pair.deliveries.map((d) => `${d.from}:${d.datagram.summary.kind}:${d.datagram.summary.step} ${at(d.datagram.from)}>${at(d.datagram.to)}`);
    expect(route.slice(3)).to.deep.equal([
      'b:main-mode:4 203.0.113.226:500>203.0.113.225:500',
      'a:main-mode:5 203.0.113.225:4500>203.0.113.226:4500',
      'b:main-mode:6 203.0.113.226:4500>203.0.113.225:4500',
      'a:quick-mode:1 203.0.113.225:4500>203.0.113.226:4500',
      'b:quick-mode:2 203.0.113.226:4500>203.0.113.225:4500',
      'a:quick-mode:3 203.0.113.225:4500>203.0.113.226:4500',
    ]);
    expect(pair.eventsOf('b', 'float').map((e) => `${at(e.local)}<${at(e.remote)}`)).to.deep.equal(['203.0.113.226:4500<203.0.113.225:4500']);
    expect(encapsulationOf(a.sent.find((m) => m.header.exchangeType === 32)!)).to.equal(ENCAPSULATION_MODES.UDP_TUNNEL);
    const sa = pair.a.list()[0];
    const probe = pair.run('a', pair.a.sendDpd(sa, 0n));
    expect(probe.map((d) => `${at(d.datagram.from)}>${at(d.datagram.to)}`)).to.deep.equal(['203.0.113.225:4500>203.0.113.226:4500', '203.0.113.226:4500>203.0.113.225:4500']);
    expect(pair.eventsOf('a', 'dpd-ack')).to.have.length(1);
  });

  it('a real NAT in front of the initiator: both detect it, the responder follows the translated 4500 mapping, and then a rebinding', () => {
    const pair = new EnginePair(baseConfig('a', { natTraversal: NAT_T }), baseConfig('b', { natTraversal: NAT_T, autoAnswerDpd: true }));
    let base = 31000;
    pair.nat = { side: 'a', map: (e) => ({ address: '198.51.100.7', port: base + (e.port === 4500 ? 1 : 0) }) };
    pair.initiate(true);
    expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
    expect(pair.eventsOf('a', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: true, remote: false, forced: false }]);
    expect(pair.eventsOf('b', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: false, remote: true, forced: false }]);
    const sa = pair.a.list()[0];
    expect(at(pair.b.get(sa)!.remote)).to.equal('198.51.100.7:31001');
    expect(pair.a.get(sa)!.children).to.have.length(1);

    base = 32000;
    const moved = pair.run('a', pair.a.sendDpd(sa, 0n));
    expect(moved.map((d) => at(d.datagram.to))).to.deep.equal(['203.0.113.226:4500', '198.51.100.7:32001']);
    expect(pair.eventsOf('b', 'float').map((e) => at(e.remote))).to.deep.equal(['198.51.100.7:31001', '198.51.100.7:32001']);
    expect(pair.eventsOf('a', 'dpd-ack')).to.have.length(1);
  });

  it('does not move an SA for an encrypted message that is rejected (a forged one from another port)', () => {
    const pair = new EnginePair(baseConfig('a', { natTraversal: { ...NAT_T, forceEncapsulation: true } }), baseConfig('b', { natTraversal: NAT_T, autoAnswerDpd: true }));
    pair.initiate(true);
    const sa = pair.a.list()[0];
    const probe = pair.a.sendDpd(sa, 0n).find((e) => e.type === 'send');
    if (probe?.type !== 'send') throw new Error('no probe');
    const forged = probe.datagram.bytes.slice();
    forged[forged.length - 1] ^= 0xff;
    forged[forged.length - 17] ^= 0xff;
    const result = pair.b.receive({ local: { ...RESPONDER, port: 4500 }, remote: { address: '198.51.100.66', port: 6666 }, bytes: forged }, 0n);
    expect(result.rejected?.code).to.be.a('string');
    expect(at(pair.b.get(sa)!.remote)).to.equal('203.0.113.225:4500');
  });

  it('a DUT without NAT-T: no NAT-T VID back, no NAT-D, no float', () => {
    const pair = new EnginePair(baseConfig('a', { natTraversal: { ...NAT_T, forceEncapsulation: true } }), baseConfig('b', { autoAnswerDpd: true }));
    pair.initiate(true);
    const [, mm2, mm3, , mm5] = pair.deliveries.map((d) => d.datagram);
    expect(decodeMessage(mm2.bytes).payloads.some((p) => p.kind === 'vendor-id' && natTVersionOf(p.data))).to.equal(false);
    expect(natDOf(mm3.bytes)).to.deep.equal([]);
    expect(at(mm5.from)).to.equal(at(INITIATOR));
    expect(pair.a.get(pair.a.list()[0])!.established).to.equal(true);
  });

  it('answers a draft-02 DUT with NAT-D type 130 (drafts 02/03 are recognised on receipt)', () => {
    const draft02 = Uint8Array.from(createHash('md5').update('draft-ietf-ipsec-nat-t-ike-02').digest());
    const asDraft: EngineHooks = {
      ...NO_HOOKS,
      mutate: (_sa, _s, m) => ({ ...m, payloads: m.payloads.map((p) => (p.kind === 'vendor-id' && p.data.length === 16 && Buffer.compare(p.data, NAT_T_VENDOR_ID) === 0 ? { ...p, data: draft02 } : p)) }),
    };
    const pair = new EnginePair(baseConfig('a', { natTraversal: NAT_T }), baseConfig('b', { natTraversal: NAT_T }), { b: asDraft });
    pair.initiate(false);
    expect(natDOf(pair.deliveries[2].datagram.bytes).map((p) => p.type)).to.deep.equal([130, 130]);
  });

  it('Aggressive Mode: VIDs in AM1/AM2, NAT-D in AM2/AM3, AM3 from 4500 under forced encapsulation', () => {
    const pair = new EnginePair(baseConfig('a', { natTraversal: { ...NAT_T, forceEncapsulation: true } }), baseConfig('b', { natTraversal: NAT_T, autoAnswerDpd: true }));
    const { effects } = pair.a.initiate({ from: INITIATOR, to: RESPONDER, mode: 'aggressive', quickMode: true }, 0n);
    pair.run('a', effects);
    expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
    const [am1, am2, am3] = pair.deliveries.map((d) => d.datagram);
    expect(decodeMessage(am1.bytes).payloads.some((p) => p.kind === 'vendor-id' && natTVersionOf(p.data) === 'rfc')).to.equal(true);
    expect(natDOf(am2.bytes)).to.have.length(2);
    expect(at(am3.from)).to.equal('203.0.113.225:4500');
    expect(pair.eventsOf('b', 'nat-detected')).to.deep.equal([{ kind: 'nat-detected', local: false, remote: true, forced: false }]);
    expect(pair.deliveries.filter((d) => d.datagram.summary.kind === 'quick-mode').map((d) => at(d.datagram.to))).to.deep.equal(['203.0.113.226:4500', '203.0.113.225:4500', '203.0.113.226:4500']);
  });
});
