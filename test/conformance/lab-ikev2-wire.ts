/**
 * tshark's view of an IKEv2 lab run, the judge the harness's verdicts must agree with: each
 * scenario's pcap decrypted with the `.ikev2-keys` table written beside it (Wireshark's
 * ikev2_decryption_table), and the checks both IKEv2 lab conformance tests share.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseIkev2KeyTable, tsharkIkev2KeyArguments } from '../../src/report/ikev2-key-table.js';
import type { ScenarioJson } from '../e2e/cli-run.js';
import type { FullRun } from './full-run.js';
import { IKEV2_SUITES_SKIPPED_ON_IKEV1, type Status } from './lab-conformance.js';

/** The IKEv2 suites measured against the lab daemons: every shipped one. */
export const IKEV2_SUITES = [
  'suites/ikev2-silence.yaml',
  'suites/ikev2-delayed-response.yaml',
  'suites/ikev2-message-id.yaml',
  'suites/ikev2-robustness.yaml',
  'suites/ikev2-responder.yaml',
  'suites/ikev2-unreachable.yaml',
  'suites/ikev2-lost-state.yaml',
  'suites/ikev2-failover.yaml',
];

/** The scenarios of IKEV2_SUITES. */
export const IKEV2_LAB_SCENARIOS = IKEV2_SUITES_SKIPPED_ON_IKEV1.filter((id) => IKEV2_SUITES.includes(`suites/${id.split('/')[0]}.yaml`));

/**
 * Skipped by `requires:` in both IKEv2 lab profiles (dpd.action clear, ikev2_dpd.invalid_ike_spi
 * ignore): failover and restart need another action (profiles/strongswan-ikev2-restart.yaml and
 * -failover.yaml run them), dead-at-notify a device that takes INVALID_IKE_SPI as death.
 */
export const IKEV2_LAB_SKIPPED = [
  'ikev2-failover/order-respected',
  'ikev2-failover/primary-to-secondary',
  'ikev2-failover/secondary-to-third',
  'ikev2-lost-state/dead-at-notify',
  'ikev2-lost-state/restart-at-notify',
  'ikev2-lost-state/restart-on-schedule',
];

const IKE_SA_INIT = 34;
const IKE_AUTH = 35;
const INFORMATIONAL = 37;
const SK = 46;
const DELETE = 42;
const NOTIFY = 41;

export interface WireRow {
  /** Seconds since the first frame of the pcap. */
  t: number;
  src: string;
  dst: string;
  /** The initiator's SPI: one per IKE SA (and per negotiation: retransmissions keep it). */
  ispi: string;
  exchange: number;
  response: boolean;
  messageId: number;
  /** tshark opened the SK payload with the key table. */
  decrypted: boolean;
  /** The SK payload's IV: equal IVs under one message ID are the same bytes sent again. */
  iv: string;
  /** Payload types, SK's contents included, without the SA's proposal and transform substructures. */
  payloads: number[];
  /** tshark's integrity verdict on the SK payload. */
  icvBad: boolean;
}

const FIELDS = ['frame.time_relative', 'ip.src', 'ip.dst', 'isakmp.ispi', 'isakmp.exchangetype', 'isakmp.flag_r', 'isakmp.messageid', 'isakmp.enc.decrypted', 'isakmp.enc.iv', 'isakmp.typepayload', '_ws.expert.message'];

export function tsharkRows(run: FullRun, s: ScenarioJson): WireRow[] {
  expect(s.files, `${s.id} has no pcap`).to.not.equal(null);
  const keys = parseIkev2KeyTable(readFileSync(join(run.outDir, s.files!.ikev2Keys!), 'utf8'));
  expect(keys, `${s.id}: key table`).to.have.length.greaterThan(0);
  const args = ['-r', join(run.outDir, s.files!.pcap), ...tsharkIkev2KeyArguments(keys), '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f])];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  return out
    .replace(/\n$/, '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [t, src, dst, ispi, exchange, r, mid, decrypted, iv, types, expert] = line.split('\t');
      return {
        t: Number(t),
        src: src ?? '',
        dst: dst ?? '',
        ispi: ispi ?? '',
        exchange: Number(exchange),
        response: r === '1' || r === 'True',
        messageId: Number(mid),
        decrypted: decrypted === '1' || decrypted === 'True',
        iv: iv ?? '',
        payloads: (types ?? '').split('|').filter((x) => x !== '' && x !== '2' && x !== '3').map(Number),
        icvBad: /Integrity Checksum Data is incorrect/.test(expert ?? ''),
      };
    });
}

/** An empty INFORMATIONAL request (RFC 7296 §2.4) from `src`: SK with nothing inside, decrypted. */
export const isLiveness = (r: WireRow, src: string): boolean => r.exchange === INFORMATIONAL && !r.response && r.src === src && r.decrypted && r.payloads.length === 1 && r.payloads[0] === SK;
export const isLivenessResponse = (r: WireRow, src: string): boolean => r.exchange === INFORMATIONAL && r.response && r.src === src && r.decrypted && r.payloads.length === 1 && r.payloads[0] === SK;
export const isDelete = (r: WireRow, src: string): boolean => r.exchange === INFORMATIONAL && !r.response && r.src === src && r.payloads.includes(DELETE);

/** The first IKE_SA_INIT request of each IKE SA `src` set up (one per initiator SPI: its retransmissions are left out). */
export function ikeSaInitsFrom(rows: readonly WireRow[], src: string): WireRow[] {
  const requests = rows.filter((r) => r.exchange === IKE_SA_INIT && !r.response && r.src === src);
  return requests.filter((r, i) => requests.findIndex((x) => x.ispi === r.ispi) === i);
}

/** The decrypted IKE_AUTH messages of the IKE SA with initiator SPI `ispi`, as `request` / `response`. */
export function ikeAuthOf(rows: readonly WireRow[], ispi: string): Array<'request' | 'response'> {
  return rows.filter((r) => r.exchange === IKE_AUTH && r.ispi === ispi && r.decrypted).map((r) => (r.response ? 'response' : 'request'));
}

/** A scenario's daemon log lines, every daemon's, in order. */
export const daemonLog = (s: ScenarioJson): string[] => s.daemonLogs.flatMap((d) => d.lines.map((l) => l.line));

/** The DUT's and the fake peer's addresses in one scenario (`--jobs N` gives each lab copy its own). */
export function endpointsOf(s: ScenarioJson): { dut: string; peer: string } {
  const first = s.timeline.find((m) => m.direction === 'out')!;
  return { dut: first.peer.address, peer: first.local.address };
}

/** Every scenario's pcap, once (tshark takes ~0.3 s a file). */
export function wireOf(run: FullRun): Map<string, WireRow[]> {
  return new Map([...run.byId.values()].filter((s) => s.status !== 'skipped').map((s) => [s.id, tsharkRows(run, s)]));
}

/**
 * The checks every IKEv2 lab run must pass on the wire: tshark decrypts every protected
 * INFORMATIONAL with the key file and finds its ICV right (save the one the bad-icv scenario
 * forges, and the one unprotected scenario sends in the clear), and it counts the same
 * liveness requests and responses, both ways, as the harness's timeline.
 */
/** The run's pcaps, read by tshark once on first use, with the evidence every IKEv2 lab test checks. */
export function ikev2WireEvidence(run: () => FullRun): () => Map<string, WireRow[]> {
  let wire: Map<string, WireRow[]> | undefined;
  const rows = (): Map<string, WireRow[]> => (wire ??= wireOf(run()));
  commonWireEvidence(run, rows);
  return rows;
}

export function commonWireEvidence(run: () => FullRun, wire: () => Map<string, WireRow[]>): void {
  it('tshark decrypts every IKEv2 INFORMATIONAL of every pcap with its .ikev2-keys file, ICVs right save the forged one', () => {
    for (const [id, rows] of wire()) {
      const informational = rows.filter((r) => r.exchange === INFORMATIONAL);
      expect(informational.length, id).to.be.greaterThan(0);
      const protectedOnes = informational.filter((r) => r.payloads[0] === SK);
      expect(protectedOnes.filter((r) => !r.decrypted), id).to.deep.equal([]);
      // Besides the one unprotected scenario, only the peer that lost its state speaks in the clear: its INVALID_IKE_SPI notifies (§2.21.4).
      const clear = informational.filter((r) => r.payloads[0] !== SK);
      const notifies = run().byId.get(id)!.timeline.filter((m) => m.direction === 'out' && m.kind === 'notify').length;
      expect(clear.length, `${id}: INFORMATIONALs without SK`).to.equal((id === 'ikev2-robustness/unprotected' ? 1 : 0) + notifies);
      expect(clear.filter((r) => r.payloads.length === 1 && r.payloads[0] === NOTIFY).length, `${id}: unprotected notifies`).to.equal(notifies);
      const bad = protectedOnes.filter((r) => r.icvBad);
      expect(bad.map((r) => r.src), `${id}: bad ICVs`).to.deep.equal(id === 'ikev2-robustness/bad-icv' ? [endpointsOf(run().byId.get(id)!).peer] : []);
    }
  });

  it('counts the same liveness requests and responses, both ways, as the harness', () => {
    for (const [id, rows] of wire()) {
      const s = run().byId.get(id)!;
      const harness = (direction: 'in' | 'out', kind: string): number => s.timeline.filter((m) => m.direction === direction && m.kind === kind).length;
      const { dut: dutAddress, peer: peerAddress } = endpointsOf(s);
      expect(rows.filter((r) => isLiveness(r, dutAddress)).length, `${id}: DUT's requests`).to.equal(harness('in', 'liveness'));
      expect(rows.filter((r) => isLivenessResponse(r, dutAddress)).length, `${id}: DUT's responses`).to.equal(harness('in', 'liveness-response'));
      // The harness names its forged requests (bad ICV, no SK at all) liveness checks too: what it meant to send.
      const peerRequests = rows.filter((r) => r.exchange === INFORMATIONAL && !r.response && r.src === peerAddress && r.payloads.every((p) => p === SK));
      expect(peerRequests.length, `${id}: peer's requests`).to.equal(harness('out', 'liveness'));
      expect(rows.filter((r) => isLivenessResponse(r, peerAddress)).length, `${id}: peer's responses`).to.equal(harness('out', 'liveness-response'));
    }
  });
}

/** The DUT's liveness requests in a scenario where the peer fell silent, as seconds after the first, and their message IDs and IVs. */
export function silentRequests(run: FullRun, rows: Map<string, WireRow[]>, id: string): { at: number[]; messageIds: number[]; ivs: string[] } {
  const reqs = rows.get(id)!.filter((r) => isLiveness(r, endpointsOf(run.byId.get(id)!).dut));
  return { at: reqs.map((r) => Math.round((r.t - reqs[0]!.t) * 1000) / 1000), messageIds: reqs.map((r) => r.messageId), ivs: reqs.map((r) => r.iv) };
}

/**
 * Scenarios where every request of the DUT goes unanswered: dropped, answered too late, bounced as
 * ICMP unreachable (§2.21.4: only a hint) or answered by INVALID_IKE_SPI from a peer that lost its state.
 */
export const IKEV2_SILENT_SCENARIOS = [
  'ikev2-silence/retransmissions-and-death', 'ikev2-silence/silence-inbound-only', 'ikev2-silence/silence-outbound-only', 'ikev2-delayed-response/delay-past-dead-time',
  'ikev2-unreachable/port-unreachable', 'ikev2-unreachable/admin-prohibited', 'ikev2-lost-state/dead-on-schedule',
];

/** Every lab IKEv2 scenario passed, or skipped where IKEV2_LAB_SKIPPED says; `overrides` for a daemon's own. */
export function ikev2LabStatuses(overrides: Record<string, Status> = {}): Record<string, Status> {
  return { ...Object.fromEntries(IKEV2_LAB_SCENARIOS.map((id) => [id, IKEV2_LAB_SKIPPED.includes(id) ? 'skipped' : 'passed'] as const)), ...overrides };
}

/** charon's log clock (time_format %H:%M:%S with time_add_ms), e.g. `09:24:30.636 09[IKE] <peer1|2> giving up after 3 retransmits`. */
export const CHARON_CLOCK = /^(\d\d):(\d\d):(\d\d\.\d+) /;

/** Seconds of the day of a daemon log line, read by `clock` (groups: hours, minutes, seconds). */
export function logLineSeconds(clock: RegExp, line: string): number {
  const [, h, m, sec] = clock.exec(line)!;
  return Number(h) * 3600 + Number(m) * 60 + Number(sec);
}

/**
 * ikev2-lost-state/invalid-spi-is-no-answer on the wire: the peer's unprotected INVALID_IKE_SPI came back
 * after the DUT's first request, and the DUT sent the request again after it, the same bytes (message ID
 * and IV), the first time at its first retransmission moment (`firstRetransmit` s after the first,
 * `slack` early and late).
 */
export function itResendsAfterInvalidIkeSpi(run: () => FullRun, wire: () => Map<string, WireRow[]>, firstRetransmit: number, slack: { early: number; late: number }): void {
  it('takes INVALID_IKE_SPI for no answer: the request goes again, the same bytes, after the first retransmission wait', () => {
    const id = 'ikev2-lost-state/invalid-spi-is-no-answer';
    const { at, messageIds, ivs } = silentRequests(run(), wire(), id);
    expect(at.length).to.be.greaterThan(1);
    expect(at[1]).to.be.within(firstRetransmit - slack.early, firstRetransmit + slack.late);
    expect(new Set(messageIds).size).to.equal(1);
    expect(new Set(ivs).size).to.equal(1);
    const { dut, peer } = endpointsOf(run().byId.get(id)!);
    const rows = wire().get(id)!;
    const requests = rows.filter((r) => isLiveness(r, dut));
    const notify = rows.find((r) => r.exchange === INFORMATIONAL && r.response && r.src === peer && r.payloads.length === 1 && r.payloads[0] === NOTIFY);
    expect(notify, 'an unprotected notify from the peer').to.not.equal(undefined);
    // Whether the notify beats the first retransmission is the harness's latency; some retransmission must follow it.
    expect(notify!.t).to.be.greaterThan(requests[0]!.t);
    expect(requests.filter((r) => r.t > notify!.t), 'requests after the notify').to.have.length.greaterThan(0);
  });
}

/** pluto's own clock at the head of each log line, e.g. `Dec  7 09:33:58.170415: …`. */
export const PLUTO_LOG_CLOCK = /^\w+ +\d+ (\d\d):(\d\d):(\d\d\.\d+):/;

/**
 * Each time pluto gave an established IKE SA up in `lines`: seconds from the request arming its
 * retransmissions ("retransmits: first event in …; timeout in <timeout> seconds") to "<timeout>
 * second timeout exceeded after <retransmits> retransmits", by pluto's clock, and the index of that line.
 */
export function plutoGiveUps(lines: readonly string[], timeout: number, retransmits: number): Array<{ after: number; index: number }> {
  const armed = `STATE_V2_ESTABLISHED_IKE_SA: retransmits: first event in`;
  const gaveUp = `STATE_V2_ESTABLISHED_IKE_SA: ${timeout} second timeout exceeded after ${retransmits} retransmits`;
  const seconds = (line: string): number => logLineSeconds(PLUTO_LOG_CLOCK, line);
  return lines.flatMap((l, index) => {
    if (!l.includes(gaveUp)) return [];
    const start = lines.slice(0, index).reverse().find((x) => x.includes(armed) && x.includes(`timeout in ${timeout} seconds`));
    return start === undefined ? [] : [{ after: seconds(l) - seconds(start), index }];
  });
}
