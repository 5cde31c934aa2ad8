import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import type { DatagramEvent } from '../../src/events.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import { KernelReceiveStamps } from '../../src/peer/kernel-receive-stamps.js';
import { FakeClock } from '../support/fake-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { v2Config } from '../ike/v2/ikev2-pair.js';
import { LoopbackDut } from './loopback-dut.js';
import { ReplaySocket } from './replay-rx-stamp-socket.js';

const MS = 1_000_000n;
/** An IKE header the engine reads and refuses (no SA, not IKE_SA_INIT): what matters is the datagram's receive time. */
const STRAY = Uint8Array.from([...new Array(8).fill(1), ...new Array(8).fill(0), 46, 0x20, 37, 0x08, 0, 0, 0, 7, 0, 0, 0, 28]);

describe('peer/ikev2-peer receive times (loopback, injected stamp socket)', () => {
  let clock: FakeClock;
  let dut: LoopbackDut;
  let peer: Ikev2Peer | undefined;

  beforeEach(async () => {
    clock = new FakeClock();
    dut = await LoopbackDut.open();
  });

  afterEach(async () => {
    dut.close();
    await peer?.close();
  });

  const start = (openReceiveStamps: () => KernelReceiveStamps): Promise<Ikev2Peer> =>
    Ikev2Peer.start({ bind: [{ address: '127.0.0.1', port: 0 }], clock, engine: new Ikev2Engine(v2Config('stamps')), openReceiveStamps });
  const inbound = (): DatagramEvent[] => peer!.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in');

  it('logs a datagram from the DUT at its kernel receive time, not when the event loop read it', async () => {
    const socket = new ReplaySocket();
    peer = await start(() => KernelReceiveStamps.open({ clock, addresses: ['127.0.0.1'], socketFactory: () => socket }));
    const at = peer.endpoints[0]!;
    socket.queue(dut.endpoint, at, STRAY, 4n * MS);
    dut.send(STRAY, at);
    await waitUntil(() => inbound().length === 1, 'the datagram');
    expect(inbound()[0]).to.include({ stampedBy: 'kernel', t: clock.now() - 4n * MS });
  });

  it('keeps event-loop times, and says why on the timeline, when the stamp socket cannot be opened', async () => {
    peer = await start(() => {
      throw new HarnessError('ERR_RAW_NOT_PERMITTED', 'raw sockets need root');
    });
    dut.send(STRAY, peer.endpoints[0]!);
    await waitUntil(() => inbound().length === 1, 'the datagram');
    expect(inbound()[0]).to.include({ stampedBy: 'event-loop', t: clock.now() });
    expect(peer.log.events.some((e) => e.type === 'mark' && e.label.includes('ERR_RAW_NOT_PERMITTED'))).to.equal(true);
  });
});
