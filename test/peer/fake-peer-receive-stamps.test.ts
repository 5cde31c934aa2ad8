import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import type { Endpoint } from '../../src/events.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { KernelReceiveStamps } from '../../src/peer/kernel-receive-stamps.js';
import { datagramFromEvent } from '../../src/report/pcap-writer.js';
import { timelineMessage } from '../../src/report/message-timeline.js';
import { FakeClock } from '../support/fake-clock.js';
import { ScriptedEngine } from '../support/scripted-engine.js';
import { waitUntil } from '../support/wait-until.js';
import { LoopbackDut } from './loopback-dut.js';
import { ReplaySocket } from './replay-rx-stamp-socket.js';

const SA = 'aa'.repeat(8) + 'bb'.repeat(8);
const MS = 1_000_000n;

describe('peer/fake-peer receive times (loopback, injected stamp socket)', () => {
  let clock: FakeClock;
  let dut: LoopbackDut;
  let peer: FakePeer | undefined;

  beforeEach(async () => {
    clock = new FakeClock();
    dut = await LoopbackDut.open();
  });

  afterEach(async () => {
    dut.close();
    await peer?.close();
  });

  const start = (openReceiveStamps: () => KernelReceiveStamps): Promise<FakePeer> =>
    FakePeer.start({
      bind: [{ address: '127.0.0.1', port: 0 }],
      clock,
      createEngine: (hooks) => new ScriptedEngine(hooks, () => peer!.endpoints[0]),
      openReceiveStamps,
    });

  it('logs a received datagram at its kernel time, the answer at the event loop time, and the timeline and pcap follow the log', async () => {
    const socket = new ReplaySocket();
    peer = await start(() => KernelReceiveStamps.open({ clock, addresses: ['127.0.0.1'], socketFactory: () => socket }));
    const at: Endpoint = peer.endpoints[0]!;
    const probe = ScriptedEngine.packet(SA, 1, 41);
    socket.queue(dut.endpoint, at, probe, 4n * MS);
    dut.send(probe, at);
    await waitUntil(() => dut.received.length === 1, 'the ACK');
    const [received, sent] = peer.log.datagrams(SA);
    expect(received).to.include({ direction: 'in', stampedBy: 'kernel', t: clock.now() - 4n * MS });
    expect(sent).to.include({ direction: 'out', stampedBy: 'event-loop', t: clock.now() });
    expect(timelineMessage({ startedAt: clock.now() - 10n * MS }, received!)).to.include({ t: 0.006, stampedBy: 'kernel' });
    expect(datagramFromEvent(received!, (t) => t).timeNs).to.equal(clock.now() - 4n * MS);
  });

  it('opens no capture when every socket is batched (they stamp what they read), and one when a socket is not', async () => {
    let opened = 0;
    const open = (): KernelReceiveStamps => {
      opened++;
      return KernelReceiveStamps.open({ clock, addresses: ['127.0.0.1'], socketFactory: () => new ReplaySocket() });
    };
    const startOn = (bind: { io: 'node' | 'batched' }[]) => FakePeer.start({ bind: bind.map((b) => ({ address: '127.0.0.1', port: 0, ...b })), clock, createEngine: (hooks) => new ScriptedEngine(hooks, () => peer!.endpoints[0]), openReceiveStamps: open });
    peer = await startOn([{ io: 'batched' }, { io: 'batched' }]);
    expect(opened).to.equal(0);
    await peer.close();
    peer = await startOn([{ io: 'batched' }, { io: 'node' }]);
    expect(opened).to.equal(1);
  });

  it('keeps event-loop times, and says why on the timeline, when the stamp socket cannot be opened', async () => {
    peer = await start(() => {
      throw new HarnessError('ERR_RAW_NOT_PERMITTED', 'raw sockets need root');
    });
    const at: Endpoint = peer.endpoints[0]!;
    dut.send(ScriptedEngine.packet(SA, 1, 42), at);
    await waitUntil(() => dut.received.length === 1, 'the ACK');
    expect(peer.log.datagrams(SA).map((d) => [d.direction, d.stampedBy, d.t])).to.deep.equal([
      ['in', 'event-loop', clock.now()],
      ['out', 'event-loop', clock.now()],
    ]);
    expect(peer.log.events.some((e) => e.type === 'mark' && e.label.includes('ERR_RAW_NOT_PERMITTED'))).to.equal(true);
  });
});
