/**
 * Two IKE engines wired back to back in memory: every `send` effect of one is
 * delivered to the other's receive(), until nothing is left in flight. Timers
 * are recorded, not run; tests fire them with `fire()`.
 */
import type { Endpoint } from '../../src/events.js';
import { IkeEngine, type EngineEffect, type EngineEvent, type EngineHooks, type IkeEngineConfig, type OutboundDatagram, type ReceiveResult } from '../../src/ike/index.js';
import { seededRandom } from '../support/seeded-random.js';

export const INITIATOR: Endpoint = { address: '203.0.113.225', port: 500 };
export const RESPONDER: Endpoint = { address: '203.0.113.226', port: 500 };
export const PSK = new TextEncoder().encode('correct horse battery staple');

export type Side = 'a' | 'b';

export interface Delivery {
  from: Side;
  datagram: OutboundDatagram;
  result: ReceiveResult;
}

export function baseConfig(seed: string, overrides: Partial<IkeEngineConfig> = {}): IkeEngineConfig {
  return {
    random: seededRandom(seed),
    psk: () => PSK,
    proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 }],
    espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', lifetimeSeconds: 3600 }],
    trafficSelectors: [{ local: { type: 'ipv4-subnet', address: '198.51.100.0', mask: '255.255.255.0' }, remote: { type: 'ipv4-subnet', address: '203.0.113.0', mask: '255.255.255.128' }, protocol: 0, port: 0 }],
    ...overrides,
  };
}

export class EnginePair {
  readonly a: IkeEngine;
  readonly b: IkeEngine;
  readonly deliveries: Delivery[] = [];
  readonly events: Record<Side, EngineEvent[]> = { a: [], b: [] };
  readonly timers: Record<Side, { sa: string; id: string; ms: number }[]> = { a: [], b: [] };
  /** When false, sends are recorded in `dropped` instead of delivered. */
  connected = true;
  readonly dropped: { from: Side; datagram: OutboundDatagram }[] = [];
  /** A NAT in front of one side: what each of its source endpoints looks like to the other side. */
  nat: { side: Side; map(inside: Endpoint): Endpoint } | undefined;

  constructor(configA: IkeEngineConfig, configB: IkeEngineConfig, hooks: Partial<Record<Side, EngineHooks>> = {}) {
    this.a = new IkeEngine(configA, hooks.a);
    this.b = new IkeEngine(configB, hooks.b);
  }

  engine(side: Side): IkeEngine {
    return side === 'a' ? this.a : this.b;
  }

  initiate(quickMode = true): string {
    const { sa, effects } = this.a.initiate({ from: INITIATOR, to: RESPONDER, quickMode }, 0n);
    this.run('a', effects);
    return sa;
  }

  /** Carries out effects produced on `side`; returns the deliveries they caused, transitively. */
  run(side: Side, effects: EngineEffect[]): Delivery[] {
    const start = this.deliveries.length;
    const queue: { side: Side; effects: EngineEffect[] }[] = [{ side, effects }];
    while (queue.length) {
      const { side: from, effects: batch } = queue.shift()!;
      const to: Side = from === 'a' ? 'b' : 'a';
      for (const effect of batch) {
        if (effect.type === 'event') this.events[from].push(effect.event);
        else if (effect.type === 'set-timer') this.timers[from].push(effect);
        else if (effect.type === 'cancel-timer') this.timers[from] = this.timers[from].filter((t) => !(t.id === effect.id && t.sa === effect.sa));
        else if (!this.connected) this.dropped.push({ from, datagram: effect.datagram });
        else {
          const d = effect.datagram;
          const result = this.engine(to).receive(this.throughNat(from, d), 0n);
          this.deliveries.push({ from, datagram: d, result });
          queue.push({ side: to, effects: result.effects });
        }
      }
    }
    return this.deliveries.slice(start);
  }

  /** What the receiver of `d` sees, with the NAT (if any) translating the inside side's source and back. */
  private throughNat(from: Side, d: OutboundDatagram): { local: Endpoint; remote: Endpoint; bytes: Uint8Array } {
    const nat = this.nat;
    if (!nat) return { local: d.to, remote: d.from, bytes: d.bytes };
    if (nat.side === from) return { local: d.to, remote: nat.map(d.from), bytes: d.bytes };
    const inside = [INITIATOR, RESPONDER, { ...INITIATOR, port: 4500 }, { ...RESPONDER, port: 4500 }].find((e) => {
      const out = nat.map(e);
      return out.address === d.to.address && out.port === d.to.port;
    });
    return { local: inside ?? d.to, remote: d.from, bytes: d.bytes };
  }

  /** Delivers raw bytes to `to` as if sent by the other side. */
  inject(to: Side, bytes: Uint8Array): ReceiveResult {
    const [local, remote] = to === 'b' ? [RESPONDER, INITIATOR] : [INITIATOR, RESPONDER];
    const result = this.engine(to).receive({ local, remote, bytes }, 0n);
    this.run(to, result.effects);
    return result;
  }

  fire(side: Side, id: string): Delivery[] {
    const timer = this.timers[side].find((t) => t.id === id);
    if (!timer) throw new Error(`no timer ${id} on ${side}`);
    this.timers[side] = this.timers[side].filter((t) => t !== timer);
    return this.run(side, this.engine(side).timer(timer.sa, timer.id, 0n));
  }

  eventsOf<K extends EngineEvent['kind']>(side: Side, kind: K): Extract<EngineEvent, { kind: K }>[] {
    return this.events[side].filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind);
  }
}
