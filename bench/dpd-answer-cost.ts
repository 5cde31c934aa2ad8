/**
 * CPU cost of answering one R-U-THERE: (1) the engine alone — decrypt, check
 * HASH(1), build and encrypt the ACK — with two engines wired together in
 * memory, beside the crypto floor: the four operations an answer cannot do
 * without, on Node's own crypto objects, measured in alternating batches in the
 * same run so a change in the machine's load hits both alike; (2) the whole fake
 * peer over loopback, both ends in one process, per probe round trip (send
 * R-U-THERE, answer it, receive the ACK).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
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

/** Two engines with one SA up between them; `batch()` answers `probes` fresh R-U-THEREs and returns the CPU µs per answer. */
function engineBatch(probes: number): () => number {
  const a: Endpoint = { address: '127.0.0.1', port: 1 };
  const b: Endpoint = { address: '127.0.0.1', port: 2 };
  const prober = benchEngine(NO_HOOKS);
  const answerer = benchEngine(NO_HOOKS);
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

/**
 * The floor: AES-128-CBC decrypt of an 80-byte R-U-THERE body, HMAC-SHA1 over it (the
 * HASH(1) check), HMAC-SHA1 for the ACK's HASH(1), AES-128-CBC encrypt of the 80-byte
 * ACK body — each on a fresh Node crypto object, as one message's worth of work.
 */
function floorBatch(probes: number): () => number {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const skeyidA = randomBytes(20);
  const body = randomBytes(80);
  return () => {
    const cpu0 = process.cpuUsage();
    let sink = 0;
    for (let i = 0; i < probes; i++) {
      const plain = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(body);
      sink ^= createHmac('sha1', skeyidA).update(plain).digest()[0];
      sink ^= createHmac('sha1', skeyidA).update(plain).digest()[0];
      sink ^= createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(plain)[0];
    }
    const cpu = process.cpuUsage(cpu0);
    if (sink < 0) throw new Error('unreachable');
    return (cpu.user + cpu.system) / probes;
  };
}

/** Engine and floor in alternating batches: the ratio of the medians is the figure. */
export function engineBesideFloor(probes: number, rounds = 7): { engineUs: number; floorUs: number; ratio: number } {
  const perBatch = Math.max(1, Math.ceil(probes / rounds));
  const engine = engineBatch(perBatch);
  const floor = floorBatch(perBatch);
  engine();
  floor();
  const e: number[] = [];
  const f: number[] = [];
  for (let r = 0; r < rounds; r++) {
    e.push(engine());
    f.push(floor());
  }
  const engineUs = median(e);
  const floorUs = median(f);
  return { engineUs, floorUs, ratio: engineUs / floorUs };
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
  const { engineUs, floorUs, ratio } = engineBesideFloor(probes);
  return [
    `Answering one R-U-THERE, engine only (decrypt + HASH(1) check + ACK build + encrypt; AES-128/SHA-1): ${engineUs.toFixed(1)} µs CPU (${probes} probes, median of 7 batches)`,
    `  crypto floor in the same run (decrypt, HMAC, HMAC, encrypt of 80 bytes on fresh Node crypto objects): ${floorUs.toFixed(1)} µs; engine ÷ floor = ${ratio.toFixed(2)}`,
    await peerRoundTrip(probes),
  ];
}
