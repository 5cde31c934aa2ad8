/**
 * What the reference DUT is told by a device profile: its keepalive from `dpd`
 * (interval, retry_interval, mode), its crypto map peer order from `dpd.peers`,
 * and from the profile's `dut:` block `allow_short_timers` and `faults`
 * (docs/reference-dut.md). Pure; a bad value is ERR_CONFIG_DUT.
 */
import { HarnessError } from '../errors.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { checkFaults, checkKeepalive, PROBES_BEFORE_DEAD, type DpdFaults, type Keepalive } from './keepalive-config.js';

export interface ReferenceDutSettings {
  keepalive: Keepalive;
  peerOrder: number[];
  onDead: 'failover' | 'clear';
  faults: DpdFaults;
}

export function referenceDutSettings(profile: DeviceProfile): ReferenceDutSettings {
  const target = profile.target;
  if (target.kind !== 'reference') throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: target kind '${target.kind}' is not the reference DUT`);
  const dpd = profile.dpd;
  if (dpd.mode === 'idle') throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: dpd.mode 'idle' is not a Cisco keepalive mode (periodic, on-demand)`);
  const block = target.dut;
  const allowShortTimers = block.allow_short_timers ?? false;
  if (typeof allowShortTimers !== 'boolean') throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: dut.allow_short_timers must be true or false`);
  const rawFaults = block.faults ?? {};
  if (typeof rawFaults !== 'object' || rawFaults === null || Array.isArray(rawFaults)) throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: dut.faults must be a mapping of fault switches`);
  const unknown = Object.keys(block).filter((k) => k !== 'allow_short_timers' && k !== 'faults');
  if (unknown.length > 0) throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: unknown dut setting(s) ${unknown.join(', ')} (allow_short_timers, faults)`);
  const keepalive = checkKeepalive({ seconds: dpd.interval, retrySeconds: dpd.retryInterval, mode: dpd.mode }, { allowShortTimers });
  const faults = checkFaults(rawFaults as DpdFaults);
  // The DUT's probe count is Cisco's; a profile asking for another one describes a different (faulty) device.
  if (dpd.probesBeforeDead !== PROBES_BEFORE_DEAD && faults.probesBeforeDead === undefined) {
    throw new HarnessError('ERR_CONFIG_DUT', `${profile.file}: the reference DUT sends ${PROBES_BEFORE_DEAD} probes before declaring the peer dead; dpd.probes_before_dead is ${dpd.probesBeforeDead} (use dut.faults.probesBeforeDead to make it misbehave)`);
  }
  return {
    keepalive,
    peerOrder: dpd.peers,
    onDead: dpd.action === 'failover' || dpd.action === 'restart' ? 'failover' : 'clear',
    faults,
  };
}
