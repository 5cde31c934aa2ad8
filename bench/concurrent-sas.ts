/**
 * How many IKE SAs one fake-peer process holds with DPD answered. The answering end
 * runs in a child process (bench/answering-peer.ts), so its RSS and CPU are one end's;
 * this process brings up N SAs to it, then probes every SA once a second, paced in 2 ms
 * slices, for several seconds, and requires an ACK with the echoed sequence number
 * for every probe. ACK latency is from the R-U-THERE's send time to the ACK's receive
 * time, both on this process's clock.
 *
 * BENCH_RATES (probes per second, comma-separated; default: the SA count, every SA every
 * second) probes the same SAs at each rate in turn, SAs taken round-robin. BENCH_BEFORE (a
 * checkout of an older revision with its own node_modules link) runs that checkout's
 * answering end instead of this one's, against this checkout's probing end. BENCH_IO=batched
 * puts both ends' sockets on the batched backend (see loopback-pair.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AnsweringStats } from './answering-peer.js';
import { compiledModule, throughTsx } from './compiled-checkout.js';
import type { LoopbackPair } from './loopback-pair.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLICE_MS = 2;

/** The answering end, as tsc output under plain node (bench/compiled-checkout.ts; BENCH_TSX=1: through tsx, which alone is about 35 MiB of RSS). */
function answeringChild(root: string): { module: string; execArgv: string[]; how: string } {
  const module = compiledModule(root, 'bench/answering-peer.ts');
  return throughTsx ? { module, execArgv: ['--import', 'tsx', '--expose-gc'], how: 'node --import tsx' } : { module, execArgv: ['--expose-gc'], how: 'plain node, compiled by tsc' };
}

/**
 * A process's CPU time in µs from /proc, its main thread apart from the rest (V8's GC and
 * compiler threads, libuv's pool), read from outside so the 'stats' request's own full GC
 * is not counted. Clock ticks: 10 ms resolution, enough over seconds of probing.
 */
function threadCpuUs(pid: number): { mainUs: number; otherUs: number } {
  const tickUs = 1e6 / 100;
  let mainUs = 0;
  let otherUs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    // Fields after the parenthesised command: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const us = (Number(fields[11]) + Number(fields[12])) * tickUs;
    if (Number(tid) === pid) mainUs += us;
    else otherUs += us;
  }
  return { mainUs, otherUs };
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

interface Paced {
  sent: number;
  echoed: number;
  latenciesMs: number[];
}

/** `rate` probes a second for `seconds` s, `rate / 500` per 2 ms slice, SAs round-robin; waits up to 2 s after the last for stragglers. */
// Round-robin across rates too, so a later rate does not start on SAs just probed.
let cursor = 0;

function probeAtRate(pair: LoopbackPair, sas: readonly string[], rate: number, seconds: number): Promise<Paced> {
  const sentAt = new Map<string, bigint>();
  const ackedAt = new Map<string, bigint>();
  const latenciesMs: number[] = [];
  let sent = 0;
  const total = rate * seconds;
  return new Promise((resolve) => {
    const off = pair.initiator.log.on((e) => {
      if (e.type !== 'datagram' || !e.sa || e.summary?.seq === undefined) return;
      const key = `${e.sa.slice(0, 16)}/${e.summary.seq}`;
      // The R-U-THERE is logged once its send callback ran, which may come after the ACK: pair them in either order.
      const probe = e.direction === 'out' && e.summary.kind === 'r-u-there';
      if (!probe && !(e.direction === 'in' && e.summary.kind === 'r-u-there-ack')) return;
      const other = (probe ? ackedAt : sentAt).get(key);
      if (other === undefined) {
        (probe ? sentAt : ackedAt).set(key, e.t);
        return;
      }
      (probe ? ackedAt : sentAt).delete(key);
      latenciesMs.push(Number(probe ? other - e.t : e.t - other) / 1e6);
      if (latenciesMs.length === total) done();
    });
    let grace: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(grace);
      off();
      resolve({ sent, echoed: latenciesMs.length, latenciesMs });
    };
    const perSlice = Math.ceil(rate / (1000 / SLICE_MS));
    const start = Date.now();
    let next = 0;
    const tick = (): void => {
      // Slices are scheduled against the start time, so a late one does not shift the rest.
      const due = Math.min(total, Math.floor((Date.now() - start) / SLICE_MS + 1) * perSlice);
      while (next < due) {
        pair.initiator.probe(sas[cursor++ % sas.length]);
        next++;
        sent++;
      }
      if (next < total) setTimeout(tick, SLICE_MS - ((Date.now() - start) % SLICE_MS));
      else grace = setTimeout(done, 2000);
    };
    tick();
  });
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export async function concurrentSas(count = Number(process.env.BENCH_SAS ?? 1000), seconds = Number(process.env.BENCH_SECONDS ?? 5)): Promise<string[]> {
  const before = process.env.BENCH_BEFORE;
  const answering = answeringChild(before ?? ROOT);
  const rates = process.env.BENCH_RATES?.split(',').map(Number) ?? [count];
  const extra = process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(answering.module, [], { execArgv: [...answering.execArgv, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
    const idle = await ask<AnsweringStats>(child, 'stats');
    // BENCH_LOG_RETAIN bounds the probing end's log too, as it does the answering end's.
    const retain = process.env.BENCH_LOG_RETAIN;
    // The probing end runs as tsc output too, in this process.
    const { initiatorTo, measure } = (await import(compiledModule(ROOT, 'bench/loopback-pair.ts'))) as typeof import('./loopback-pair.js');
    const { EventLog } = (await import(compiledModule(ROOT, 'src/peer/event-log.ts'))) as typeof import('../src/peer/event-log.js');
    const pair = await initiatorTo({ address: '127.0.0.1', port }, retain === undefined ? undefined : new EventLog({ retain: Number(retain) }));
    try {
      const { wallUs: upUs } = await measure(() => pair.establish(count, 64));
      const sas = pair.initiator.sas();
      const up = await ask<AnsweringStats>(child, 'stats');
      if (up.sas !== count || sas.length !== count) throw new Error(`expected ${count} SAs on both ends, answering end has ${up.sas}, probing end ${sas.length}`);
      const mib = (n: number): string => (n / 2 ** 20).toFixed(0);
      const lines = [`Concurrent IKE SAs with DPD answered: ${count} SAs up in ${(upUs / 1e6).toFixed(1)} s; answering end (its own process, ${answering.how}, BENCH_IO ${process.env.BENCH_IO ?? 'node'}${before === undefined ? '' : `, BENCH_BEFORE ${before}`}, event log ${up.retain === undefined ? 'complete' : `of the last ${up.retain}+ events`}): rss ${mib(idle.rss)} MiB before the SAs, ${mib(up.rss)} MiB with them up (heap ${mib(up.heapUsed)} of ${mib(up.heapTotal)} MiB${up.newSpace === undefined ? '' : `, young generation ${mib(up.newSpace)} MiB`}, array buffers ${mib(up.arrayBuffers)} MiB)`];
      for (const rate of rates) {
        const cpu0 = threadCpuUs(child.pid!);
        const { cpuUs: proberCpuUs, result } = await measure(() => probeAtRate(pair, sas, rate, seconds));
        const cpu = threadCpuUs(child.pid!);
        const after = await ask<AnsweringStats>(child, 'stats');
        const perProbe = (us: number): string => (us / result.echoed).toFixed(0);
        const sorted = [...result.latenciesMs].sort((a, b) => a - b);
        lines.push(
          `  ${rate} probes/s for ${seconds} s (load ${loadavg()[0]?.toFixed(2)}): ${result.echoed} of ${result.sent} ACKed with the echoed seq${result.echoed === result.sent ? '' : ' (NOT all: the round fails)'}; ACK latency p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${percentile(sorted, 100).toFixed(2)} ms`,
          `    answering end after: rss ${mib(after.rss)} MiB, heap ${mib(after.heapUsed)} of ${mib(after.heapTotal)} MiB${after.newSpace === undefined ? '' : ` (young generation ${mib(after.newSpace)} MiB)`}, external ${mib(after.external)} MiB, array buffers ${mib(after.arrayBuffers)} MiB, ${after.dropped ?? 0 /* an older checkout's answering end does not count them */} events dropped from its log; CPU per answered probe (from /proc, the stats request's GC excluded): answering end main thread ${perProbe(cpu.mainUs - cpu0.mainUs)} µs, its other threads ${perProbe(cpu.otherUs - cpu0.otherUs)} µs; probing end ${perProbe(proberCpuUs)} µs`,
        );
      }
      return lines;
    } finally {
      await pair.close();
    }
  } finally {
    child.send('close');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
