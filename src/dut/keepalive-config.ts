/**
 * `crypto isakmp keepalive <seconds> [<retry-seconds>] [periodic | on-demand]`,
 * typed and range-checked, and the fault switches that turn the reference DUT
 * into a realistically buggy one. Cited sections are those of the Cisco
 * reference document "IPsec Dead Peer Detection Periodic Message Option"
 * (/work/shared/reference/cisco-iosxe-dpd-periodic-message-option.md).
 */
import { HarnessError } from '../errors.js';

export type KeepaliveMode = 'periodic' | 'on-demand';

export interface Keepalive {
  /** Periodic: seconds between R-U-THEREs; on-demand: seconds without inbound traffic before probing. */
  seconds: number;
  /** Seconds between retries once a probe went unanswered. */
  retrySeconds: number;
  mode: KeepaliveMode;
}

/** "Detailed steps", step 3: "the range is from 10 to 3600 seconds". */
export const KEEPALIVE_SECONDS = { min: 10, max: 3600 } as const;
/** Step 3, retry-seconds: "the range is from 2 to 60 seconds". */
export const RETRY_SECONDS = { min: 2, max: 60 } as const;
/** Step 3: "The default DPD retry message is sent every 2 seconds." */
export const DEFAULT_RETRY_SECONDS = 2;
/** Step 3: "Five aggressive DPD retry messages can be missed before the tunnel is marked as down";
 * the debug example: "one DPD R_U_THERE message and four retransmissions" before the SAs are deleted. */
export const PROBES_BEFORE_DEAD = 5;

/**
 * Each a DUT bug seen in the field, so the suites can prove they catch it.
 * All absent = the correct Cisco behaviour.
 */
export interface DpdFaults {
  /** Retries spaced by this many seconds instead of the configured retry interval. */
  retrySeconds?: number;
  /** Unanswered probes before the dead declaration, instead of 5 (too few / too many retries). */
  probesBeforeDead?: number;
  /** The peer is never declared dead: the SAs stay and probing starts over. */
  noTeardown?: boolean;
  /** SAs removed silently: no Delete is sent for the IPsec or the IKE SA. */
  noDelete?: boolean;
  /** ACKs to the peer's R-U-THERE carry the DUT's own counter instead of the echoed sequence number. */
  ackSeqNotEchoed?: boolean;
  /** An ACK that does not echo the latest R-U-THERE's sequence number is still taken as liveness. */
  acceptWrongSeqAck?: boolean;
  /** Probes even when the peer did not send the RFC 3706 vendor ID. */
  probeWithoutDpdVendorId?: boolean;
  /** After the dead declaration, no Main Mode towards the next listed peer. */
  noFailover?: boolean;
  /** Failover skips a peer: to the one after the next listed. */
  failoverToWrongPeer?: boolean;
  /** An R-U-THERE under the message ID of one of the peer's Quick Modes is taken for a broken exchange: the SAs are torn down (with Delete). */
  quickModeIdTearsDown?: boolean;
  /** Message ID 0xffffffff (−1 in a signed int, an "unset" marker) is taken for a broken exchange: the SAs are torn down (with Delete). */
  maxMessageIdTearsDown?: boolean;
}

export type FaultName = keyof DpdFaults;

export const FAULT_NAMES: readonly FaultName[] = [
  'retrySeconds', 'probesBeforeDead', 'noTeardown', 'noDelete', 'ackSeqNotEchoed',
  'acceptWrongSeqAck', 'probeWithoutDpdVendorId', 'noFailover', 'failoverToWrongPeer',
  'quickModeIdTearsDown', 'maxMessageIdTearsDown',
];

/**
 * Checks the keepalive against the command's ranges. `allowShortTimers` lifts the lower
 * bounds (not the upper ones) so the embedded demo run finishes in about a minute;
 * a real router would reject such values, which docs/reference-dut.md says.
 */
export function checkKeepalive(k: Keepalive, options: { allowShortTimers?: boolean } = {}): Keepalive {
  const short = options.allowShortTimers === true;
  const within = (name: string, v: number, range: { min: number; max: number }): void => {
    const aboveMin = short ? v > 0 : v >= range.min;
    if (!Number.isFinite(v) || !aboveMin || v > range.max) {
      throw new HarnessError('ERR_CONFIG_DUT', `keepalive ${name} ${v} is outside ${short ? `(0, ${range.max}]` : `${range.min}–${range.max}`} seconds${short ? '' : ' (allow_short_timers lifts the lower bound for test runs)'}`);
    }
  };
  within('seconds', k.seconds, KEEPALIVE_SECONDS);
  within('retry-seconds', k.retrySeconds, RETRY_SECONDS);
  return k;
}

export function checkFaults(f: DpdFaults): DpdFaults {
  for (const key of Object.keys(f)) {
    if (!(FAULT_NAMES as readonly string[]).includes(key)) throw new HarnessError('ERR_CONFIG_DUT', `unknown fault switch '${key}' (known: ${FAULT_NAMES.join(', ')})`);
  }
  if (f.retrySeconds !== undefined && !(f.retrySeconds > 0)) throw new HarnessError('ERR_CONFIG_DUT', `fault retrySeconds must be > 0, got ${f.retrySeconds}`);
  if (f.probesBeforeDead !== undefined && !(Number.isInteger(f.probesBeforeDead) && f.probesBeforeDead >= 1)) {
    throw new HarnessError('ERR_CONFIG_DUT', `fault probesBeforeDead must be an integer ≥ 1, got ${f.probesBeforeDead}`);
  }
  return f;
}
