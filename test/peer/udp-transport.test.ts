import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { Clock } from '../../src/events.js';
import { UdpTransport, type Datagram } from '../../src/peer/udp-transport.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { rejectionOf } from '../support/rejection-of.js';

/** A clock whose now() counts calls, so the test can see when the transport read it. */
function countingClock(): Clock & { reads: number } {
  const c = { ...systemClock, reads: 0, now: () => BigInt(++c.reads) };
  return c;
}

for (const io of ['node', 'batched'] as const) describe(`peer/udp-transport (loopback, ephemeral ports, io ${io})`, () => {
  it('receives with a clock timestamp and the real endpoints, and sends from the bound socket', async () => {
    const clock = countingClock();
    const received: Datagram[] = [];
    const transport = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0 }], clock, onDatagram: (d) => received.push(d) });
    const other = createSocket('udp4');
    try {
      const [local] = transport.endpoints;
      expect(local.port).to.be.greaterThan(0);
      other.bind(0, '127.0.0.1');
      await once(other, 'listening');
      const otherPort = other.address().port;

      other.send(Uint8Array.from([1, 2, 3]), local.port, '127.0.0.1');
      const deadline = Date.now() + 5000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(received).to.have.length(1);
      expect(Array.from(received[0].bytes)).to.deep.equal([1, 2, 3]);
      expect(received[0].remote).to.deep.equal({ address: '127.0.0.1', port: otherPort });
      expect(received[0].local).to.deep.equal(local);
      // The batched socket has the kernel's stamp: some ns before the loop's read (clock read 1).
      expect(received[0].stampedBy).to.equal(io === 'node' ? 'event-loop' : 'kernel');
      if (io === 'node') expect(received[0].t).to.equal(1n);
      else expect(received[0].t < 1n, `kernel stamp ${received[0].t} before the loop's read`).to.equal(true);

      const got = once(other, 'message');
      const sentAt = await transport.send('127.0.0.1', { address: '127.0.0.1', port: otherPort }, Uint8Array.from([9])).sent;
      const [msg, rinfo] = (await got) as [Buffer, { port: number }];
      expect(sentAt).to.equal(2n);
      expect(Array.from(msg)).to.deep.equal([9]);
      expect(rinfo.port).to.equal(local.port);
    } finally {
      other.close();
      await transport.close();
    }
  });

  it('closes only after a datagram handed to a socket has left (a closing Delete reaches the wire)', async () => {
    const transport = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0 }], clock: systemClock, onDatagram: () => undefined });
    const other = createSocket('udp4');
    try {
      other.bind(0, '127.0.0.1');
      await once(other, 'listening');
      const got = once(other, 'message');
      const { sent } = transport.send('127.0.0.1', { address: '127.0.0.1', port: other.address().port }, Uint8Array.from([7, 7]));
      let sentFirst = false;
      void sent.then(() => { sentFirst = true; });
      // close() straight after send(), as FakePeer.close does after the teardown Delete: without waiting, the socket drops it.
      await transport.close();
      expect(sentFirst).to.equal(true);
      const [msg] = (await got) as [Buffer];
      expect(Array.from(msg)).to.deep.equal([7, 7]);
    } finally {
      other.close();
      await transport.close();
    }
  });

  it('fails with ERR_PEER_SOCKET when an address cannot be bound, releasing what it had bound', async () => {
    const first = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0 }], clock: systemClock, onDatagram: () => {} });
    const busy = first.endpoints[0];
    try {
      const refused = rejectionOf(UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0 }, { ...busy, io }], clock: systemClock, onDatagram: () => {} }));
      expect(await refused, 'bind to a busy port').to.have.property('code', 'ERR_PEER_SOCKET');
    } finally {
      await first.close();
    }
  });

  it('refuses to send from an address it has no socket for', async () => {
    const t = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0 }], clock: systemClock, onDatagram: () => {} });
    try {
      expect(() => t.send('127.0.0.2', { address: '127.0.0.1', port: 9 }, new Uint8Array(1))).to.throw().with.property('code', 'ERR_PEER_SOCKET');
    } finally {
      await t.close();
    }
  });

  it('on a NAT-T socket: prepends the non-ESP marker to IKE, sends keepalives as-is, and sorts what arrives (RFC 3948 §2)', async () => {
    const received: Datagram[] = [];
    const transport = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0, natT: true }], clock: systemClock, onDatagram: (d) => received.push(d) });
    const other = createSocket('udp4');
    try {
      other.bind(0, '127.0.0.1');
      await once(other, 'listening');
      const to = { address: '127.0.0.1', port: other.address().port };
      const wire: Buffer[] = [];
      other.on('message', (m) => wire.push(m));
      const ikeSent = transport.send('127.0.0.1', to, Uint8Array.from([7, 7, 7, 7, 7]));
      expect(ikeSent.udpEncapsulation).to.equal('non-esp-marker');
      await ikeSent.sent;
      await transport.send('127.0.0.1', to, Uint8Array.of(0xff), 'as-is').sent;
      const deadline = Date.now() + 5000;
      while (wire.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(wire.map((m) => m.toString('hex'))).to.deep.equal(['000000000707070707', 'ff']);

      const [local] = transport.endpoints;
      expect(transport.natTEndpoints).to.deep.equal([local]);
      for (const bytes of ['ff', '0000000001020304', 'c0ffee0100000001']) other.send(Buffer.from(bytes, 'hex'), local.port, '127.0.0.1');
      while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(received.map((d) => `${d.udpEncapsulation} ${Buffer.from(d.bytes).toString('hex')}`)).to.have.members(['keepalive ff', 'non-esp-marker 01020304', 'esp c0ffee0100000001']);
    } finally {
      other.close();
      await transport.close();
    }
  });

  it('rebinds a socket to a fresh port of the same address and closes the old one', async () => {
    const transport = await UdpTransport.open({ bind: [{ io, address: '127.0.0.1', port: 0, natT: true }], clock: systemClock, onDatagram: () => undefined });
    try {
      const [old] = transport.endpoints;
      const fresh = await transport.rebind(old);
      expect(fresh.address).to.equal('127.0.0.1');
      expect(fresh.port).to.not.equal(old.port);
      expect(transport.endpoints).to.deep.equal([fresh]);
      expect(transport.natTEndpoints).to.deep.equal([fresh]);
      expect(() => transport.send(old, fresh, Uint8Array.of(1))).to.throw().with.property('code', 'ERR_PEER_SOCKET');
    } finally {
      await transport.close();
    }
  });
});
