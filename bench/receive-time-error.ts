/**
 * `npm run bench:rx-time` (root): how far the fake peer's receive times are from
 * a kernel capture, with event-loop stamps (before) and kernel stamps (after,
 * src/peer/kernel-receive-stamps.ts), interleaved so a change in the machine's
 * load hits both alike. Each run brings an SA up with a strongSwan lab DUT,
 * sends BENCH_PROBES R-U-THEREs 10 ms apart under CPU load (a spawned busy loop
 * and 20 ms of every 40 ms busy in the harness's event loop; BENCH_LOAD=0 turns
 * it off) and compares every received datagram's time with tcpdump's on the
 * link. Results go in docs/performance.md.
 *
 * Knobs: BENCH_ROUNDS (pairs of runs, default 3), BENCH_PROBES (default 300).
 *   sudo flock /tmp/dpd-lab.lock npm run bench:rx-time
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IkeEngine } from '../src/ike/index.js';
import type { DutAdapter } from '../src/lab/dut-adapter-types.js';
import { Lab } from '../src/lab/lab.js';
import { labNames } from '../src/lab/topology.js';
import { FakePeer } from '../src/peer/fake-peer.js';
import { KernelReceiveStamps } from '../src/peer/kernel-receive-stamps.js';
import { systemClock } from '../src/peer/system-clock.js';
import { absQuantile } from '../test/support/receive-time-error.js';
import { receiveTimeRun } from '../test/peer/receive-time-run.js';
import { DUT_ADDRESS, PEER_ADDRESS, fakePeerEngineConfig, strongswanLabSpec } from '../test/peer/strongswan-lab-peer-fixture.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROBES = Number(process.env.BENCH_PROBES ?? 300);
const LOAD = process.env.BENCH_LOAD !== '0';
const LAB = 'icyrxbench';
const options = { lab: LAB, psk: 'icy-receive-times-bench-psk', file: 'bench/receive-time-error.ts', dpd: { delay: 30, timeout: 120 }, retransmitMs: [2000, 2000, 4000] };

type Mode = 'event-loop' | 'kernel';
const errors: Record<Mode, number[]> = { 'event-loop': [], kernel: [] };
const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const summary = (xs: number[]): string =>
  `n ${xs.length}, |error| median ${ms(absQuantile(xs, 0.5))} ms, p90 ${ms(absQuantile(xs, 0.9))} ms, p99 ${ms(absQuantile(xs, 0.99))} ms, max ${ms(absQuantile(xs, 1))} ms`;

const dir = mkdtempSync(join(tmpdir(), 'dpd-rx-bench-'));
const lab = await Lab.up(strongswanLabSpec(options));
try {
  for (let round = 0; round < ROUNDS; round++) {
    const modes: Mode[] = round % 2 === 0 ? ['event-loop', 'kernel'] : ['kernel', 'event-loop'];
    for (const mode of modes) {
      const peer = await FakePeer.start({
        bind: [{ address: PEER_ADDRESS, port: 500 }],
        clock: systemClock,
        createEngine: (hooks) => new IkeEngine(fakePeerEngineConfig(options), hooks),
        ...(mode === 'kernel' ? { openReceiveStamps: () => KernelReceiveStamps.open({ clock: systemClock, addresses: [PEER_ADDRESS] }) } : {}),
      });
      const run = await receiveTimeRun({
        peer, dut: lab.dut as DutAdapter, dutAddress: DUT_ADDRESS, peerAddress: PEER_ADDRESS, link: labNames(LAB).peerLink,
        dir, name: `${round}-${mode}`, probes: PROBES, gapMs: 10, load: LOAD,
      });
      errors[mode].push(...run.errorsNs);
      const delay = run.loopDelay ? `; event-loop delay p99 ${run.loopDelay.p99Ms.toFixed(1)} ms, max ${run.loopDelay.maxMs.toFixed(1)} ms` : '';
      console.log(`round ${round + 1} ${mode}: ${summary(run.errorsNs)}; unmatched ${run.unmatched}; stamped by ${JSON.stringify(run.stampedBy)}${delay}; load ${loadavg()[0]!.toFixed(2)}`);
    }
  }
  for (const mode of ['event-loop', 'kernel'] as const) console.log(`all ${mode}: ${summary(errors[mode])}`);
} finally {
  await lab.down();
  rmSync(dir, { recursive: true, force: true });
}
