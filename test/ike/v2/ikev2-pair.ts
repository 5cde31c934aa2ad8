/**
 * Two IKEv2 engines wired back to back in memory: every `send` effect of one is
 * delivered to the other's receive(), until nothing is left in flight. Timers
 * are recorded, not run; tests fire them with `fire()`.
 */
import type { Ikev2EngineConfig } from '../../../src/ike/v2/ikev2-config.js';
import type { Ikev2Effect, Ikev2Event, Ikev2Outbound, Ikev2ReceiveResult } from '../../../src/ike/v2/ikev2-effects.js';
import { Ikev2Engine } from '../../../src/ike/v2/ikev2-engine.js';
import { seededRandom } from '../../support/seeded-random.js';
import { INITIATOR, PSK, RESPONDER, type Side } from '../engine-pair.js';

// The IKEv1 pair's endpoints and PSK, so both protocols' engine tests read alike.
export { INITIATOR, PSK, RESPONDER, type Side };

export interface Delivery {
  from: Side;
  datagram: Ikev2Outbound;
  result: Ikev2ReceiveResult;
}

/** The initiator's view; the responder gets the selectors mirrored (mirror()). */
export function v2Config(seed: string, overrides: Partial<Ikev2EngineConfig> = {}): Ikev2EngineConfig {
  return {
    random: seededRandom(seed),
    psk: () => PSK,
    proposals: [{ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96', prf: 'hmac-sha1', group: 14 }],
    childProposals: [{ encryption: 'aes-cbc-128', integrity: 'hmac-sha1-96' }],
    trafficSelectors: { local: { prefix: '198.51.100.0/24' }, remote: { prefix: '203.0.113.0/25' } },
    ...overrides,
  };
}

export function mirror(config: Ikev2EngineConfig): Ikev2EngineConfig {
  return { ...config, trafficSelectors: { local: config.trafficSelectors.remote, remote: config.trafficSelectors.local } };
}

export class V2Pair {
  readonly a: Ikev2Engine;
  readonly b: Ikev2Engine;
  readonly deliveries: Delivery[] = [];
  readonly events: Record<Side, Ikev2Event[]> = { a: [], b: [] };
  readonly timers: Record<Side, { sa: string; id: string; ms: number }[]> = { a: [], b: [] };
  /** Sends from a side listed here are recorded in `dropped` instead of delivered. */
  readonly deaf = new Set<Side>();
  readonly dropped: { from: Side; datagram: Ikev2Outbound }[] = [];

  constructor(configA: Ikev2EngineConfig, configB: Ikev2EngineConfig = mirror(configA)) {
    this.a = new Ikev2Engine(configA);
    this.b = new Ikev2Engine(configB);
  }

  engine(side: Side): Ikev2Engine {
    return side === 'a' ? this.a : this.b;
  }

  initiate(): string {
    const { sa, effects } = this.a.initiate({ from: INITIATOR, to: RESPONDER }, 0n);
    this.run('a', effects);
    return sa;
  }

  /** Carries out effects produced on `side`; returns the deliveries they caused, transitively. */
  run(side: Side, effects: Ikev2Effect[]): Delivery[] {
    const start = this.deliveries.length;
    const queue: { side: Side; effects: Ikev2Effect[] }[] = [{ side, effects }];
    while (queue.length > 0) {
      const { side: from, effects: batch } = queue.shift()!;
      for (const e of batch) {
        if (e.type === 'event') this.events[from].push(e.event);
        else if (e.type === 'set-timer') this.timers[from].push({ sa: e.sa, id: e.id, ms: e.ms });
        else if (e.type === 'cancel-timer') this.timers[from] = this.timers[from].filter((t) => !(t.sa === e.sa && t.id === e.id));
        else if (this.deaf.has(from)) this.dropped.push({ from, datagram: e.datagram });
        else {
          const to: Side = from === 'a' ? 'b' : 'a';
          const result = this.engine(to).receive({ local: e.datagram.to, remote: e.datagram.from, bytes: e.datagram.bytes }, 0n);
          this.deliveries.push({ from, datagram: e.datagram, result });
          queue.push({ side: to, effects: result.effects });
        }
      }
    }
    return this.deliveries.slice(start);
  }

  /** Fires the oldest pending timer of `side` (as its clock would). */
  fire(side: Side): { ms: number; deliveries: Delivery[] } {
    const t = this.timers[side].shift();
    if (!t) throw new Error(`no timer pending on ${side}`);
    return { ms: t.ms, deliveries: this.run(side, this.engine(side).timer(t.sa, t.id, 0n)) };
  }

  /** Delivers bytes to `to` as if `from` had sent them again. */
  redeliver(from: Side, datagram: Ikev2Outbound): Delivery[] {
    const to: Side = from === 'a' ? 'b' : 'a';
    const result = this.engine(to).receive({ local: datagram.to, remote: datagram.from, bytes: datagram.bytes }, 0n);
    this.deliveries.push({ from, datagram, result });
    return [{ from, datagram, result }, ...this.run(to, result.effects)];
  }

  states(side: Side, sa: 'ike' | 'child'): string[] {
    return this.events[side].flatMap((e) => (e.kind === 'state' && e.sa === sa ? [e.state] : []));
  }
}
