/**
 * What the IKEv2 reference DUT is told by a device profile (`ike.version: 2`): its
 * `crypto ikev2 dpd` from `ikev2_dpd` (interval, mode, retransmit.cisco), its peer order
 * from `dpd.peers`, and from the `dut:` block `allow_short_timers` and `faults`
 * (docs/reference-dut.md, "IKEv2 mode"); and `openReferenceIkev2Dut`, the seam through
 * which the reference target opens it. Pure but for the socket `open` binds; a bad value
 * is ERR_CONFIG_DUT.
 */
import { HarnessError } from '../errors.js';
import type { Clock, Endpoint, HarnessEvent, Random } from '../events.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { IKEV2_RETRANSMISSIONS } from '../profile/ikev2-liveness-schedule.js';
import { IKEV2_FAULT_NAMES, type CiscoIkev2DpdConfig, type Ikev2DpdFaults } from './cisco-ikev2-dpd-policy.js';
import { KEEPALIVE_SECONDS } from './keepalive-config.js';
import { ReferenceDutV2, type Ikev2DutEngineConfig } from './reference-dut-v2.js';

export function referenceDutV2Settings(profile: DeviceProfile): CiscoIkev2DpdConfig {
  const bad = (message: string): never => {
    throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: ${message}`);
  };
  const target = profile.target;
  if (target.kind !== 'reference') return bad(`target kind '${target.kind}' is not the reference DUT`);
  const v2 = profile.ikev2Dpd ?? bad('the IKEv2 reference DUT needs ike.version 2 and an ikev2_dpd section');
  if (v2.retransmit.vendor !== 'cisco') return bad(`the reference DUT is Cisco IOS XE: describe its retries under ikev2_dpd.retransmit.cisco, not ${v2.retransmit.vendor}`);
  if (v2.mode === 'idle') return bad("ikev2_dpd.mode 'idle' is not a crypto ikev2 dpd mode (periodic, on-demand)");
  // RFC 7296 §2.4 asks for no Delete to a peer that does not answer; this DUT sends none.
  if (v2.deleteOnDead) return bad('the IKEv2 reference DUT gives a dead peer up without Delete: ikev2_dpd.delete_on_dead must be false');
  const block = target.dut;
  const unknown = Object.keys(block).filter((k) => k !== 'allow_short_timers' && k !== 'faults');
  if (unknown.length > 0) bad(`unknown dut setting(s) ${unknown.join(', ')} (allow_short_timers, faults)`);
  const short = block.allow_short_timers ?? false;
  if (typeof short !== 'boolean') bad('dut.allow_short_timers must be true or false');
  // `crypto ikev2 dpd` takes the same ranges as the IKEv1 keepalive: interval 10–3600 s (src/dut/ios-ikev2-config.ts).
  if (!(short ? v2.interval > 0 : v2.interval >= KEEPALIVE_SECONDS.min) || v2.interval > KEEPALIVE_SECONDS.max) {
    bad(`ikev2_dpd.interval ${v2.interval} is outside ${short ? '(0' : `${KEEPALIVE_SECONDS.min}`}–${KEEPALIVE_SECONDS.max} seconds${short ? '' : ' (allow_short_timers lifts the lower bound for test runs)'}`);
  }
  const faults = checkIkev2Faults(block.faults ?? {}, bad);
  const retransmissions = v2.retransmit.retransmissions ?? IKEV2_RETRANSMISSIONS;
  // The DUT's count is Cisco's; a profile asking for another one describes a different (faulty) device.
  if (retransmissions !== IKEV2_RETRANSMISSIONS && faults.retransmissions === undefined) {
    bad(`the reference DUT retransmits ${IKEV2_RETRANSMISSIONS} times before the peer is dead; ikev2_dpd.retransmit.cisco.retransmissions is ${retransmissions} (use dut.faults.retransmissions to make it misbehave)`);
  }
  return {
    interval: v2.interval,
    retryInterval: v2.retransmit.retryInterval,
    mode: v2.mode,
    retransmissions: IKEV2_RETRANSMISSIONS,
    peers: profile.dpd.peers,
    // restart and failover are the same to a crypto map: IKE_SA_INIT to the next `set peer` (the same one when only one is listed).
    onDead: v2.action === 'restart' || v2.action === 'failover' ? 'failover' : 'clear',
    faults,
  };
}

function checkIkev2Faults(raw: unknown, bad: (message: string) => never): Ikev2DpdFaults {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('dut.faults must be a mapping of fault switches');
  const f = raw as Record<string, unknown>;
  for (const key of Object.keys(f)) if (!(IKEV2_FAULT_NAMES as readonly string[]).includes(key)) bad(`unknown IKEv2 fault switch '${key}' (known: ${IKEV2_FAULT_NAMES.join(', ')})`);
  if (f.intervalSeconds !== undefined && !(typeof f.intervalSeconds === 'number' && f.intervalSeconds > 0)) bad(`fault intervalSeconds must be > 0, got ${String(f.intervalSeconds)}`);
  if (f.retransmissions !== undefined && !(Number.isInteger(f.retransmissions) && (f.retransmissions as number) >= 0)) bad(`fault retransmissions must be an integer ≥ 0, got ${String(f.retransmissions)}`);
  for (const flag of ['noDeleteOnDeath', 'ignoreLivenessResponses', 'answerWrongMessageId', 'noLivenessAnswer', 'invalidIkeSpiIsDeath', 'noFailover', 'failoverSkipsPeer'] as const) {
    if (f[flag] !== undefined && typeof f[flag] !== 'boolean') bad(`fault ${flag} must be true or false`);
  }
  return f as Ikev2DpdFaults;
}

export interface ReferenceIkev2DutOptions {
  clock: Clock;
  random: Random;
  /** The fake peer's endpoints, in the profile's peer-address order. */
  peerEndpoints: Endpoint[];
  /** Proposals, PSK and selectors of the DUT side, from the same profile the fake peer's engine is built from. */
  engine: Ikev2DutEngineConfig;
  /** Default 127.0.0.1, ephemeral port. */
  local?: Endpoint;
  onEvent?: (event: HarnessEvent) => void;
}

/** The IKEv2 reference DUT for one scenario: what src/target/reference-target.ts opens when `ike.version` is 2. */
export function openReferenceIkev2Dut(profile: DeviceProfile, options: ReferenceIkev2DutOptions): ReturnType<typeof ReferenceDutV2.open> {
  return ReferenceDutV2.open({
    clock: options.clock,
    random: options.random,
    local: options.local ?? { address: '127.0.0.1', port: 0 },
    peerEndpoints: options.peerEndpoints,
    dpd: referenceDutV2Settings(profile),
    engine: options.engine,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}
