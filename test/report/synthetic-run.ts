/**
 * A synthetic run for the report tests: every status, Main Mode, R-U-THERE /
 * R-U-THERE-ACK with sequence numbers, a Delete, SA keys, daemon logs, marks
 * and expected windows. The datagrams are real ISAKMP built with src/wire, in
 * plaintext so tshark can read the DPD fields without keys; the timings mimic
 * the strongSwan 5.9 timeline in lab-probe.md (10 s delay, 2 s retries).
 */
import type { DatagramEvent, Endpoint, HarnessEvent, MessageSummary } from '../../src/events.js';
import type { RunReport, ScenarioResult } from '../../src/report/result-model.js';
import { encodeMessage, type Payload } from '../../src/wire/index.js';

export const PEER: Endpoint = { address: '192.0.2.1', port: 500 };
export const DUT: Endpoint = { address: '192.0.2.2', port: 500 };
export const PSK = 'Sup3r-S3cret&<psk>';
export const START_WALL_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const T0 = 5_000_000_000n;
const s = (seconds: number): bigint => T0 + BigInt(Math.round(seconds * 1e9));

export const ICOOKIE = '0102030405060708';
const RCOOKIE = 'a1a2a3a4a5a6a7a8';
const SA = ICOOKIE + RCOOKIE;
export const ENC_KEY = '00112233445566778899aabbccddeeff';

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));

function isakmp(exchangeType: number, messageId: number, payloads: Payload[]): Uint8Array {
  return encodeMessage({
    initiatorCookie: bytesOf(ICOOKIE),
    responderCookie: exchangeType === 2 && payloads[0]?.kind === 'sa' ? new Uint8Array(8) : bytesOf(RCOOKIE),
    exchangeType,
    flags: { encryption: false, commit: false, authOnly: false },
    messageId,
    payloads,
  });
}

const dpdNotify = (notifyType: number, seq: number): Payload => ({
  kind: 'notify',
  doi: 1,
  protocolId: 1,
  notifyType,
  spi: bytesOf(SA),
  data: Uint8Array.of(seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff),
});

function datagram(t: number, direction: 'in' | 'out', summary: MessageSummary, bytes: Uint8Array): DatagramEvent {
  return { type: 'datagram', t: s(t), direction, local: PEER, remote: DUT, bytes, sa: SA, summary };
}

function mainMode(): HarnessEvent[] {
  const events: HarnessEvent[] = [];
  for (let step = 1; step <= 6; step++) {
    const payloads: Payload[] = step === 1 ? [{ kind: 'sa', doi: 1, situation: 1, proposals: [] }] : [{ kind: 'nonce', data: new Uint8Array(16).fill(step) }];
    events.push(datagram(0.001 * step, step % 2 === 1 ? 'out' : 'in', { exchangeType: 2, messageId: 0, kind: 'main-mode', step }, isakmp(2, 0, payloads)));
  }
  events.push({ type: 'sa-keys', t: s(0.006), sa: SA, initiatorCookie: ICOOKIE, encryptionKey: ENC_KEY });
  events.push({ type: 'sa-state', t: s(0.006), sa: SA, phase: 1, state: 'established', remote: DUT });
  return events;
}

export function rUThere(t: number, seq: number, messageId: number): DatagramEvent {
  return datagram(t, 'in', { exchangeType: 5, messageId, kind: 'r-u-there', seq, notifyType: 36136 }, isakmp(5, messageId, [dpdNotify(36136, seq)]));
}

export function rUThereAck(t: number, seq: number, messageId: number): DatagramEvent {
  return datagram(t, 'out', { exchangeType: 5, messageId, kind: 'r-u-there-ack', seq, notifyType: 36137 }, isakmp(5, messageId, [dpdNotify(36137, seq)]));
}

function deleteMessage(t: number, messageId: number): DatagramEvent {
  const payload: Payload = { kind: 'delete', doi: 1, protocolId: 1, spiSize: 16, spis: [bytesOf(SA)] };
  return datagram(t, 'in', { exchangeType: 5, messageId, kind: 'delete', deleteProtocol: 1, deleteSpis: [SA] }, isakmp(5, messageId, [payload]));
}

function scenario(fields: Partial<ScenarioResult> & Pick<ScenarioResult, 'id' | 'suite' | 'title' | 'status'>, startOffsetS: number): ScenarioResult {
  return { startedAt: T0, startedWallMs: START_WALL_MS + startOffsetS * 1000, durationMs: 0, checks: [], events: [], ...fields };
}

export const probesAnswered = scenario(
  {
    id: 'dpd-basics/probes-answered',
    suite: 'dpd-basics',
    title: 'DUT probes an idle peer every 10 s',
    status: 'passed',
    durationMs: 21_500,
    checks: [
      { name: 'first R-U-THERE after idle', expected: 10, observed: 10.002, tolerance: 0.5, unit: 's', pass: true },
      { name: 'second R-U-THERE spacing', expected: 10, observed: 10.001, tolerance: 0.5, unit: 's', pass: true },
    ],
    events: [
      { type: 'mark', t: s(0), label: 'bring up SA (peer initiates)' },
      ...mainMode(),
      { type: 'mark', t: s(0.01), label: 'behaviour: answer' },
      rUThere(10.002, 0x1a2b0001, 0x11111111),
      rUThereAck(10.0025, 0x1a2b0001, 0x22222222),
      rUThere(20.003, 0x1a2b0002, 0x33333333),
      rUThereAck(20.0035, 0x1a2b0002, 0x44444444),
    ],
    expectedWindows: [
      { label: 'R-U-THERE #1', from: 9.5, to: 10.5 },
      { label: 'R-U-THERE #2', from: 19.5, to: 20.5 },
    ],
  },
  0,
);

export const deadPeer = scenario(
  {
    id: 'dpd-basics/dead-peer',
    suite: 'dpd-basics',
    title: 'DUT declares a silent peer dead and sends Delete',
    status: 'failed',
    durationMs: 20_000,
    checks: [
      { name: 'retry interval', expected: 2, observed: 2.001, tolerance: 0.5, unit: 's', pass: true },
      { name: 'Delete after last retry', expected: 2, observed: 3.6, tolerance: 0.5, unit: 's', pass: false, detail: 'Delete came late' },
      { name: 'Delete arrives', expected: 'present', observed: null, pass: false },
    ],
    events: [
      ...mainMode(),
      { type: 'mark', t: s(0.5), label: 'behaviour: silence both ways' },
      rUThere(10, 7, 0x0a000001),
      rUThere(12.001, 8, 0x0a000002),
      rUThere(14.002, 9, 0x0a000003),
      rUThere(16.003, 10, 0x0a000004),
      deleteMessage(19.6, 0x0a000005),
      { type: 'sa-state', t: s(19.6), sa: SA, phase: 1, state: 'deleted', remote: DUT, detail: 'Delete from DUT' },
      { type: 'daemon-log', t: s(10), daemon: 'charon', line: '09[IKE] sending DPD request' },
      { type: 'daemon-log', t: s(12.001), daemon: 'charon', line: '10[IKE] retransmit 1 of request with message ID 167772162' },
      { type: 'daemon-log', t: s(19.5), daemon: 'charon', line: `11[CFG] loaded IKE shared key ${PSK} for 'peer'` },
    ],
    expectedWindows: [
      { label: 'retries every 2 s', from: 11.5, to: 16.5 },
      { label: 'Delete', from: 17.5, to: 18.5 },
    ],
  },
  22,
);

export const seqReuse = scenario(
  {
    id: 'dpd-basics/seq-reuse',
    suite: 'dpd-basics',
    title: 'Retries increment the sequence number',
    status: 'expected-fail',
    reason: 'strongSwan 5.9 retransmits the same R-U-THERE (same sequence number)',
    durationMs: 15_000,
    checks: [{ name: 'seq of retry', expected: 'seq + 1', observed: 'seq', pass: false }],
    events: [...mainMode(), rUThere(10, 42, 0x0b000001), rUThere(12, 42, 0x0b000001)],
  },
  44,
);

export const nasty = scenario(
  {
    id: 'failover/delete <cookies> & "SPI"',
    suite: 'failover',
    title: `Delete carries <SPI> & "cookies" 'ISAKMP' ]]> \u0001`,
    status: 'unexpected-pass',
    reason: 'declared: IOS XE omits the Delete',
    durationMs: 3_000,
    checks: [{ name: 'Delete <SPI> & "x"', expected: 'ISAKMP', observed: 'ISAKMP', pass: true }],
    events: [...mainMode(), deleteMessage(2.5, 0x0c000001)],
  },
  60,
);

export const skipped = scenario({ id: 'failover/second-peer', suite: 'failover', title: 'DUT fails over to the second peer', status: 'skipped', reason: 'profile lists one peer' }, 64);

export const interrupted = scenario(
  {
    id: 'failover/long-idle',
    suite: 'failover',
    title: 'Long idle timer',
    status: 'interrupted',
    reason: 'run interrupted (SIGINT) during wait 30 s',
    durationMs: 4_200,
    events: [...mainMode(), rUThere(3.9, 1, 0x0d000001)],
  },
  65,
);

/** Not in the run: a probe, its answer and a window at the very end of the axis, with the longest labels a DPD exchange gets (32-bit seq). */
export const endOfAxis = scenario(
  {
    id: 'dpd-basics/probe-at-the-end',
    suite: 'dpd-basics',
    title: 'DUT probes once more just before the scenario ends',
    status: 'passed',
    durationMs: 20_004,
    events: [...mainMode(), rUThere(20.003, 0xffffffff, 0x55555555), rUThereAck(20.0035, 0xffffffff, 0x66666666)],
    expectedWindows: [{ label: 'R-U-THERE-ACK within the retry interval', from: 19.9, to: 20.004 }],
  },
  70,
);

export const ALL_SCENARIOS = [probesAnswered, deadPeer, seqReuse, nasty, skipped, interrupted];

export function syntheticRun(): RunReport {
  return {
    toolVersion: '0.1.0',
    startedWallMs: START_WALL_MS,
    finishedWallMs: START_WALL_MS + 70_000,
    profile: { vendor: 'strongSwan', product: 'charon', version: '5.9.8', target: 'strongswan', file: 'profiles/strongswan-5.9.yaml' },
    dataPlane: 'emulated',
    interrupted: true,
    suites: [
      { name: 'dpd-basics', file: 'suites/dpd-basics.yaml', scenarios: [probesAnswered, deadPeer, seqReuse] },
      { name: 'failover', file: 'suites/failover.yaml', scenarios: [nasty, skipped, interrupted] },
    ],
  };
}
