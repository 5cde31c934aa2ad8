/**
 * CPU cost of answering one R-U-THERE: (1) the engine alone — decrypt, check
 * HASH(1), build and encrypt the ACK — with two engines wired together in
 * memory; (2) the whole fake peer over loopback, both ends in one process, per
 * probe round trip (send R-U-THERE, answer it, receive the ACK).
 */
import type { Endpoint } from '../src/events.js';
import type { EngineEffect, IkeEngine, OutboundDatagram } from '../src/ike/index.js';
import { NO_HOOKS } from '../src/ike/index.js';
import { benchEngine, loopbackPair, measure, probeAll } from './loopback-pair.js';

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

async function engineOnly(probes: number): Promise<string> {
  const a: Endpoint = { address: '127.0.0.1', port: 1 };
  const b: Endpoint = { address: '127.0.0.1', port: 2 };
  const prober = benchEngine(NO_HOOKS);
  const answerer = benchEngine(NO_HOOKS);
  const { sa, effects } = prober.initiate({ from: a, to: b }, 0n);
  exchange(new Map([[1, prober], [2, answerer]]), sends(effects));
  const requests = Array.from({ length: probes }, () => sends(prober.sendDpd(sa, 0n))[0]);
  const { cpuUs, result: answered } = await measure(() => {
    let acks = 0;
    for (const r of requests) {
      const got = answerer.receive({ local: b, remote: a, bytes: r.bytes }, 0n);
      for (const e of got.effects) {
        if (e.type !== 'event' || e.event.kind !== 'dpd-request') continue;
        acks += sends(answerer.answerDpd(e.sa, e.event.ticket, e.event.seq, 0n)).length;
      }
    }
    return acks;
  });
  if (answered !== probes) throw new Error(`engine answered ${answered} of ${probes} R-U-THEREs`);
  return `Answering one R-U-THERE, engine only (decrypt + HASH(1) check + ACK build + encrypt; AES-128/SHA-1): ${(cpuUs / probes).toFixed(1)} µs CPU (${probes} probes)`;
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
  return [await engineOnly(probes), await peerRoundTrip(probes)];
}
