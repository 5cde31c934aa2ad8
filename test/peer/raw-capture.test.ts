import { expect } from 'chai';
import fc from 'fast-check';
import { HarnessError, WireError } from '../../src/errors.js';
import { encodeIpv4Udp, ipv4Packet } from '../../src/peer/icmp-ipv4-udp.js';
import type { RawSocket, RawSocketFactory } from '../../src/peer/raw-capture-socket.js';
import { RawCapture, type CapturedUdp } from '../../src/peer/raw-capture.js';
import { FakeClock } from '../support/fake-clock.js';

const PEER = '203.0.113.145';
const DUT = '203.0.113.146';

/** A raw socket the test feeds packets into, as the addon would on 'message'. */
function feedableSocket(): { factory: RawSocketFactory; deliver(bytes: Uint8Array): void; fail(error: Error): void; protocol: () => string | undefined } {
  const listeners: { message?: (buffer: Buffer, source: string) => void; error?: (error: Error) => void } = {};
  let protocol: string | undefined;
  const socket = {
    send: () => socket,
    on(event: string, listener: never) {
      (listeners as Record<string, unknown>)[event] = listener;
      return socket;
    },
    setOption: () => undefined,
    pauseRecv: () => socket,
    close: () => socket,
  } as unknown as RawSocket;
  return {
    factory: (p) => {
      protocol = p;
      return socket;
    },
    deliver: (bytes) => listeners.message?.(Buffer.from(bytes), '0.0.0.0'),
    fail: (error) => listeners.error?.(error),
    protocol: () => protocol,
  };
}

function open(clock: FakeClock, raw: ReturnType<typeof feedableSocket>): { packets: CapturedUdp[]; errors: HarnessError[] } {
  const packets: CapturedUdp[] = [];
  const errors: HarnessError[] = [];
  RawCapture.open({ clock, addresses: [PEER], onPacket: (p) => packets.push(p), onError: (e) => errors.push(e), socketFactory: raw.factory });
  return { packets, errors };
}

const udp = (source: string, destination: string, payload: Uint8Array, ttl = 64): Uint8Array =>
  encodeIpv4Udp({ source, destination, ttl }, { header: { sourcePort: 4500, destinationPort: 500 }, payload });

describe('RawCapture (fed raw socket)', () => {
  it('reports UDP to or from a watched address with the clock time at receipt and the fields of the packet', () => {
    const clock = new FakeClock();
    const raw = feedableSocket();
    const { packets, errors } = open(clock, raw);
    expect(raw.protocol()).to.equal('udp');
    clock.advance(250);
    const payload = Uint8Array.of(1, 2, 3, 4, 5);
    raw.deliver(udp(DUT, PEER, payload, 61));
    expect(errors).to.deep.equal([]);
    expect(packets).to.have.length(1);
    const p = packets[0];
    expect({ t: p.t, src: p.src, dst: p.dst, sport: p.sport, dport: p.dport, ttl: p.ttl }).to.deep.equal({ t: 1_250_000_000n, src: DUT, dst: PEER, sport: 4500, dport: 500, ttl: 61 });
    expect(Array.from(p.payload)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(Buffer.from(p.packet).equals(Buffer.from(udp(DUT, PEER, payload, 61)))).to.equal(true);
  });

  it('ignores other addresses and other protocols', () => {
    const raw = feedableSocket();
    const { packets, errors } = open(new FakeClock(), raw);
    raw.deliver(udp(DUT, '203.0.113.150', new Uint8Array(4)));
    raw.deliver(ipv4Packet.encode({ header: { source: DUT, destination: PEER, protocol: 6 }, payload: new Uint8Array(20) }));
    raw.deliver(Uint8Array.of(0x60, 0, 0));
    expect(packets).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('reports a packet to a watched address that does not decode as a WireError with its offset in the IP packet', () => {
    const raw = feedableSocket();
    const { packets, errors } = open(new FakeClock(), raw);
    const lying = udp(DUT, PEER, new Uint8Array(8));
    lying[24] = 0x01; // UDP length 256 + 16: past the end of the IP payload
    raw.deliver(lying);
    expect(packets).to.deep.equal([]);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(WireError).and.include({ code: 'ERR_ICMP_BAD_LENGTH', offset: 24 });
  });

  it('never throws at the socket, whatever arrives: undecodable packets to a watched address become WireErrors', () => {
    const valid = udp(DUT, PEER, new Uint8Array(16).fill(3));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }).map((edits) => {
            const b = Uint8Array.from(valid);
            // Addresses (bytes 12–19) stay watched, so every damaged field reaches the decoder.
            for (const [at, v] of edits) if (at < 12 || at > 19) b[at] = v;
            return b;
          }),
        ),
        (bytes) => {
          const raw = feedableSocket();
          const { errors } = open(new FakeClock(), raw);
          raw.deliver(bytes);
          for (const e of errors) expect(e).to.be.instanceOf(WireError);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports socket failures as ERR_RAW_SOCKET and a refused socket as ERR_RAW_NOT_PERMITTED', () => {
    const raw = feedableSocket();
    const { errors } = open(new FakeClock(), raw);
    raw.fail(new Error('Bad file descriptor'));
    expect(errors.map((e) => e.code)).to.deep.equal(['ERR_RAW_SOCKET']);
    const refused: RawSocketFactory = () => {
      throw new Error('Operation not permitted');
    };
    expect(() => RawCapture.open({ clock: new FakeClock(), addresses: [PEER], onPacket: () => undefined, socketFactory: refused }))
      .to.throw(HarnessError)
      .with.property('code', 'ERR_RAW_NOT_PERMITTED');
  });
});
