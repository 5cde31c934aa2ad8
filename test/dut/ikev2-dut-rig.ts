/**
 * The IKEv2 reference DUT against IKEv2 fake peers (src/peer/ikev2-peer.ts) over loopback UDP,
 * with scaled-down timers, and the checks that judge it: each compares a measured time or
 * count with what Cisco's `crypto ikev2 dpd` semantics predict (cisco-ikev2-dpd-policy.ts).
 * The behaviour and mutation tests share them, so a fault is caught by the same check the
 * healthy DUT passes.
 */
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import type { CiscoIkev2DpdConfig, Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import { ReferenceDutV2 } from '../../src/dut/reference-dut-v2.js';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { mirror, v2Config } from '../ike/v2/ikev2-pair.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitUntil } from '../support/wait-until.js';

const LOOPBACK = { address: '127.0.0.1', port: 0 };
/** Scaled timers: interval 0.4 s, retry-interval 0.15 s, Cisco's four retransmissions. */
export const TIMERS = { interval: 0.4, retryInterval: 0.15, retransmissions: 4 } as const;
/** Loopback on a shared two-core machine: how far a measured time may stray. */
export const TOLERANCE_S = 0.1;

export interface Rig {
  dut: ReferenceDutV2;
  peers: Ikev2Peer[];
  marks: HarnessEvent[];
  /** The first peer's IKE SA with the DUT, up (CHILD_SA too) at `upAt` (monotonic ns). */
  sa: string;
  upAt: bigint;
  close(): Promise<void>;
}

export async function openRig(options: { faults?: Ikev2DpdFaults; mode?: CiscoIkev2DpdConfig['mode']; peers?: number; onDead?: 'failover' | 'clear' } = {}): Promise<Rig> {
  const count = options.peers ?? 1;
  const peers: Ikev2Peer[] = [];
  for (let i = 0; i < count; i++) {
    // A peer retransmits its own requests quickly, so a wrong answer shows within the test.
    peers.push(await Ikev2Peer.start({ bind: [LOOPBACK], clock: systemClock, engine: new Ikev2Engine(v2Config(`peer-${i}`, { retransmitMs: [200, 200, 200] })) }));
  }
  const marks: HarnessEvent[] = [];
  const { random: _unused, ...engine } = mirror(v2Config('dut'));
  const opened = await ReferenceDutV2.open({
    clock: systemClock,
    random: seededRandom('dut'),
    local: LOOPBACK,
    peerEndpoints: peers.map((p) => p.endpoints[0]!),
    dpd: { ...TIMERS, mode: options.mode ?? 'periodic', peers: peers.map((_, i) => i), onDead: options.onDead ?? 'clear', faults: options.faults ?? {} },
    engine,
    onEvent: (e) => marks.push(e),
  });
  const first = peers[0]!;
  first.initiate(first.endpoints[0]!, opened.dut.localEndpoint);
  const up = await first.waitForSaState(2, 'established', 3000);
  return {
    dut: opened.dut,
    peers,
    marks,
    sa: first.sas()[0]!,
    upAt: up.t,
    close: async () => {
      await opened.close();
      for (const p of peers) await p.close();
    },
  };
}

export interface Verdict {
  check: string;
  ok: boolean;
  expected: number;
  measured: number;
}

const seconds = (ns: bigint): number => Number(ns) / 1e9;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const within = (check: string, expected: number, measured: number, tolerance = TOLERANCE_S): Verdict => ({ check, expected, measured, ok: Math.abs(measured - expected) <= tolerance });

/** Liveness requests from the DUT that reached a peer (silenced ones included: their bytes are logged). */
export function livenessIn(peer: Ikev2Peer, since = 0n): DatagramEvent[] {
  return peer.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.t >= since && isLivenessRequest(e.bytes));
}

function isLivenessRequest(b: Uint8Array): boolean {
  // INFORMATIONAL (37) request (no R flag) whose SK holds nothing: the liveness check's size is fixed
  // by the cipher; the DUT sends no other INFORMATIONAL request in these tests.
  return b.length >= 28 && b[18] === 37 && (b[19]! & 0x20) === 0;
}

/** Time from the SA coming up (last message from the peer) to the DUT's first liveness request: `interval`. */
export async function checkInterval(rig: Rig): Promise<Verdict> {
  const peer = rig.peers[0]!;
  await waitUntil(() => livenessIn(peer, rig.upAt).length > 0, 'a liveness request from the DUT', 3000);
  return within('liveness request after interval', TIMERS.interval, seconds(livenessIn(peer, rig.upAt)[0]!.t - rig.upAt));
}

/** The peer falls silent: transmissions of the liveness request before the SAs go (1 + retransmissions). */
export async function checkTransmissions(rig: Rig): Promise<Verdict> {
  const peer = rig.peers[0]!;
  peer.setBehaviour({ silence: 'both' });
  const from = systemClock.now();
  const budget = TIMERS.interval + 10 * TIMERS.retryInterval + 1;
  await waitUntil(() => rig.dut.listSas().length === 0, 'the DUT deleting the SA', budget * 1000).catch(() => undefined);
  await sleep(2 * TIMERS.retryInterval * 1000);
  const sent = livenessIn(peer, from);
  const same = sent.filter((e) => messageId(e.bytes) === messageId(sent[0]?.bytes ?? new Uint8Array(28))).length;
  return { check: 'liveness transmissions before death', expected: 1 + TIMERS.retransmissions, measured: same, ok: same === 1 + TIMERS.retransmissions };
}

/** The peer falls silent: the SAs are gone (1 + retransmissions) × retry-interval after the first request. */
export async function checkDeleted(rig: Rig): Promise<Verdict> {
  const peer = rig.peers[0]!;
  peer.setBehaviour({ silence: 'both' });
  const from = systemClock.now();
  const expected = (1 + TIMERS.retransmissions) * TIMERS.retryInterval;
  const budget = TIMERS.interval + expected + 1;
  let goneAt: bigint | undefined;
  await waitUntil(() => rig.dut.listSas().length === 0, 'the DUT deleting the SA', budget * 1000).then(() => (goneAt = systemClock.now())).catch(() => undefined);
  const first = livenessIn(peer, from)[0];
  const measured = goneAt === undefined || !first ? Number.POSITIVE_INFINITY : seconds(goneAt - first.t);
  return within('SAs deleted after the last retransmission', expected, measured, TOLERANCE_S + 0.02);
}

/** A live peer answers every liveness request: over three intervals, no retransmission and the SA stays. */
export async function checkAnswersHonoured(rig: Rig): Promise<Verdict> {
  const peer = rig.peers[0]!;
  await sleep((3 * TIMERS.interval + (1 + TIMERS.retransmissions) * TIMERS.retryInterval) * 1000);
  const ids = livenessIn(peer, rig.upAt).map((e) => messageId(e.bytes));
  const repeats = ids.length - new Set(ids).size + (rig.dut.listSas().length === 0 ? 1 : 0);
  return { check: 'answered liveness needs no retransmission', expected: 0, measured: repeats, ok: repeats === 0 && ids.length >= 2 };
}

/** The peer's own liveness request is answered under its message ID, within one retransmission wait. */
export async function checkAnswersPeer(rig: Rig): Promise<Verdict> {
  const peer = rig.peers[0]!;
  const since = systemClock.now();
  peer.sendLiveness(rig.sa);
  const answered = await peer.waitForEngineEvent((r) => r.event.kind === 'liveness-response', 600, since).then((r) => seconds(r.t - since), () => Number.POSITIVE_INFINITY);
  return { check: "DUT answers the peer's liveness request", expected: 0, measured: answered, ok: answered <= TOLERANCE_S };
}

function messageId(b: Uint8Array): number {
  return ((b[20]! << 24) | (b[21]! << 16) | (b[22]! << 8) | b[23]!) >>> 0;
}
