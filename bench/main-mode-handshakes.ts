/** Main Mode (PSK, AES-128/SHA-1/MODP2048) handshakes per second the fake peer completes against itself. */
import { loopbackPair, measure } from './loopback-pair.js';

export async function mainModeHandshakes(count = Number(process.env.BENCH_HANDSHAKES ?? 300)): Promise<string[]> {
  const pair = await loopbackPair();
  try {
    await pair.establish(20, 8);
    const { cpuUs, wallUs } = await measure(() => pair.establish(count, 16));
    return [
      `Main Mode handshakes (both ends in one process, ${count} SAs, 16 in flight): ` +
        `${(count / (wallUs / 1e6)).toFixed(0)} /s wall, ${(cpuUs / count / 1000).toFixed(2)} ms CPU per handshake (initiator + responder)`,
    ];
  } finally {
    await pair.close();
  }
}
