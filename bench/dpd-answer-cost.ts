/**
 * CPU cost of answering one R-U-THERE: (1) the engine alone — decrypt, check
 * HASH(1), build and encrypt the ACK — with two engines wired together in
 * memory, beside the crypto floor, measured in alternating batches in the same
 * run so a change in the machine's load hits both alike; (2) the whole fake
 * peer over loopback, both ends in one process, per probe round trip (send
 * R-U-THERE, answer it, receive the ACK).
 *
 * BENCH_BEFORE: a checkout of an older revision (its own node_modules link);
 * its engine is measured in the same alternation, so a change is judged by
 * interleaved before/after batches on one machine state. Engines and floor run
 * as tsc output (bench/compiled-checkout.ts; BENCH_TSX=1 for the TypeScript through tsx).
 */
import { fileURLToPath } from 'node:url';
import type { MakeEngine } from './answer-batches.js';
import { compiledModule } from './compiled-checkout.js';
import { loopbackPair, measure, median, probeAll } from './loopback-pair.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Batches = typeof import('./answer-batches.js');
type Pair = typeof import('./loopback-pair.js');
type Ike = typeof import('../src/ike/index.js');

/** A checkout's bench engine (its compiled bench/loopback-pair.ts and src/ike). */
async function engineOf(root: string): Promise<MakeEngine> {
  const pair = (await import(compiledModule(root, 'bench/loopback-pair.ts'))) as Pair;
  const ike = (await import(compiledModule(root, 'src/ike/index.ts'))) as Ike;
  return () => pair.benchEngine(ike.NO_HOOKS);
}

export interface AnswerCost {
  engineUs: number;
  floorUs: number;
  ratio: number;
  freshFloorUs: number;
  /** With BENCH_BEFORE: the older checkout's engine in the same alternation. */
  beforeUs?: number;
}

/** Engine, floors (and the before engine) in alternating batches: the ratio of the medians is the figure. */
export async function engineBesideFloor(probes: number, rounds = 7): Promise<AnswerCost> {
  const perBatch = Math.max(1, Math.ceil(probes / rounds));
  const { engineBatch, floorBatch, freshObjectFloorBatch } = (await import(compiledModule(ROOT, 'bench/answer-batches.ts'))) as Batches;
  const before = process.env.BENCH_BEFORE ? await engineOf(process.env.BENCH_BEFORE) : undefined;
  const batches = {
    engine: engineBatch(perBatch, await engineOf(ROOT)),
    floor: floorBatch(perBatch),
    freshFloor: freshObjectFloorBatch(perBatch),
    ...(before ? { before: engineBatch(perBatch, before) } : {}),
  };
  const runs = new Map<string, number[]>(Object.keys(batches).map((k) => [k, []]));
  // Two unrecorded rounds first: the figures are steady-state costs, not the JIT's first compilations.
  for (let r = 0; r < 2; r++) for (const batch of Object.values(batches)) batch();
  const order = Object.entries(batches);
  // Every other round in reverse order, so no batch always runs right after the same neighbour.
  for (let r = 0; r < rounds; r++) for (const [name, batch] of r % 2 ? [...order].reverse() : order) runs.get(name)?.push(batch());
  const m = (name: string): number => median(runs.get(name) ?? []);
  return { engineUs: m('engine'), floorUs: m('floor'), ratio: m('engine') / m('floor'), freshFloorUs: m('freshFloor'), ...(before ? { beforeUs: m('before') } : {}) };
}

async function peerRoundTrip(probes: number): Promise<string> {
  const pair = await loopbackPair();
  try {
    const [sa] = await pair.establish(1, 1);
    const { cpuUs, wallUs, result } = await measure(() => probeAll(pair, Array.from({ length: probes }, () => sa), 32));
    if (result.unanswered > 0) throw new Error(`${result.unanswered} of ${probes} R-U-THEREs were not answered`);
    return `R-U-THERE round trip through both fake peers over loopback (send, answer, receive ACK; one process): ${(cpuUs / probes).toFixed(1)} µs CPU, ${(probes / (wallUs / 1e6)).toFixed(0)} probes/s (${probes} probes)`;
  } finally {
    await pair.close();
  }
}

export async function dpdAnswerCost(probes = Number(process.env.BENCH_PROBES ?? 5000)): Promise<string[]> {
  const c = await engineBesideFloor(probes);
  return [
    `Answering one R-U-THERE, engine only (decrypt + HASH(1) check + ACK build + encrypt; AES-128/SHA-1): ${c.engineUs.toFixed(1)} µs CPU (${probes} probes, median of 7 batches)`,
    `  crypto floor in the same run (two IVs, decrypt, two HMACs, encrypt; kept contexts, real sizes): ${c.floorUs.toFixed(1)} µs; engine ÷ floor = ${c.ratio.toFixed(2)}`,
    `  issue 14's first floor (decrypt, HMAC, HMAC, encrypt of 80 bytes on fresh objects): ${c.freshFloorUs.toFixed(1)} µs; engine ÷ that = ${(c.engineUs / c.freshFloorUs).toFixed(2)}`,
    ...(c.beforeUs === undefined ? [] : [`  BENCH_BEFORE's engine in the same alternation: ${c.beforeUs.toFixed(1)} µs; after ÷ before = ${(c.engineUs / c.beforeUs).toFixed(2)}`]),
    await peerRoundTrip(probes),
  ];
}
