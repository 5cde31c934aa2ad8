import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import { IcmpInjector, buildUnreachable } from '../../src/peer/icmp-injector.js';
import { IP_PROTOCOL, encodeIpv4Udp, ipv4Packet } from '../../src/peer/icmp-ipv4-udp.js';
import { icmpUnreachable } from '../../src/peer/icmp-message.js';
import type { RawSocketFactory } from '../../src/peer/raw-capture-socket.js';
import { FakeClock } from '../support/fake-clock.js';
import { recordingSocket } from './recording-raw-socket.js';

const DUT = { address: '203.0.113.130', port: 4500 };
const PEER = { address: '203.0.113.129', port: 500 };
const PAYLOAD = new Uint8Array(200).fill(0x5a);
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const failingFactory = (message: string): RawSocketFactory => () => {
  throw new Error(message);
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarnessError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('buildUnreachable', () => {
  it('answers the DUT from the peer address, quoting the datagram it sent as Linux would have sent it', () => {
    const { packet, from, to, code } = buildUnreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'port' });
    expect({ from, to, code }).to.deep.equal({ from: PEER.address, to: DUT.address, code: 3 });
    const outer = ipv4Packet.decode(packet);
    expect(outer.header).to.include({ source: PEER.address, destination: DUT.address, protocol: IP_PROTOCOL.ICMP, ttl: 64 });
    const icmp = icmpUnreachable.decode(outer.payload);
    expect(icmp).to.include({ type: 3, code: 3, checksumValid: true });
    expect(icmp.original.ip).to.include({ source: DUT.address, destination: PEER.address, protocol: IP_PROTOCOL.UDP, ttl: 64, flags: 0b010, totalLength: 228 });
    expect(icmp.original.udp).to.include({ sourcePort: 4500, destinationPort: 500, length: 208 });
    // The 200-byte datagram fits the RFC 1812 576-byte limit whole.
    expect(icmp.original.complete).to.equal(true);
    const sent = encodeIpv4Udp({ source: DUT.address, destination: PEER.address }, { header: { sourcePort: 4500, destinationPort: 500 }, payload: PAYLOAD });
    expect(Buffer.from(icmp.quote).equals(Buffer.from(sent))).to.equal(true);
  });

  it('sends what the Linux kernel itself sends for a closed port, up to the IP ID the kernel fills in', () => {
    // Captured 2026-11-28 on Linux 6.18.44 (see icmp-message.test.ts): the kernel's port unreachable for this datagram.
    const received = hex('4500003313b040004011adf5cb00718acb0071899e601387001f79456470642d6861726e6573732069636d7020766563746f72');
    const linux = hex(`45c0004f8b81000040017558cb007189cb00718a0303129200000000${toHex(received)}`);
    const { packet } = buildUnreachable({
      datagram: { local: { address: '203.0.113.137', port: 4999 }, remote: { address: '203.0.113.138', port: 40544 }, bytes: Buffer.from('dpd-harness icmp vector') },
      code: 'port',
      received,
    });
    const withoutId = (b: Uint8Array): string => toHex(Uint8Array.from([...b.subarray(0, 4), ...b.subarray(6, 10), ...b.subarray(12)]));
    expect(withoutId(packet)).to.equal(withoutId(linux));
  });

  it('quotes a captured packet byte for byte, from a router address when asked', () => {
    const received = encodeIpv4Udp({ source: DUT.address, destination: PEER.address, ttl: 61, id: 0xbeef }, { header: { sourcePort: 4500, destinationPort: 500, checksum: 0x1111 }, payload: PAYLOAD });
    const { packet } = buildUnreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'host', from: '203.0.113.134', received, quote: 'rfc792' });
    const outer = ipv4Packet.decode(packet);
    expect(outer.header.source).to.equal('203.0.113.134');
    const icmp = icmpUnreachable.decode(outer.payload);
    expect(icmp.code).to.equal(1);
    expect(Buffer.from(icmp.quote).equals(Buffer.from(received.subarray(0, 28)))).to.equal(true);
  });

  it('takes numeric codes as given (administratively prohibited is 13, RFC 1812 §5.2.7.1)', () => {
    const named = buildUnreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'admin-prohibited' });
    const numeric = buildUnreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 13 });
    expect(Buffer.from(named.packet).equals(Buffer.from(numeric.packet))).to.equal(true);
  });

  it('needs the captured packet when the peer socket is bound to the wildcard address, and then answers from its destination', () => {
    const wildcard = { address: '0.0.0.0', port: 500 };
    expect(codeOf(() => buildUnreachable({ datagram: { local: wildcard, remote: DUT, bytes: PAYLOAD }, code: 'port' }))).to.equal('ERR_ICMP_BAD_VALUE');
    const received = encodeIpv4Udp({ source: DUT.address, destination: PEER.address }, { header: { sourcePort: 4500, destinationPort: 500 }, payload: PAYLOAD });
    expect(buildUnreachable({ datagram: { local: wildcard, remote: DUT, bytes: PAYLOAD }, code: 'port', received }).from).to.equal(PEER.address);
  });

  it('refuses IPv6 endpoints with ERR_ICMP_UNSUPPORTED (no ICMPv6 yet)', () => {
    expect(codeOf(() => buildUnreachable({ datagram: { local: { address: '2001:db8::1', port: 500 }, remote: { address: '2001:db8::2', port: 500 }, bytes: PAYLOAD }, code: 'port' }))).to.equal(
      'ERR_ICMP_UNSUPPORTED',
    );
  });
});

describe('IcmpInjector (recorded raw socket)', () => {
  it('opens a raw ICMP socket with IP_HDRINCL and its receive side paused', () => {
    const raw = recordingSocket();
    IcmpInjector.open({ clock: new FakeClock(), socketFactory: raw.factory });
    expect(raw.state.protocol).to.equal('icmp');
    // IPPROTO_IP (0), IP_HDRINCL (3) on Linux, set to 1.
    expect(raw.options).to.deep.equal([[0, 3, 1]]);
    expect(raw.state.paused).to.equal(true);
  });

  it('stamps the send with the clock right before sendto, and resolves with the packet as sent', async () => {
    const clock = new FakeClock();
    const raw = recordingSocket();
    const injector = IcmpInjector.open({ clock, socketFactory: raw.factory });
    const sending = injector.unreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'port' });
    expect(raw.sends).to.have.length(1);
    clock.advance(5);
    raw.sends[0].before();
    clock.advance(1);
    raw.sends[0].after(null, raw.sends[0].buffer.length);
    const sent = await sending;
    expect(sent.t).to.equal(1_005_000_000n);
    expect(raw.sends[0].address).to.equal(DUT.address);
    expect(Buffer.from(sent.packet).equals(raw.sends[0].buffer)).to.equal(true);
  });

  it('rejects with ERR_RAW_SOCKET when the kernel refuses the send, and after close', async () => {
    const raw = recordingSocket();
    const injector = IcmpInjector.open({ clock: new FakeClock(), socketFactory: raw.factory });
    const sending = injector.unreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'port' });
    raw.sends[0].after(new Error('Network is unreachable'), 0);
    const failure = await sending.then(() => undefined, (err: unknown) => err);
    expect(failure).to.be.instanceOf(HarnessError).and.include({ code: 'ERR_RAW_SOCKET' });
    injector.close();
    expect(raw.state.closed).to.equal(true);
    const afterClose = await injector.unreachable({ datagram: { local: PEER, remote: DUT, bytes: PAYLOAD }, code: 'port' }).then(() => undefined, (err: unknown) => err);
    expect(afterClose).to.include({ code: 'ERR_RAW_SOCKET' });
  });

  it('turns the addon\'s "Operation not permitted" into ERR_RAW_NOT_PERMITTED, other failures into ERR_RAW_SOCKET', () => {
    expect(codeOf(() => IcmpInjector.open({ clock: new FakeClock(), socketFactory: failingFactory('Operation not permitted') }))).to.equal('ERR_RAW_NOT_PERMITTED');
    expect(codeOf(() => IcmpInjector.open({ clock: new FakeClock(), socketFactory: failingFactory('Too many open files') }))).to.equal('ERR_RAW_SOCKET');
  });
});
