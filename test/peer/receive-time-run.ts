/**
 * One measured run of receive-time fidelity against a lab DUT, for the root
 * test and for bench/receive-time-error.ts: tcpdump on the fake peer's end of
 * the lab link, the fake peer brings an SA up with the DUT and sends a stream
 * of R-U-THEREs (optionally under CPU load), the DUT's answers are received,
 * and every received datagram's harness time is compared with tcpdump's.
 */
import { join } from 'node:path';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import type { FakePeer } from '../../src/peer/fake-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { PeerScenarioTarget } from '../../src/target/peer-target.js';
import { startCpuLoad } from '../support/cpu-load.js';
import { receiveTimeErrors, wallMinusMonotonicNs, type ReceiveTimeErrors } from '../support/receive-time-error.js';
import { readUdpCapture, startTcpdump, stopTcpdump } from '../support/tcpdump.js';
import { waitUntil } from '../support/wait-until.js';

export interface ReceiveTimeRunOptions {
  peer: FakePeer;
  dut: DutAdapter;
  dutAddress: string;
  peerAddress: string;
  /** The fake peer's end of the lab link (labNames(lab).peerLink). */
  link: string;
  dir: string;
  name: string;
  probes: number;
  /** Gap between probes, ms. */
  gapMs: number;
  load: boolean;
}

export interface ReceiveTimeRun extends ReceiveTimeErrors {
  /** Event-loop delay while probing (perf_hooks), p99 and max in ms; null without load. */
  loopDelay: { p99Ms: number; maxMs: number } | null;
  acks: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function receiveTimeRun(o: ReceiveTimeRunOptions): Promise<ReceiveTimeRun> {
  const file = join(o.dir, `${o.name}.pcap`);
  const tcpdump = await startTcpdump(o.link, file, `udp and src host ${o.dutAddress} and dst host ${o.peerAddress}`);
  const dut = { address: o.dutAddress, port: 500 };
  const target = new PeerScenarioTarget({
    peer: o.peer, clock: systemClock, random: systemRandom, dut, peerEndpoints: [{ address: o.peerAddress, port: 500 }],
    control: { hasSa: async () => (await o.dut.listSas()).length > 0 },
    release: () => o.peer.close(),
  });
  const acks = (): number => o.peer.log.datagrams().filter((e) => e.direction === 'in' && e.summary?.kind === 'r-u-there-ack').length;
  let loopDelay: ReceiveTimeRun['loopDelay'] = null;
  try {
    const sa = await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 20_000 });
    const load = o.load ? startCpuLoad({ blockMs: 20, everyMs: 40 }) : undefined;
    try {
      for (let i = 0; i < o.probes; i++) {
        o.peer.probe(sa);
        await sleep(o.gapMs);
      }
      await waitUntil(() => acks() >= o.probes, `${o.probes} R-U-THERE-ACKs`, 10_000, 20);
    } finally {
      const delay = await load?.stop();
      if (delay) loopDelay = { p99Ms: delay.loopDelayP99Ms, maxMs: delay.loopDelayMaxMs };
    }
    await target.teardown();
  } finally {
    await o.peer.close();
    // Packets still on their way into tcpdump's buffer when it stops would be lost.
    await sleep(100);
    await stopTcpdump(tcpdump);
  }
  await waitUntil(async () => (await o.dut.listSas()).length === 0, 'the DUT drops the SA', 10_000, 100);
  return { ...receiveTimeErrors(o.peer.log.events, readUdpCapture(file), wallMinusMonotonicNs()), loopDelay, acks: acks() };
}
