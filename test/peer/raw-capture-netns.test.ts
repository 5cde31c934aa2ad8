/**
 * RawCapture against the real kernel: what a raw IPPROTO_UDP socket in the
 * root namespace sees of traffic with namespace icx-b (the DUT host), with
 * no UDP socket listening on the port.
 */
import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { RawCapture, type CapturedUdp } from '../../src/peer/raw-capture.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { clientLines, createNamespace, udpClientIn, type LabNamespace } from './icmp-lab-namespace.js';
import { waitUntil } from '../support/wait-until.js';

/** No socket listens on it in the root namespace: the capture sees datagrams the fake peer would not. */
const UNLISTENED_PORT = 4999;

describe('RawCapture in a network namespace @root', function () {
  this.timeout(120_000);
  let lab: LabNamespace | undefined;
  let capture: RawCapture | undefined;
  const captured: CapturedUdp[] = [];

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip');
    lab = await createNamespace('icx-b', 144);
    capture = RawCapture.open({ clock: systemClock, addresses: [lab.rootAddress], onPacket: (p) => captured.push(p) });
  });

  after(async () => {
    capture?.close();
    await lab?.remove();
  });

  it('observes a datagram from the namespace to a port nobody listens on, with its fields and a time between send and receipt', async () => {
    const l = lab as LabNamespace;
    const payload = Buffer.from('R-U-THERE from the DUT side');
    const before = systemClock.now();
    const client = udpClientIn(l, l.rootAddress, UNLISTENED_PORT, payload, 10_000);
    await client.exited;
    const sport = clientLines(client.stdout()).find((x) => x.sent !== undefined)?.sent;
    expect(sport, client.stderr()).to.be.a('number');
    await waitUntil(() => captured.some((p) => p.src === l.nsAddress && p.sport === sport), 'the datagram', 10_000, 50);
    const after = systemClock.now();
    const seen = captured.filter((p) => p.src === l.nsAddress && p.sport === sport);
    expect(seen).to.have.length(1);
    const p = seen[0];
    expect({ src: p.src, dst: p.dst, sport: p.sport, dport: p.dport, ttl: p.ttl }).to.deep.equal({ src: l.nsAddress, dst: l.rootAddress, sport, dport: UNLISTENED_PORT, ttl: 64 });
    expect(Buffer.from(p.payload).toString()).to.equal(payload.toString());
    expect(p.t > before && p.t < after, `t ${p.t} not within [${before}, ${after}]`).to.equal(true);
    // The root namespace's kernel had no listener and said so: the client's connected socket heard it.
    expect(clientLines(client.stdout()).find((x) => x.error !== undefined)?.error).to.equal('ECONNREFUSED');
  });

  it('does not see what this host sends: outbound copies never reach a raw UDP socket', async () => {
    const l = lab as LabNamespace;
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, l.rootAddress, resolve));
    const outboundPort = sender.address().port;
    try {
      await new Promise<void>((resolve, reject) => sender.send(Buffer.from('out'), UNLISTENED_PORT, l.nsAddress, (err) => (err ? reject(err) : resolve())));
      // Then something inbound: once it is seen, anything sent earlier would have been seen before it.
      const client = udpClientIn(l, l.rootAddress, UNLISTENED_PORT, Buffer.from('in'), 10_000);
      await client.exited;
      const sport = clientLines(client.stdout()).find((x) => x.sent !== undefined)?.sent;
      await waitUntil(() => captured.some((p) => p.src === l.nsAddress && p.sport === sport), 'the inbound datagram', 10_000, 50);
      expect(captured.filter((p) => p.src === l.rootAddress && p.sport === outboundPort)).to.deep.equal([]);
    } finally {
      sender.close();
    }
  });

  it('on loopback sees every datagram, because each one is also received', async () => {
    const packets: CapturedUdp[] = [];
    const loop = RawCapture.open({ clock: systemClock, addresses: ['127.0.0.1'], onPacket: (p) => packets.push(p) });
    const receiver = createSocket('udp4');
    const sender = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
      const got = new Promise<void>((resolve) => receiver.once('message', () => resolve()));
      sender.send(Buffer.from('loop'), receiver.address().port, '127.0.0.1');
      await got;
      await waitUntil(() => packets.some((p) => p.dport === receiver.address().port), 'the loopback datagram', 10_000, 50);
      const mine = packets.filter((p) => p.sport === sender.address().port && p.dport === receiver.address().port);
      expect(mine.map((p) => Buffer.from(p.payload).toString())).to.deep.equal(['loop']);
    } finally {
      loop.close();
      receiver.close();
      sender.close();
    }
  });
});
