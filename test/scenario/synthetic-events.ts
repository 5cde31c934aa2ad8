/** Synthetic event streams for the pure checks: times in seconds from t0, as the fake peer would record them. */
import type { DatagramEvent, HarnessEvent, MarkEvent, MessageKind } from '../../src/events.js';

export const T0 = 5_000_000_000n;
export const at = (s: number): bigint => T0 + BigInt(Math.round(s * 1e9));

export function dgram(s: number, direction: 'in' | 'out', kind: MessageKind, seq?: number, peer = '127.0.0.2'): DatagramEvent {
  return {
    type: 'datagram', t: at(s), direction,
    local: { address: peer, port: 500 }, remote: { address: '127.0.0.1', port: 500 },
    bytes: new Uint8Array(0), sa: '0102030405060708a1a2a3a4a5a6a7a8',
    summary: { exchangeType: kind === 'main-mode' ? 2 : 5, messageId: 0, kind, ...(seq === undefined ? {} : { seq }), ...(kind === 'main-mode' ? { step: 1 } : {}) },
  };
}

export const probe = (s: number, seq: number): DatagramEvent => dgram(s, 'in', 'r-u-there', seq);
export const mark = (s: number, label: string): MarkEvent => ({ type: 'mark', t: at(s), label });

/** A Cisco-like DUT timeline: answered probes every `interval` until `silentAt`, then `retries` probes `retry` apart with incrementing seq. */
export function ciscoTimeline(o: { interval: number; retry: number; probes: number; silentAt: number; seq0: number }): HarnessEvent[] {
  const events: HarnessEvent[] = [];
  let seq = o.seq0;
  let t = o.interval;
  for (; t <= o.silentAt; t += o.interval) {
    events.push(probe(t, seq), dgram(t + 0.001, 'out', 'r-u-there-ack', seq));
    seq++;
  }
  const first = t;
  for (let i = 0; i < o.probes; i++) events.push(probe(first + i * o.retry, seq++));
  return events;
}
