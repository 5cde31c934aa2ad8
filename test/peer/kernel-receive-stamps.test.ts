import { expect } from 'chai';
import type { HarnessError } from '../../src/errors.js';
import { KernelReceiveStamps } from '../../src/peer/kernel-receive-stamps.js';
import type { RxStampSocket } from '../../src/peer/rx-stamp-addon.js';
import { FakeClock } from '../support/fake-clock.js';
import { ReplaySocket } from './replay-rx-stamp-socket.js';

const DUT = { address: '198.51.100.2', port: 500 };
const PEER = { address: '198.51.100.1', port: 500 };
const MS = 1_000_000n;

describe('peer/kernel-receive-stamps', () => {
  let clock: FakeClock;
  let socket: ReplaySocket;
  let stamps: KernelReceiveStamps;
  let errors: HarnessError[];

  beforeEach(() => {
    clock = new FakeClock();
    socket = new ReplaySocket();
    errors = [];
    stamps = KernelReceiveStamps.open({ clock, addresses: [PEER.address], socketFactory: () => socket, onError: (e) => errors.push(e) });
  });

  afterEach(() => stamps.close());

  it('gives a datagram the kernel time, mapped onto the injected clock as now minus the stamp age', () => {
    const payload = Uint8Array.from([1, 2, 3, 4]);
    socket.queue(DUT, PEER, payload, 7n * MS);
    const loopT = clock.now();
    expect(stamps.stamp(DUT, PEER, payload, loopT)).to.deep.equal({ t: loopT - 7n * MS, stampedBy: 'kernel' });
  });

  it('keeps the event-loop time when no captured packet matches', () => {
    socket.queue(DUT, PEER, Uint8Array.from([1, 2, 3]), 7n * MS);
    expect(stamps.stamp(DUT, PEER, Uint8Array.from([1, 2, 4]), clock.now())).to.deep.equal({ t: clock.now(), stampedBy: 'event-loop' });
  });

  it('does not keep stamps of packets to addresses the peer does not listen on, nor packets without a stamp', () => {
    const payload = Uint8Array.from([5]);
    socket.queue(DUT, { address: '198.51.100.9', port: 500 }, payload, 3n * MS);
    socket.queue(DUT, PEER, payload, null);
    expect(stamps.stamp(DUT, { address: '198.51.100.9', port: 500 }, payload, clock.now()).stampedBy).to.equal('event-loop');
    expect(stamps.stamp(DUT, PEER, payload, clock.now()).stampedBy).to.equal('event-loop');
  });

  it('never stamps a datagram later than the event loop read it', () => {
    const payload = Uint8Array.from([6]);
    socket.queue(DUT, PEER, payload, 0n);
    clock.advance(1);
    const loopT = clock.now() - MS;
    expect(stamps.stamp(DUT, PEER, payload, loopT)).to.deep.equal({ t: loopT, stampedBy: 'kernel' });
  });

  it('drains on a timer between datagrams, and a stamp left unclaimed for 2 s is dropped', () => {
    const payload = Uint8Array.from([7]);
    socket.queue(DUT, PEER, payload, 0n);
    const queuedAt = clock.now();
    clock.advance(250);
    expect(socket.drains, 'drained by the timer').to.be.greaterThan(0);
    expect(stamps.stamp(DUT, PEER, payload, clock.now())).to.deep.equal({ t: queuedAt + 200n * MS, stampedBy: 'kernel' });
    socket.queue(DUT, PEER, payload, 0n);
    clock.advance(2_500);
    expect(stamps.stamp(DUT, PEER, payload, clock.now()).stampedBy).to.equal('event-loop');
  });

  it('turns a failing socket into ERR_RAW_SOCKET once, closes it, and falls back to the event loop', () => {
    socket.failWith = new Error('Bad file descriptor');
    expect(stamps.stamp(DUT, PEER, Uint8Array.from([8]), clock.now()).stampedBy).to.equal('event-loop');
    expect(stamps.stamp(DUT, PEER, Uint8Array.from([8]), clock.now()).stampedBy).to.equal('event-loop');
    expect(errors.map((e) => e.code)).to.deep.equal(['ERR_RAW_SOCKET']);
    expect(socket.closed).to.equal(true);
  });

  it('refuses without CAP_NET_RAW with ERR_RAW_NOT_PERMITTED (the addon reports EPERM as strerror text)', () => {
    const refused = (): RxStampSocket => {
      throw new Error('socket(AF_INET, SOCK_RAW, IPPROTO_UDP): Operation not permitted');
    };
    expect(() => KernelReceiveStamps.open({ clock, addresses: [PEER.address], socketFactory: refused })).to.throw().with.property('code', 'ERR_RAW_NOT_PERMITTED');
  });
});
