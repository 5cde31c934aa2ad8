import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { Endpoint } from '../../src/events.js';
import { batchedReceiveBufferBytes } from '../../src/peer/batched-udp-socket.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { UdpTransport, type BindEndpoint, type Datagram } from '../../src/peer/udp-transport.js';
import { rejectionOf } from '../support/rejection-of.js';

const LOOPBACK: BindEndpoint = { address: '127.0.0.1', port: 0, io: 'batched' };
/** Room for a few hundred small datagrams queued at once (rmem_max allowing). */
const ROOMY: BindEndpoint = { ...LOOPBACK, buffers: { receive: 1 << 20, send: 1 << 20 } };

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(done(), what).to.equal(true);
}

async function receiver(bind: BindEndpoint = ROOMY): Promise<{ transport: UdpTransport; received: Datagram[]; at: Endpoint }> {
  const received: Datagram[] = [];
  const transport = await UdpTransport.open({ bind: [bind], clock: systemClock, onDatagram: (d) => received.push(d) });
  return { transport, received, at: transport.endpoints[0] };
}

const numbered = (i: number): Uint8Array => Uint8Array.of(i >> 8, i & 255, 0xaa, 0x55);

describe('peer/udp-transport on the batched backend (loopback, ephemeral ports)', () => {
  it('carries hundreds of datagrams sent in one tick, both ways, complete and in order, each with a kernel stamp', async () => {
    const a = await receiver();
    const b = await receiver();
    try {
      const before = systemClock.now();
      const sends = Array.from({ length: 300 }, (_, i) => a.transport.send(a.at, b.at, numbered(i)).sent);
      await Promise.all(sends);
      await until(() => b.received.length === 300, 'all 300 at b');
      const after = systemClock.now();
      expect(b.received.map((d) => (d.bytes[0] << 8) | d.bytes[1])).to.deep.equal(Array.from({ length: 300 }, (_, i) => i));
      for (const d of b.received) {
        expect(d.stampedBy).to.equal('kernel');
        expect(d.t >= before && d.t <= after, `stamp ${d.t} within [${before}, ${after}]`).to.equal(true);
        expect(d.remote).to.deep.equal(a.at);
        expect(Array.from(d.bytes.subarray(2))).to.deep.equal([0xaa, 0x55]);
      }
      await Promise.all(b.received.map((d, i) => b.transport.send(b.at, d.remote, numbered(299 - i)).sent));
      await until(() => a.received.length === 300, 'all 300 back at a');
      expect(a.received.map((d) => (d.bytes[0] << 8) | d.bytes[1])).to.deep.equal(Array.from({ length: 300 }, (_, i) => 299 - i));
    } finally {
      await a.transport.close();
      await b.transport.close();
    }
  });

  it('stamps each datagram no later than the event loop read it', async () => {
    const loopReads: bigint[] = [];
    const received: Datagram[] = [];
    const clock = { ...systemClock, now: () => { const t = systemClock.now(); loopReads.push(t); return t; } };
    const transport = await UdpTransport.open({ bind: [LOOPBACK], clock, onDatagram: (d) => received.push(d) });
    const other = createSocket('udp4');
    try {
      other.bind(0, '127.0.0.1');
      await once(other, 'listening');
      for (let i = 0; i < 5; i++) other.send(numbered(i), transport.endpoints[0].port, '127.0.0.1');
      await until(() => received.length === 5, 'five datagrams');
      // Each delivery reads the clock once: that read is the loop time the stamp is mapped from.
      received.forEach((d, i) => {
        expect(d.stampedBy).to.equal('kernel');
        expect(d.t <= loopReads[i], `stamp ${d.t} ≤ loop time ${loopReads[i]}`).to.equal(true);
        expect(loopReads[i] - d.t < 1_000_000_000n, 'stamped within a second of reading').to.equal(true);
      });
    } finally {
      other.close();
      await transport.close();
    }
  });

  it('sets and reports socket buffers, and says when the kernel capped them', async () => {
    const capped: string[] = [];
    const transport = await UdpTransport.open({
      bind: [{ ...LOOPBACK, buffers: { receive: 65536, send: 32768 } }, { ...LOOPBACK, buffers: { receive: 1 << 30 } }],
      clock: systemClock,
      onDatagram: () => undefined,
      onBuffersCapped: (label) => capped.push(label),
    });
    try {
      const [asked, huge] = transport.socketBufferSizes;
      // Linux reports twice what was set.
      expect(asked).to.deep.include({ receive: 131072, send: 65536 });
      expect(huge.receive).to.be.lessThan(2 * (1 << 30));
      expect(capped).to.have.length(1);
      expect(capped[0]).to.include(`${huge.local.address}:${huge.local.port}`).and.include('receive');
    } finally {
      await transport.close();
    }
  });

  it('sends what was queued before close, then closes', async () => {
    const b = await receiver();
    const a = await UdpTransport.open({ bind: [LOOPBACK], clock: systemClock, onDatagram: () => undefined });
    try {
      const sends = Array.from({ length: 50 }, (_, i) => a.send('127.0.0.1', b.at, numbered(i)).sent);
      await a.close();
      await Promise.all(sends);
      await until(() => b.received.length === 50, 'all 50 queued before close');
    } finally {
      await b.transport.close();
    }
  });

  it('rejects a send to an address it cannot reach with ERR_PEER_SOCKET, and keeps working', async () => {
    const b = await receiver();
    const a = await UdpTransport.open({ bind: [LOOPBACK], clock: systemClock, onDatagram: () => undefined });
    try {
      const bad = [
        a.send('127.0.0.1', { address: 'not-an-address', port: 500 }, numbered(0)).sent,
        a.send('127.0.0.1', { address: '::1', port: 500 }, numbered(0)).sent,
        a.send('127.0.0.1', { address: '127.0.0.1', port: 70000 }, numbered(0)).sent,
        // No SO_BROADCAST: the kernel refuses (EACCES) in the same sendmmsg as the good one below.
        a.send('127.0.0.1', { address: '255.255.255.255', port: 500 }, numbered(0)).sent,
      ];
      const good = a.send('127.0.0.1', b.at, numbered(7)).sent;
      for (const sent of bad) expect(await rejectionOf(sent)).to.have.property('code', 'ERR_PEER_SOCKET');
      expect(await rejectionOf(bad[3])).to.have.property('message').that.includes('EACCES');
      await good;
      await until(() => b.received.length === 1, 'the good datagram');
    } finally {
      await a.close();
      await b.transport.close();
    }
  });

  it('refuses an IPv6 address with ERR_PEER_SOCKET, and a busy port likewise', async () => {
    expect(await rejectionOf(UdpTransport.open({ bind: [{ ...LOOPBACK, address: '::1' }], clock: systemClock, onDatagram: () => undefined })))
      .to.have.property('code', 'ERR_PEER_SOCKET');
    const b = await receiver();
    try {
      expect(await rejectionOf(UdpTransport.open({ bind: [{ ...LOOPBACK, port: b.at.port }], clock: systemClock, onDatagram: () => undefined })))
        .to.have.property('message').that.includes('EADDRINUSE');
    } finally {
      await b.transport.close();
    }
  });

  it('a send\'s time is when the loop turn\'s sendmmsg handed it over, not when it was queued', async () => {
    const { transport: to, received, at } = await receiver();
    const { transport: from } = await receiver(LOOPBACK);
    try {
      const queuedAt = systemClock.now();
      const { sent } = from.send('127.0.0.1', at, numbered(1));
      // The rest of this loop turn keeps the queue waiting.
      while (systemClock.now() - queuedAt < 30_000_000n);
      const handedAt = await sent;
      expect(Number(handedAt - queuedAt) / 1e6).to.be.at.least(30);
      await until(() => received.length === 1, 'the datagram');
      // Loopback delivers inside sendmmsg: the kernel's receive stamp lies between the wait's end and the time read after it.
      const arrived = received[0]!.t;
      expect(Number(arrived - queuedAt) / 1e6).to.be.at.least(30);
      expect(Number(handedAt - arrived) / 1e6).to.be.within(0, 5);
    } finally {
      await from.close();
      await to.close();
    }
  });

  it('holds one set of receive buffers for all its sockets: fifty sockets each receiving, 4 MiB in all', async () => {
    const received: Datagram[] = [];
    const transport = await UdpTransport.open({ bind: Array.from({ length: 50 }, () => LOOPBACK), clock: systemClock, onDatagram: (d) => received.push(d) });
    const sender = createSocket('udp4');
    try {
      for (const [i, at] of transport.endpoints.entries()) sender.send(numbered(i), at.port, at.address);
      await until(() => received.length === 50, 'a datagram on each of the fifty sockets');
      expect(batchedReceiveBufferBytes()).to.equal(64 * 65536);
    } finally {
      sender.close();
      await transport.close();
    }
  });

  it('rebinds onto a fresh batched socket that receives with kernel stamps; the old port is released', async () => {
    const b = await receiver();
    const other = createSocket('udp4');
    try {
      const old = b.at;
      const fresh = await b.transport.rebind(old);
      other.bind(0, '127.0.0.1');
      await once(other, 'listening');
      other.send(numbered(1), fresh.port, '127.0.0.1');
      await until(() => b.received.length === 1, 'a datagram on the fresh port');
      expect(b.received[0].stampedBy).to.equal('kernel');
      expect(b.received[0].local).to.deep.equal(fresh);
      // The old port is free again: a new socket can bind it.
      const again = await UdpTransport.open({ bind: [{ ...LOOPBACK, port: old.port }], clock: systemClock, onDatagram: () => undefined });
      await again.close();
    } finally {
      other.close();
      await b.transport.close();
    }
  });
});
