/**
 * CPU load for timing tests: a spawned busy-loop process competing for the
 * cores, and busy slices inside this process that hold its event loop for
 * `blockMs` out of every `everyMs` — what a harness busy with 10,000 SAs or a
 * large report does to the moment a datagram handler runs. stop() says how
 * late the event loop ran meanwhile (perf_hooks' event-loop delay), so a test
 * can show the load was real.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface CpuLoad {
  stop(): Promise<{ loopDelayP99Ms: number; loopDelayMaxMs: number }>;
}

export function startCpuLoad(options: { blockMs: number; everyMs: number }): CpuLoad {
  const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const slices = setInterval(() => {
    const until = performance.now() + options.blockMs;
    while (performance.now() < until) {
      // Busy on purpose: the event loop is what is being loaded.
    }
  }, options.everyMs);
  return {
    async stop() {
      clearInterval(slices);
      delay.disable();
      const exited = new Promise((resolve) => burner.once('exit', resolve));
      burner.kill('SIGKILL');
      await exited;
      return { loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 };
    },
  };
}
