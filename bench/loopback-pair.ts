/**
 * Two fake peers in one process on 127.0.0.1 (ephemeral ports), one initiating,
 * one responding: the set-up every socket-level benchmark shares. Node runs
 * both on one thread, so figures are for one core doing both sides' work.
 */
import type { Endpoint, HarnessEvent } from '../src/events.js';
import { IkeEngine, type EspProposal, type Phase1Proposal } from '../src/ike/index.js';
import type { EventLog } from '../src/peer/event-log.js';
import { FakePeer } from '../src/peer/fake-peer.js';
import type { BindEndpoint } from '../src/peer/udp-transport.js';
import type { PeerSocketIo } from '../src/peer/peer-socket.js';
import { systemClock } from '../src/peer/system-clock.js';
import { systemRandom } from '../src/peer/system-random.js';

export const BENCH_PROPOSAL: Phase1Proposal = { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 };
const ESP: EspProposal = { cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', lifetimeSeconds: 3600 };
const PSK = new TextEncoder().encode('bench-psk');

export function benchEngine(hooks: ConstructorParameters<typeof IkeEngine>[1]): IkeEngine {
  return new IkeEngine({ random: systemRandom, psk: () => PSK, proposals: [BENCH_PROPOSAL], espProposals: [ESP] }, hooks);
}

/**
 * 127.0.0.1 on an ephemeral port; BENCH_SOCKET_BUFFERS=`receive,send` (bytes) asks for those socket
 * buffers (BindEndpoint.buffers), so probes at high rates are not dropped by a full receive buffer;
 * unset, the kernel's defaults. BENCH_IO=batched puts the socket on the batched backend (BindEndpoint.io).
 */
export function benchBind(): BindEndpoint {
  const [receive, send] = (process.env.BENCH_SOCKET_BUFFERS ?? '').split(',').filter(Boolean).map(Number);
  return { address: '127.0.0.1', port: 0, io: benchIo(), ...(receive === undefined ? {} : { buffers: { receive, ...(send === undefined ? {} : { send }) } }) };
}

/** BENCH_IO: the sockets' I/O backend, 'node' (default) or 'batched'. */
export function benchIo(): PeerSocketIo {
  const io = process.env.BENCH_IO ?? 'node';
  if (io !== 'node' && io !== 'batched') throw new Error(`BENCH_IO must be node or batched, not ${io}`);
  return io;
}

export interface LoopbackPair {
  initiator: FakePeer;
  /** Absent when the responder runs in another process (bench/answering-peer.ts). */
  responder?: FakePeer;
  /** Brings up `count` IKE SAs (Main Mode only), at most `window` handshakes in flight; resolves with their ids. */
  establish(count: number, window: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Two fake peers in this process. */
export async function loopbackPair(): Promise<LoopbackPair> {
  const responder = await FakePeer.start({ bind: [{ address: '127.0.0.1', port: 0, io: benchIo() }], clock: systemClock, createEngine: benchEngine });
  const pair = await initiatorTo(responder.endpoints[0]);
  return {
    ...pair,
    responder,
    async close() {
      await pair.close();
      await responder.close();
    },
  };
}

/** A fake peer in this process that initiates to `to`, logging to `log` (default: a complete EventLog). */
export async function initiatorTo(to: Endpoint, log?: EventLog): Promise<LoopbackPair> {
  const initiator = await FakePeer.start({ bind: [benchBind()], clock: systemClock, createEngine: benchEngine, ...(log ? { log } : {}) });
  const from: Endpoint = initiator.endpoints[0];

  const waiting = new Map<string, { resolve(sa: string): void; reject(err: Error): void }>();
  initiator.log.on((e: HarnessEvent) => {
    if (e.type !== 'sa-state' || e.phase !== 1 || e.state === 'negotiating') return;
    const handshake = waiting.get(e.sa.slice(0, 16));
    if (!handshake) return;
    waiting.delete(e.sa.slice(0, 16));
    if (e.state === 'established') handshake.resolve(e.sa);
    else handshake.reject(new Error(`bench handshake ${e.sa} ended ${e.state}: ${e.detail ?? ''}`));
  });

  const one = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const sa = initiator.initiate({ from, to });
      waiting.set(sa.slice(0, 16), { resolve, reject });
    });

  return {
    initiator,
    async establish(count, window) {
      const ids: string[] = [];
      let started = 0;
      const lane = async (): Promise<void> => {
        while (started < count) {
          started++;
          ids.push(await one());
        }
      };
      await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
      return ids;
    },
    close: () => initiator.close(),
  };
}

/** CPU (user + system) and wall time of `fn`, in µs. */
export async function measure<T>(fn: () => Promise<T> | T): Promise<{ result: T; cpuUs: number; wallUs: number }> {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const result = await fn();
  const wallUs = Number(process.hrtime.bigint() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, cpuUs: cpu.user + cpu.system, wallUs };
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;

export interface ProbeRun {
  /** ACKs that echoed the sequence number of an outstanding probe. */
  echoed: number;
  /** Probes with no matching ACK after the stall limit (lost on a saturated loopback socket, or unanswered). */
  unanswered: number;
}

/**
 * Sends one R-U-THERE for each entry of `sas` (repeats allowed) from the initiator,
 * keeping at most `window` unanswered, so neither socket's receive buffer overflows;
 * gives up when no ACK arrives for `stallMs`.
 */
export function probeAll(pair: LoopbackPair, sas: readonly string[], window: number, stallMs = 2000): Promise<ProbeRun> {
  const outstanding = new Map<string, number[]>();
  let next = 0;
  let inFlight = 0;
  let echoed = 0;
  return new Promise((resolve) => {
    let stall: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(stall);
      off();
      resolve({ echoed, unanswered: sas.length - echoed });
    };
    const armStall = (): void => {
      clearTimeout(stall);
      stall = setTimeout(finish, stallMs);
    };
    const off = pair.initiator.log.on((e) => {
      if (e.type !== 'datagram' || !e.sa || e.summary?.seq === undefined) return;
      const key = e.sa.slice(0, 16);
      if (e.direction === 'out' && e.summary.kind === 'r-u-there') {
        outstanding.set(key, [...(outstanding.get(key) ?? []), e.summary.seq]);
        return;
      }
      if (e.direction !== 'in' || e.summary.kind !== 'r-u-there-ack') return;
      const waiting = outstanding.get(key) ?? [];
      const i = waiting.indexOf(e.summary.seq);
      if (i < 0) return;
      waiting.splice(i, 1);
      echoed++;
      inFlight--;
      armStall();
      if (echoed === sas.length) finish();
      else fill();
    });
    const fill = (): void => {
      while (inFlight < window && next < sas.length) {
        inFlight++;
        pair.initiator.probe(sas[next++]);
      }
    };
    armStall();
    fill();
  });
}
