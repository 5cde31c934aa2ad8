/**
 * The answering end of bench/concurrent-sas.ts in a process of its own, so its
 * memory and CPU are one end's: a fake peer on 127.0.0.1 that accepts Main Mode
 * and answers every R-U-THERE. It tells its parent the port it bound, and
 * answers 'stats' with its SA count and memory (its parent reads its CPU time from /proc). BENCH_LOG_RETAIN bounds
 * its event log (EventLogOptions.retain); unset, it keeps every event, as a scenario does.
 * BENCH_SOCKET_BUFFERS (see loopback-pair.ts) sizes its socket's buffers; BENCH_IO picks its socket's backend.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { EventLog } from '../src/peer/event-log.js';
import { FakePeer } from '../src/peer/fake-peer.js';
import { systemClock } from '../src/peer/system-clock.js';
import { benchBind, benchEngine } from './loopback-pair.js';

export interface AnsweringStats {
  sas: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** V8's young generation (new space) as allocated, part of heapTotal; absent from older answering ends. */
  newSpace?: number;
  retain?: number;
  /** Events the bounded log dropped (EventLog.dropped). */
  dropped: number;
}

const retain = process.env.BENCH_LOG_RETAIN === undefined ? undefined : Number(process.env.BENCH_LOG_RETAIN);
const log = new EventLog(retain === undefined ? {} : { retain });
const peer = await FakePeer.start({ bind: [benchBind()], clock: systemClock, createEngine: benchEngine, log });
const send = (message: unknown): void => void process.send?.(message);
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    globalThis.gc?.();
    const m = process.memoryUsage();
    send({ sas: peer.sas().length, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, newSpace: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size, dropped: log.dropped, ...(retain === undefined ? {} : { retain }) } satisfies AnsweringStats);
  } else if (message === 'close') {
    void peer.close().then(() => process.exit(0));
  }
});
send({ port: peer.endpoints[0].port });
