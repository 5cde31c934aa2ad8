/**
 * The lab DUT's own traffic source: a ping from its inner address (on the DUT namespace's
 * loopback, src/lab/topology.ts) to an address of the peer's protected subnet. The daemon's
 * policy routes it into the tunnel, so the DUT has outbound ESP to send (on-demand DPD's trigger)
 * and the fake peer sees echo requests in ESP. Started and stopped by a scenario, under the
 * lab's supervisor like every process the lab runs.
 */
import { LabError } from '../errors.js';
import type { Lab } from './lab.js';
import type { DaemonHandle } from './supervisor.js';

export interface DutTraffic {
  /** Stops the source; a source that had already exited on its own is an error (the scenario's traffic never ran). */
  stop(): Promise<void>;
}

export async function startDutTraffic(lab: Lab, flow: { source: string; destination: string; rate: number }): Promise<DutTraffic> {
  // Inside `ip netns exec` a missing binary is only an exit status 127 later; asked directly it is ERR_LAB_MISSING_PACKAGE (iputils-ping).
  await lab.supervisor.run('ping', ['-V']);
  // iputils ping: -i below 0.2 s needs root, which the lab has; -n: no name lookups.
  const interval = (1 / flow.rate).toFixed(3);
  const handle: DaemonHandle = lab.supervisor.spawnDaemon({ name: 'dut-ping', cmd: 'ping', args: ['-n', '-q', '-I', flow.source, '-i', interval, flow.destination], netns: lab.names.dutNs });
  return {
    stop: async () => {
      const early = !handle.running;
      await handle.stop();
      if (early) {
        const said = handle.snapshot().map((l) => l.line).join('\n');
        throw new LabError('ERR_LAB_DAEMON', `the DUT's traffic source (ping ${flow.source} → ${flow.destination}) exited by itself: ${said || 'no output'}`);
      }
    },
  };
}
