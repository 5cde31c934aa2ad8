/**
 * Main Mode (PSK, AES-128/SHA-1/MODP2048) handshakes per second the fake peer completes
 * against itself, beside its DH-only baseline: what the two ends cannot avoid per
 * handshake (a MODP2048 key pair with a 320-bit exponent, as src/crypto/dh-group.ts draws,
 * and a shared secret, each end) on Node's own objects. Handshakes and baseline run in
 * alternating batches, so a change in the machine's load hits both alike; the ratio of
 * their medians is the figure. Both run after BENCH_WARMUP handshakes: until V8 has
 * optimised the engine's code (some hundreds of handshakes), its compiler threads add
 * about a third to each handshake's CPU, a one-off the native DH code never pays.
 * BENCH_BEFORE: a checkout of an older revision (its own node_modules link), whose two
 * peers run their handshakes in the same alternation, for an after ÷ before figure.
 * Both checkouts' peers run as tsc output (bench/compiled-checkout.ts; BENCH_TSX=1: through tsx).
 */
import { createDiffieHellman, getDiffieHellman, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { compiledModule } from './compiled-checkout.js';
import { BENCH_PROPOSAL, measure, median, type LoopbackPair } from './loopback-pair.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Two fake peers of the checkout at `root`, from its compiled bench/loopback-pair.ts. */
async function pairOf(root: string): Promise<LoopbackPair> {
  const bench = (await import(compiledModule(root, 'bench/loopback-pair.ts'))) as typeof import('./loopback-pair.js');
  return bench.loopbackPair();
}

/** RFC 3526 §8's exponent size for group 14, as dh-group.ts uses. */
const MODP14 = { name: 'modp14', privateBytes: 40 };

function dhBaseline(handshakes: number): number {
  if (BENCH_PROPOSAL.group !== 14) throw new Error(`the DH baseline is for group 14, the bench proposal has ${BENCH_PROPOSAL.group}`);
  const p = getDiffieHellman(MODP14.name).getPrime();
  const keyPair = () => {
    const dh = createDiffieHellman(p, 2);
    dh.setPrivateKey(randomBytes(MODP14.privateBytes));
    return { dh, publicKey: dh.generateKeys() };
  };
  const cpu0 = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < handshakes; i++) {
    const initiator = keyPair();
    const responder = keyPair();
    sink ^= initiator.dh.computeSecret(responder.publicKey)[0] ^ responder.dh.computeSecret(initiator.publicKey)[0];
  }
  const cpu = process.cpuUsage(cpu0);
  if (sink !== 0) throw new Error('the two ends of the DH baseline disagree');
  return cpu.user + cpu.system;
}

/** CPU µs per handshake of `perRound` handshakes, and handshakes per wall second. */
async function handshakeRound(pair: LoopbackPair, perRound: number): Promise<{ us: number; perS: number }> {
  const { cpuUs, wallUs } = await measure(() => pair.establish(perRound, 16));
  return { us: cpuUs / perRound, perS: perRound / (wallUs / 1e6) };
}

export async function mainModeHandshakes(count = Number(process.env.BENCH_HANDSHAKES ?? 300), rounds = 5, warmup = Number(process.env.BENCH_WARMUP ?? 600)): Promise<string[]> {
  const pair = await pairOf(ROOT);
  const before = process.env.BENCH_BEFORE ? await pairOf(process.env.BENCH_BEFORE) : undefined;
  try {
    await pair.establish(warmup, 16);
    await before?.establish(warmup, 16);
    dhBaseline(20);
    const perRound = Math.max(1, Math.ceil(count / rounds));
    const handshakeUs: number[] = [];
    const wallPerS: number[] = [];
    const dhUs: number[] = [];
    const beforeUs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const now = await handshakeRound(pair, perRound);
      handshakeUs.push(now.us);
      wallPerS.push(now.perS);
      dhUs.push(dhBaseline(perRound) / perRound);
      if (before) beforeUs.push((await handshakeRound(before, perRound)).us);
    }
    const handshake = median(handshakeUs);
    const dh = median(dhUs);
    return [
      `Main Mode handshakes (both ends in one process, ${perRound * rounds} SAs in ${rounds} batches after ${warmup} to warm up, 16 in flight): ` +
        `${median(wallPerS).toFixed(0)} /s wall, ${(handshake / 1000).toFixed(2)} ms CPU per handshake (initiator + responder)`,
      `  DH-only baseline in the same run (2 MODP2048 key pairs + 2 shared secrets per handshake): ${(dh / 1000).toFixed(2)} ms; handshake ÷ DH = ${(handshake / dh).toFixed(2)}`,
      ...(before
        ? [`  BENCH_BEFORE's peers in the same alternation: ${(median(beforeUs) / 1000).toFixed(2)} ms; ÷ DH = ${(median(beforeUs) / dh).toFixed(2)}; after ÷ before = ${(handshake / median(beforeUs)).toFixed(2)}`]
        : []),
    ];
  } finally {
    await pair.close();
    await before?.close();
  }
}
