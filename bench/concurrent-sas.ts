/**
 * How many IKE SAs one fake-peer process holds with DPD answered: bring up N
 * SAs, then probe every one of them, several rounds, and require an ACK with
 * the echoed sequence number on every SA in every round.
 */
import { loopbackPair, measure, probeAll } from './loopback-pair.js';

export async function concurrentSas(count = Number(process.env.BENCH_SAS ?? 1000), rounds = 3): Promise<string[]> {
  const pair = await loopbackPair();
  try {
    const { wallUs: upUs } = await measure(() => pair.establish(count, 32));
    const sas = pair.initiator.sas();
    if (pair.responder.sas().length !== count || sas.length !== count) throw new Error(`expected ${count} SAs on both ends`);
    const lines: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      const { cpuUs, wallUs, result } = await measure(() => probeAll(pair, sas, 64));
      if (result.unanswered > 0) throw new Error(`round ${round}: ${result.unanswered} of ${count} SAs did not answer with the echoed seq`);
      lines.push(`  round ${round}: every one of the ${count} SAs ACKed its R-U-THERE with the echoed seq in ${(wallUs / 1000).toFixed(0)} ms wall, ${(cpuUs / count).toFixed(1)} µs CPU per SA`);
    }
    const mem = process.memoryUsage();
    return [
      `Concurrent IKE SAs with DPD answered: ${count} SAs on each end (brought up in ${(upUs / 1e6).toFixed(1)} s), heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB for both ends`,
      ...lines,
    ];
  } finally {
    await pair.close();
  }
}
