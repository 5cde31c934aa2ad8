/**
 * The fake peer's ESP data path on a fake clock, against a "DUT" made of the same crypto with
 * the keys the other way round: the peer's echo requests at the rate asked, sequence numbers
 * from 1, replies to the DUT's requests (unless silent or ignore_echo), and each inbound packet's
 * verdict — fresh, replayed (RFC 4303 §3.4.3), bad ICV (§3.4.4), unknown SPI — so a refused one
 * is counted and never answered or let into the window.
 */
import { expect } from 'chai';
import type { CipherSuite } from '../../src/crypto/cipher-suite.js';
import type { EspSaPair } from '../../src/crypto/esp-keys.js';
import { openEsp, sealEsp, type EspSa } from '../../src/crypto/esp-protection.js';
import type { DatagramEvent, Endpoint } from '../../src/events.js';
import { EspTraffic } from '../../src/peer/esp-traffic.js';
import { ICMP_ECHO_TYPE } from '../../src/peer/icmp-echo.js';
import { decodeInnerPacket, encodeInnerPacket } from '../../src/peer/inner-packet.js';
import { TimerSet } from '../../src/peer/timer-set.js';
import { NEXT_HEADER_IPV4 } from '../../src/wire/esp-trailer.js';
import { FakeClock } from '../support/fake-clock.js';
import { seededRandom } from '../support/seeded-random.js';

const SUITE: CipherSuite = { encryption: 'aes-cbc-128', integrity: 'hmac-sha256-128' };
const key = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const TO_PEER: EspSa = { spi: 0x1000_0001, suite: SUITE, keys: { encryption: key(16, 1), integrity: key(32, 2) } };
const TO_DUT: EspSa = { spi: 0x2000_0002, suite: SUITE, keys: { encryption: key(16, 3), integrity: key(32, 4) } };
const PAIR: EspSaPair = { inbound: TO_PEER, outbound: TO_DUT };
const PEER: Endpoint = { address: '198.51.100.2', port: 4500 };
const DUT: Endpoint = { address: '198.51.100.1', port: 4500 };
const SA = 'sa-1';

interface Sent { bytes: Uint8Array; esp: NonNullable<DatagramEvent['esp']> }

function rig(options: { maySend?: boolean; answersEcho?: boolean } = {}) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const traffic = new EspTraffic({
    clock, random: seededRandom('esp-traffic'), timers: new TimerSet(clock),
    maySend: () => options.maySend ?? true,
    answersEcho: () => options.answersEcho ?? true,
    send: (_sa, _from, _to, bytes, esp) => sent.push({ bytes, esp }),
    mark: () => undefined,
    keys: () => undefined,
  });
  traffic.moved(SA, PEER, DUT);
  traffic.added(SA, PAIR, DUT);
  return { clock, sent, traffic };
}

/** An ESP packet as the DUT would send it: an echo request from its inner address, sealed with the peer's inbound SA. */
function fromDut(seq: number, sa: EspSa = TO_PEER, type: 0 | 8 = ICMP_ECHO_TYPE.REQUEST): Uint8Array {
  const inner = encodeInnerPacket({ kind: 'icmp-echo', source: '203.0.113.1', destination: '203.0.113.9', echo: { type, identifier: 7, sequence: seq, data: new Uint8Array(8) } });
  return sealEsp(sa, seq, new Uint8Array(16).fill(seq), { nextHeader: NEXT_HEADER_IPV4, data: inner });
}

describe('peer/esp-traffic: the fake peer’s ESP in UDP', () => {
  it('sends echo requests at the rate, sequence numbers from 1, that the DUT’s SA opens; rate 0 stops them', () => {
    const { clock, sent, traffic } = rig();
    traffic.start(SA, { rate: 4, source: '203.0.113.9', destination: '203.0.113.1' });
    clock.advance(999);
    expect(sent.map((s) => s.esp.seq)).to.deep.equal([1, 2, 3, 4]);
    for (const s of sent) {
      expect(s.esp).to.include({ spi: TO_DUT.spi, verdict: 'ok', inner: 'echo-request' });
      const inner = decodeInnerPacket(openEsp(TO_DUT, s.bytes).plaintext.data);
      expect(inner.kind === 'icmp-echo' && inner.echo.type).to.equal(ICMP_ECHO_TYPE.REQUEST);
    }
    traffic.start(SA, { rate: 0, source: '203.0.113.9', destination: '203.0.113.1' });
    clock.advance(5000);
    expect(sent).to.have.length(4);
  });

  it('answers a fresh echo request from the DUT with an echo reply on the next outbound sequence number', () => {
    const { sent, traffic } = rig();
    expect(traffic.receive(PEER, DUT, fromDut(1))).to.deep.equal({ spi: TO_PEER.spi, seq: 1, verdict: 'ok', inner: 'echo-request' });
    expect(sent).to.have.length(1);
    expect(sent[0]!.esp).to.include({ seq: 1, inner: 'echo-reply' });
    const reply = decodeInnerPacket(openEsp(TO_DUT, sent[0]!.bytes).plaintext.data);
    expect(reply.kind === 'icmp-echo' && [reply.echo.type, reply.ip.destination]).to.deep.equal([ICMP_ECHO_TYPE.REPLY, '203.0.113.1']);
  });

  it('drops a replayed sequence number and one left behind the 64-packet window, answering neither', () => {
    const { sent, traffic } = rig();
    expect(traffic.receive(PEER, DUT, fromDut(100)).verdict).to.equal('ok');
    expect(traffic.receive(PEER, DUT, fromDut(100)).verdict).to.equal('replay');
    expect(traffic.receive(PEER, DUT, fromDut(36)).verdict).to.equal('replay');
    expect(traffic.receive(PEER, DUT, fromDut(37)).verdict).to.equal('ok');
    expect(sent).to.have.length(2);
  });

  it('counts a bad ICV as auth-failed without moving the window: the genuine packet with that number still gets in', () => {
    const { sent, traffic } = rig();
    const tampered = fromDut(5);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(traffic.receive(PEER, DUT, tampered)).to.deep.equal({ spi: TO_PEER.spi, seq: 5, verdict: 'auth-failed' });
    const otherKeys: EspSa = { ...TO_PEER, keys: { encryption: key(16, 1), integrity: key(32, 9) } };
    expect(traffic.receive(PEER, DUT, fromDut(5, otherKeys)).verdict).to.equal('auth-failed');
    expect(sent).to.deep.equal([]);
    expect(traffic.receive(PEER, DUT, fromDut(5)).verdict).to.equal('ok');
  });

  it('names an SPI it holds no keys for, and forgets the SA’s SPI with the SA', () => {
    const { traffic } = rig();
    expect(traffic.receive(PEER, DUT, fromDut(1, { ...TO_PEER, spi: 0xdead })).verdict).to.equal('unknown-spi');
    traffic.forget(SA);
    expect(traffic.receive(PEER, DUT, fromDut(1)).verdict).to.equal('unknown-spi');
  });

  it('tells replies to its own requests from other traffic', () => {
    const { traffic } = rig();
    expect(traffic.receive(PEER, DUT, fromDut(1, TO_PEER, ICMP_ECHO_TYPE.REPLY))).to.include({ verdict: 'ok', inner: 'other' });
  });

  it('reads but does not answer the DUT’s requests when silent or ignoring echo; a silent peer sends no requests either', () => {
    for (const options of [{ maySend: false }, { answersEcho: false }]) {
      const { sent, traffic } = rig(options);
      expect(traffic.receive(PEER, DUT, fromDut(1)), JSON.stringify(options)).to.include({ verdict: 'ok', inner: 'echo-request' });
      expect(sent, JSON.stringify(options)).to.deep.equal([]);
    }
    const { clock, sent, traffic } = rig({ maySend: false });
    traffic.start(SA, { rate: 2, source: '203.0.113.9', destination: '203.0.113.1' });
    clock.advance(2000);
    expect(sent).to.deep.equal([]);
  });

  it('refuses traffic on an SA without ESP keys on UDP 4500, with a code', () => {
    const { traffic } = rig();
    expect(() => traffic.start('no-such-sa', { rate: 1, source: '203.0.113.9', destination: '203.0.113.1' })).to.throw().with.property('code', 'ERR_SCENARIO_ABORTED');
  });
});
