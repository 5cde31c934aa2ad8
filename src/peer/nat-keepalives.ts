/**
 * The fake peer's side of NAT traversal once an SA has floated (RFC 3948): which endpoints each
 * SA uses on the NAT-T port, the NAT-keepalives it sends there (§2.3, one 0xFF byte every
 * `keepaliveS`, until `stopKeepaliveAtS` after the loop was armed), and which SA an inbound
 * keepalive belongs to. A silenced peer sends none: a dead host keeps no NAT mapping alive.
 */
import type { Clock, Endpoint } from '../events.js';
import type { Behaviour } from './behaviour.js';
import type { TimerSet } from './timer-set.js';

export interface NatKeepaliveDeps {
  clock: Clock;
  timers: TimerSet;
  behaviour(sa: string): Behaviour;
  send(sa: string, from: Endpoint, to: Endpoint): void;
  mark(label: string, sa: string): void;
}

interface Floated {
  sa: string;
  local: Endpoint;
  remote: Endpoint;
  /** When the keepalive loop was (re)armed, for stopKeepaliveAtS. */
  since: bigint;
}

const key = (e: Endpoint): string => `${e.address}:${e.port}`;

export class NatKeepalives {
  private readonly floated = new Map<string, Floated>();

  constructor(private readonly deps: NatKeepaliveDeps) {}

  /** The SA now runs between these endpoints (the float, or a peer that moved). */
  moved(sa: string, local: Endpoint, remote: Endpoint): void {
    const known = this.floated.get(sa);
    this.floated.set(sa, { sa, local: { ...local }, remote: { ...remote }, since: known?.since ?? this.deps.clock.now() });
    if (!known) this.arm(sa);
  }

  forget(sa: string): void {
    this.floated.delete(sa);
    this.deps.timers.cancel(`${sa}/nat-keepalive`);
  }

  /** A behaviour changed: every floated SA restarts its loop (and its stop clock) under it. */
  rearmAll(): void {
    for (const f of this.floated.values()) {
      f.since = this.deps.clock.now();
      this.arm(f.sa);
    }
  }

  /** The floated SAs using this local endpoint (a rebinding moves them all). */
  onLocal(local: Endpoint): string[] {
    return [...this.floated.values()].filter((f) => key(f.local) === key(local)).map((f) => f.sa);
  }

  localEndpoints(): Endpoint[] {
    return [...new Map([...this.floated.values()].map((f) => [key(f.local), f.local])).values()];
  }

  /** The SA a keepalive from `remote` to `local` belongs to. */
  saAt(local: Endpoint, remote: Endpoint): string | undefined {
    return [...this.floated.values()].find((f) => key(f.remote) === key(remote) && key(f.local) === key(local))?.sa;
  }

  private arm(sa: string): void {
    const nat = this.deps.behaviour(sa).nat;
    this.deps.timers.cancel(`${sa}/nat-keepalive`);
    if (!nat?.keepaliveS) return;
    this.deps.timers.set(nat.keepaliveS * 1000, () => this.tick(sa), `${sa}/nat-keepalive`);
  }

  private tick(sa: string): void {
    const f = this.floated.get(sa);
    const b = this.deps.behaviour(sa);
    if (!f || !b.nat?.keepaliveS) return;
    const stopAt = b.nat.stopKeepaliveAtS;
    if (stopAt !== undefined && Number(this.deps.clock.now() - f.since) / 1e9 >= stopAt) {
      this.deps.mark(`nat-keepalives stopped after ${stopAt}s`, sa);
      return;
    }
    if (b.silence === 'none' || b.silence === 'in') this.deps.send(sa, f.local, f.remote);
    this.deps.timers.set(b.nat.keepaliveS * 1000, () => this.tick(sa), `${sa}/nat-keepalive`);
  }
}
