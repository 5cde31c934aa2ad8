/**
 * How far the harness's receive times are from a kernel capture's: each
 * datagram the fake peer logged as received is paired with the capture record
 * of the same packet (addresses, ports, payload; oldest first), and its time,
 * mapped to the wall clock, is compared with the capture's.
 */
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import type { CapturedUdpRecord } from './tcpdump.js';

/**
 * CLOCK_REALTIME minus process.hrtime (the system clock's monotonic ns), to well under a
 * microsecond: the instant Date.now() ticks to a new millisecond is a known wall time, and
 * hrtime is read just before it. The median of five ticks rules out a preempted one.
 */
export function wallMinusMonotonicNs(): bigint {
  const samples: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    let now: number;
    let mono: bigint;
    do {
      mono = process.hrtime.bigint();
      now = Date.now();
    } while (now === before);
    samples.push(BigInt(now) * 1_000_000n - mono);
  }
  samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return samples[2]!;
}

export interface ReceiveTimeErrors {
  /** Harness time minus capture time per received datagram, ns, in the order received. */
  errorsNs: number[];
  /** Received datagrams per clock that stamped them. */
  stampedBy: Record<string, number>;
  /** Received datagrams the capture has no record of. */
  unmatched: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function receiveTimeErrors(events: readonly HarnessEvent[], capture: readonly CapturedUdpRecord[], wallMinusMonotonic: bigint): ReceiveTimeErrors {
  const unclaimed = [...capture];
  const result: ReceiveTimeErrors = { errorsNs: [], stampedBy: {}, unmatched: 0 };
  for (const e of events.filter((x): x is DatagramEvent => x.type === 'datagram' && x.direction === 'in')) {
    const clock = e.stampedBy ?? 'event-loop';
    result.stampedBy[clock] = (result.stampedBy[clock] ?? 0) + 1;
    const at = unclaimed.findIndex(
      (r) => r.src.address === e.remote.address && r.src.port === e.remote.port && r.dst.address === e.local.address && r.dst.port === e.local.port && sameBytes(r.payload, e.bytes),
    );
    if (at < 0) {
      result.unmatched++;
      continue;
    }
    const [record] = unclaimed.splice(at, 1);
    result.errorsNs.push(Number(e.t + wallMinusMonotonic - record!.timeNs));
  }
  return result;
}

/** The q-quantile (0..1) of |x|, nearest rank. */
export function absQuantile(values: readonly number[], q: number): number {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
