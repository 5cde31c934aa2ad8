/**
 * The `ikev2_dpd` section of an IKEv2 profile: the vendor's liveness knobs, the schedule
 * they predict (ikev2-liveness-schedule.ts), the IKEv1-shaped DpdSemantics the rest of the
 * harness reads, and the `${ikev2.dpd.*}` variables suites time their checks with.
 */
import { parseDaemonConfig } from '../lab/daemon-config.js';
import type { LabSpec } from '../lab/lab-spec.js';
import type { DpdMode, DpdSemantics, Ikev2Dpd, Ikev2Retransmit, ProfileTarget, Tolerance } from './device-profile.js';
import { loadPeerList } from './peer-list.js';
import { ciscoIkev2Liveness, libreswanLiveness, strongswanLiveness, type LivenessSchedule } from './ikev2-liveness-schedule.js';

type Fail = (path: (string | number)[], message: string) => never;

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema check has vouched for the shape of `d` */
export function loadIkev2Dpd(d: any, target: ProfileTarget, bad: Fail): Ikev2Dpd {
  const vendor = Object.keys(d.retransmit)[0] as Ikev2Retransmit['vendor'];
  const knobs = d.retransmit[vendor];
  const retransmit: Ikev2Retransmit =
    vendor === 'strongswan'
      ? { vendor, ...pick(knobs, { timeout: 'timeout', base: 'base', tries: 'tries', limit: 'limit' }) }
      : vendor === 'libreswan'
        ? { vendor, ...pick(knobs, { interval: 'interval', timeout: 'timeout' }) }
        : { vendor, retryInterval: knobs.retry_interval, ...pick(knobs, { retransmissions: 'retransmissions' }) };
  if (retransmit.vendor === 'cisco') checkCiscoRetry(d, target, bad);
  const tolerance: Tolerance = { absolute: d.tolerance.absolute ?? 0, relative: d.tolerance.relative ?? 0 };
  return {
    mode: d.mode as DpdMode,
    interval: d.interval,
    retransmit,
    schedule: livenessOf(retransmit),
    deleteOnDead: d.delete_on_dead ?? false,
    invalidIkeSpi: d.invalid_ike_spi ?? 'ignore',
    action: d.action,
    ...loadPeerList('ikev2_dpd', d, bad),
    tolerance,
  };
}

/**
 * `crypto ikev2 dpd <10-3600> <2-60>`: Cisco's retry-interval is 2-60 s (docs/ikev2-liveness.md: the
 * IOS XE DPD guide; H3C/HPE's copy of the command gives the same range), so a Cisco profile below 2 s
 * describes no router. The reference DUT with `dut.allow_short_timers` lifts the lower bound, as for
 * its IKEv1 keepalive (src/dut/keepalive-config.ts); its interval is checked by the DUT's settings.
 */
function checkCiscoRetry(d: any, target: ProfileTarget, bad: Fail): void {
  if (target.kind === 'reference' && target.dut.allow_short_timers === true) return;
  const retry = d.retransmit.cisco.retry_interval;
  const hint = target.kind === 'reference' ? ' (dut.allow_short_timers lifts the lower bound for test runs)' : '';
  if (retry < CISCO_RETRY_MIN) bad(['ikev2_dpd', 'retransmit', 'cisco', 'retry_interval'], `must be at least ${CISCO_RETRY_MIN} (crypto ikev2 dpd takes a retry-interval of 2-60 s), got ${retry}${hint}`);
}

const CISCO_RETRY_MIN = 2;

function pick(from: any, names: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(names).flatMap(([to, key]) => (from[key] === undefined ? [] : [[to, from[key] as number]])));
}

export function livenessOf(r: Ikev2Retransmit): LivenessSchedule {
  if (r.vendor === 'strongswan') return strongswanLiveness(r);
  if (r.vendor === 'libreswan') return libreswanLiveness(r);
  return ciscoIkev2Liveness(r);
}

/**
 * The same behaviour in the terms IKEv1 suites and checks use: a retransmission is a
 * "retry" that reuses the request (same message ID, RFC 7296 §2.1), death counts from the
 * first unanswered request. retry_interval is the first wait, the only one for Cisco.
 */
export function dpdFromIkev2(v2: Ikev2Dpd): DpdSemantics {
  const { retransmits, deadAfterFirstProbe } = v2.schedule;
  return {
    mode: v2.mode,
    interval: v2.interval,
    retryInterval: retransmits[0] ?? deadAfterFirstProbe,
    probesBeforeDead: retransmits.length + 1,
    deadTimeFrom: 'first-unanswered-probe',
    deadTimeout: deadAfterFirstProbe,
    retrySeq: 'reuse',
    deleteOnDead: v2.deleteOnDead,
    action: v2.action,
    peers: v2.peers,
    ...(v2.failover ? { failover: v2.failover } : {}),
    tolerance: v2.tolerance,
  };
}

/** `${ikev2.dpd.*}`: seconds from the first transmission of the liveness request unless named otherwise. */
export function ikev2Variables(v2: Ikev2Dpd): Array<[string, number]> {
  const { retransmits, deadAfterFirstProbe } = v2.schedule;
  return [
    ['ikev2.dpd.interval', v2.interval],
    ['ikev2.dpd.retransmissions', retransmits.length],
    ...retransmits.map((t, i): [string, number] => [`ikev2.dpd.retransmit_${i + 1}`, t]),
    ['ikev2.dpd.time_to_dead', deadAfterFirstProbe],
    // From the last message received: the idle wait before the request, then its schedule.
    ['ikev2.dpd.dead_after_last_inbound', round(v2.interval + deadAfterFirstProbe)],
  ];
}

const round = (s: number): number => Math.round(s * 1e6) / 1e6;

const LAB_VENDOR = { strongswan: 'strongswan', libreswan: 'libreswan' } as const;

/** What each daemon runs with when a knob is not set (the model's defaults, and lab.dut's). */
const KNOB_DEFAULTS: Record<'strongswan' | 'libreswan', Record<string, number>> = {
  strongswan: { timeout: 4, base: 1.8, tries: 5, limit: 0 },
  libreswan: { interval: 0.5, timeout: 60 },
};

/**
 * A lab DUT is rendered from lab.dut; the prediction comes from ikev2_dpd. They must be
 * the same numbers, or every timing check would judge the daemon against another device.
 */
export function checkLabAgrees(v2: Ikev2Dpd, lab: LabSpec, bad: Fail): void {
  const want = LAB_VENDOR[lab.dutKind];
  if (v2.retransmit.vendor !== want) {
    return bad(['ikev2_dpd', 'retransmit', v2.retransmit.vendor], `the lab DUT is ${lab.dutKind}: describe its retransmissions under ikev2_dpd.retransmit.${want}`);
  }
  let config;
  try {
    config = parseDaemonConfig(lab.dut);
  } catch {
    return; // the lab reports its own bad field when it renders
  }
  if (config.dpd.delay !== v2.interval) bad(['ikev2_dpd', 'interval'], `${v2.interval} but lab.dut.dpd.delay renders ${config.dpd.delay}`);
  const rendered: Record<string, number | undefined> =
    v2.retransmit.vendor === 'strongswan'
      ? { ...config.retransmit, limit: config.retransmit.limit ?? 0 }
      : { interval: config.plutoRetransmit?.interval ?? 0.5, timeout: config.plutoRetransmit?.timeout ?? 60 };
  const labKey = (k: string): string => (v2.retransmit.vendor === 'strongswan' ? `lab.dut.retransmit.${k}` : `lab.dut.retransmit_${k}`);
  for (const [key, fallback] of Object.entries(KNOB_DEFAULTS[v2.retransmit.vendor])) {
    const said = (v2.retransmit as unknown as Record<string, number | undefined>)[key] ?? fallback;
    if (said !== rendered[key]) bad(['ikev2_dpd', 'retransmit', v2.retransmit.vendor, key], `${said} but ${labKey(key)} renders ${rendered[key]}`);
  }
}
