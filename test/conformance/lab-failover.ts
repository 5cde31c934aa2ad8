/**
 * Wire evidence shared by the lab failover conformance tests (lab-strongswan-failover,
 * lab-libreswan-failover, lab-strongswan-ikev2-failover): which fake-peer addresses the DUT
 * itself opened Main Mode (IKEv2: IKE_SA_INIT) to, in what order, and how long after the dead
 * peer's last sign of DPD it did.
 */
import { expect } from 'chai';
import type { ScenarioJson, TimelineMessage } from '../e2e/cli-run.js';
import type { FullRun } from './full-run.js';
import type { Status } from './lab-conformance.js';

const FAILOVER_SCENARIOS = ['order-respected', 'primary-to-secondary', 'secondary-to-third'] as const;

/** The failover suite of one IKE version and the timeline kind of the exchange that opens an IKE SA. */
export interface FailoverSuite {
  suite: 'multi-peer-failover' | 'ikev2-failover';
  opening: 'main-mode' | 'ike-sa-init';
}
export const IKEV1_FAILOVER: FailoverSuite = { suite: 'multi-peer-failover', opening: 'main-mode' };
export const IKEV2_FAILOVER: FailoverSuite = { suite: 'ikev2-failover', opening: 'ike-sa-init' };

/** What both daemons measured with the rendered failover: every scenario of the suite passes. */
export const FAILOVER_STATUSES: Record<string, Status> = failoverStatuses(IKEV1_FAILOVER);

/** Every scenario of the suite passed (suites/multi-peer-failover.yaml, suites/ikev2-failover.yaml). */
export function failoverStatuses(f: FailoverSuite): Record<string, Status> {
  return Object.fromEntries(FAILOVER_SCENARIOS.map((id) => [`${f.suite}/${id}`, 'passed']));
}

/**
 * The DUT opens Main Mode only to the next peers in the rendered order and never again to the
 * dead primary. The first SA is the fake peer's (it initiates to peer 0), so every Main Mode the
 * DUT opens is a failover.
 */
export function itContactsPeersInOrder(run: () => FullRun, [p0, p1, p2]: readonly [string, string, string], title: string, f: FailoverSuite = IKEV1_FAILOVER): void {
  it(title, () => {
    const s = (id: string) => run().byId.get(`${f.suite}/${id}`)!;
    expect(peersContacted(s('primary-to-secondary'), f.opening)).to.deep.equal([p1]);
    expect(peersContacted(s('order-respected'), f.opening)).to.deep.equal([p1]);
    expect(peersContacted(s('secondary-to-third'), f.opening)).to.deep.equal([p1, p2]);
    for (const id of FAILOVER_SCENARIOS) expect(initiationTo(s(id), p0, f.opening), id).to.equal(undefined);
  });
}

/**
 * The first Main Mode (`opening`) message of each negotiation the DUT started: such messages on one
 * fake-peer address more than 1 s after the previous one there start a new negotiation, and
 * the DUT started it when its first message came in.
 */
export function dutInitiations(s: ScenarioJson, opening: FailoverSuite['opening'] = 'main-mode'): TimelineMessage[] {
  const last = new Map<string, number>();
  const initiations: TimelineMessage[] = [];
  for (const m of s.timeline) {
    if (m.kind !== opening) continue;
    const previous = last.get(m.local.address);
    last.set(m.local.address, m.t);
    if ((previous === undefined || m.t - previous > 1) && m.direction === 'in') initiations.push(m);
  }
  return initiations;
}

/** The fake-peer addresses the DUT initiated Main Mode (`opening`) to, in order (one entry per negotiation). */
export function peersContacted(s: ScenarioJson, opening: FailoverSuite['opening'] = 'main-mode'): string[] {
  return dutInitiations(s, opening).map((m) => m.local.address);
}

/** The DUT's R-U-THEREs to `address` (inbound at the fake peer). */
export function probesTo(s: ScenarioJson, address: string): TimelineMessage[] {
  return s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there' && m.local.address === address);
}

export function deletesFrom(s: ScenarioJson, address: string): TimelineMessage[] {
  return s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete' && m.local.address === address);
}

/** The first DUT-initiated Main Mode (`opening`) message to `address`. */
export function initiationTo(s: ScenarioJson, address: string, opening: FailoverSuite['opening'] = 'main-mode'): TimelineMessage | undefined {
  return dutInitiations(s, opening).find((m) => m.local.address === address);
}
