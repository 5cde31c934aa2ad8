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
 * interleaved before/after batches on one machine state.
 */
import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Endpoint } from '../src/events.js';
import type { EngineEffect, IkeEngine, OutboundDatagram } from '../src/ike/index.js';
import { NO_HOOKS } from '../src/ike/index.js';
import { benchEngine, loopbackPair, measure, median, probeAll } from './loopback-pair.js';

const sends = (effects: EngineEffect[]): OutboundDatagram[] =>
  effects.flatMap((e) => (e.type === 'send' ? [e.datagram] : []));

/** Delivers datagrams between two engines until neither has anything left to send. */
function exchange(engines: Map<number, IkeEngine>, first: OutboundDatagram[]): void {
  const queue = [...first];
  for (let d = queue.shift(); d; d = queue.shift()) {
    const engine = engines.get(d.to.port) as IkeEngine;
    queue.push(...sends(engine.receive({ local: d.to, remote: d.from, bytes: d.bytes }, process.hrtime.bigint()).effects));
  }
}

type MakeEngine = () => IkeEngine;

/** Two engines with one SA up between them; `batch()` answers `probes` fresh R-U-THEREs and returns the CPU µs per answer. */
function engineBatch(probes: number, make: MakeEngine): () => number {
  const a: Endpoint = { address: '127.0.0.1', port: 1 };
  const b: Endpoint = { address: '127.0.0.1', port: 2 };
  const prober = make();
  const answerer = make();
  const { sa, effects } = prober.initiate({ from: a, to: b }, 0n);
  exchange(new Map([[1, prober], [2, answerer]]), sends(effects));
  return () => {
    const requests = Array.from({ length: probes }, () => sends(prober.sendDpd(sa, 0n))[0]);
    const cpu0 = process.cpuUsage();
    let acks = 0;
    for (const r of requests) {
      const got = answerer.receive({ local: b, remote: a, bytes: r.bytes }, 0n);
      for (const e of got.effects) {
        if (e.type !== 'event' || e.event.kind !== 'dpd-request') continue;
        acks += sends(answerer.answerDpd(e.sa, e.event.ticket, e.event.seq, 0n)).length;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    if (acks !== probes) throw new Error(`engine answered ${acks} of ${probes} R-U-THEREs`);
    return (cpu.user + cpu.system) / probes;
  };
}

function perMessage(probes: number, one: () => number): () => number {
  return () => {
    const cpu0 = process.cpuUsage();
    let sink = 0;
    for (let i = 0; i < probes; i++) sink ^= one();
    const cpu = process.cpuUsage(cpu0);
    if (sink < 0) throw new Error('unreachable');
    return (cpu.user + cpu.system) / probes;
  };
}

/**
 * HMAC-SHA1 (RFC 2104 §2) from the key's pads, kept: two one-shot hashes, no HMAC object, each
 * digest a 'binary' string (no native buffer per digest), the inner one copied into the outer pad.
 */
function keptPadHmac(key: Uint8Array): (data: Uint8Array) => string {
  const inner = Buffer.alloc(64 + 4 + 32, 0x36);
  const outer = Buffer.alloc(64 + 20, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] ^= key[i];
    outer[i] ^= key[i];
  }
  return (data) => {
    inner.set(data, 64);
    const digest = hash('sha1', inner, 'binary');
    for (let i = 0; i < digest.length; i++) outer[64 + i] = digest.charCodeAt(i);
    return hash('sha1', outer, 'binary');
  };
}

/**
 * The floor: the crypto one answer cannot do without, at the sizes of the real messages
 * (a 64-byte encrypted body: HASH(1) 24 + Notify 32 + padding; HASH(1) over M-ID 4 + Notify 32),
 * the cheapest way Node allows and the engine may legitimately use — cipher contexts kept
 * per key, as src/crypto/cbc-cipher.ts keeps them, HMAC key pads kept, digests as 'binary'
 * strings rather than buffers (as src/crypto/hash-algorithm.ts takes them):
 * the R-U-THERE's IV (RFC 2409 App. B: hash(last phase-1 block | M-ID)), AES-128 decrypt,
 * HMAC-SHA1 for the HASH(1) check, HMAC-SHA1 for the ACK's HASH(1), the ACK's IV, AES-128-CBC
 * encrypt. The two IVs belong in it: every Informational needs its own, and nothing can be
 * computed before its M-ID is known.
 */
function floorBatch(probes: number): () => number {
  const key = randomBytes(16);
  const lastPhase1Block = randomBytes(16);
  const body = randomBytes(64);
  const covered = randomBytes(36);
  const ivInput = Buffer.alloc(20);
  lastPhase1Block.copy(ivInput);
  const hmac = keptPadHmac(randomBytes(20));
  const ecb = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const cbc = createCipheriv('aes-128-cbc', key, randomBytes(16)).setAutoPadding(false);
  return perMessage(probes, () => {
    let sink = hash('sha1', ivInput, 'binary').charCodeAt(0);
    sink ^= ecb.update(body)[0];
    sink ^= hmac(covered).charCodeAt(0);
    sink ^= hmac(covered).charCodeAt(0);
    sink ^= hash('sha1', ivInput, 'binary').charCodeAt(0);
    return sink ^ cbc.update(body)[0];
  });
}

/**
 * The floor as issue 14 first stated it, kept for comparison with the older figures: four
 * operations (no IVs) on 80 bytes, each on a fresh Node crypto object.
 */
function freshObjectFloorBatch(probes: number): () => number {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const skeyidA = randomBytes(20);
  const body = randomBytes(80);
  return perMessage(probes, () => {
    const plain = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(body);
    let sink = createHmac('sha1', skeyidA).update(plain).digest()[0];
    sink ^= createHmac('sha1', skeyidA).update(plain).digest()[0];
    return sink ^ createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(plain)[0];
  });
}

export interface AnswerCost {
  engineUs: number;
  floorUs: number;
  ratio: number;
  freshFloorUs: number;
  /** With BENCH_BEFORE: the older checkout's engine in the same alternation. */
  beforeUs?: number;
}

async function beforeEngine(): Promise<MakeEngine | undefined> {
  const root = process.env.BENCH_BEFORE;
  if (!root) return undefined;
  const pair = (await import(join(root, 'bench/loopback-pair.ts'))) as typeof import('./loopback-pair.js');
  const ike = (await import(join(root, 'src/ike/index.ts'))) as typeof import('../src/ike/index.js');
  return () => pair.benchEngine(ike.NO_HOOKS);
}

/** Engine, floors (and the before engine) in alternating batches: the ratio of the medians is the figure. */
export async function engineBesideFloor(probes: number, rounds = 7): Promise<AnswerCost> {
  const perBatch = Math.max(1, Math.ceil(probes / rounds));
  const before = await beforeEngine();
  const batches = {
    engine: engineBatch(perBatch, () => benchEngine(NO_HOOKS)),
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
