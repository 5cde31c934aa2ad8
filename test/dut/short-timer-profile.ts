/**
 * The reference DUT profile the loopback tests run against: Cisco-like periodic
 * (or on-demand) DPD with five probes and failover across three loopback peers,
 * with timers below IOS's minimum (allow_short_timers) so a test takes seconds.
 */
import type { DpdFaults } from '../../src/dut/keepalive-config.js';

export interface ShortTimers {
  mode?: 'periodic' | 'on-demand';
  /** Keepalive and retry interval, failover deadline, absolute tolerance: seconds. */
  interval: number;
  retryInterval: number;
  failoverWithin: number;
  toleranceAbsolute: number;
  faults?: DpdFaults;
}

/** `test` names the test in the identity and the PSK. */
export function shortTimerProfile(test: string, t: ShortTimers): string {
  return `identity: { vendor: Cisco, product: IOS XE, version: reference DUT (${test}) }
target: { kind: reference, peer_addresses: [127.0.0.2, 127.0.0.3, 127.0.0.4] }
psk: { value: ${test} }
dpd:
  mode: ${t.mode ?? 'periodic'}
  interval: ${t.interval}
  retry_interval: ${t.retryInterval}
  probes_before_dead: 5
  dead_time_from: first-unanswered-probe
  retry_seq: increment
  delete_on_dead: true
  action: failover
  peers: [0, 1, 2]
  failover: { mechanism: crypto map set peer list, within: ${t.failoverWithin} }
  tolerance: { absolute: ${t.toleranceAbsolute}, relative: 0.05 }
dut: { allow_short_timers: true, faults: ${JSON.stringify(t.faults ?? {})} }
`;
}
