/**
 * Wire evidence shared by the lab failover conformance tests (lab-strongswan-failover,
 * lab-libreswan-failover, lab-libreswan-ikev2-failover): which fake-peer addresses the DUT itself
 * initiated to, in what order, and how long after the dead peer's last sign of DPD it did.
 * lab-strongswan-ikev2-failover reads the order from the pcap instead (lab-ikev2-wire.ts
 * ikeSaInitsFrom): charon's IKE_SA_INIT retransmissions come a retransmit_timeout (1 s) apart,
 * which the timeline heuristic here would take for new negotiations.
 */
import { expect } from 'chai';
import type { ScenarioJson, TimelineMessage } from '../e2e/cli-run.js';
import type { FullRun } from './full-run.js';
import type { Status } from './lab-conformance.js';

const FAILOVER_SCENARIOS = ['order-respected', 'primary-to-secondary', 'secondary-to-third'] as const;

/** The failover suites: IKEv1's and IKEv2's have the same three scenarios. */
export type FailoverSuite = 'multi-peer-failover' | 'ikev2-failover';

/** What the daemons measured with the rendered failover: every scenario of the suite passes. */
export function failoverStatuses(suite: FailoverSuite): Record<string, Status> {
  return Object.fromEntries(FAILOVER_SCENARIOS.map((id) => [`${suite}/${id}`, 'passed']));
}

export const FAILOVER_STATUSES = failoverStatuses('multi-peer-failover');

/**
 * The DUT initiates only to the next peers in the rendered order and never again to the dead
 * primary. The first SA is the fake peer's (it initiates to peer 0), so every negotiation the
 * DUT opens is a failover. `contacted` lists the peer addresses it initiated to (default: its
 * Main Modes on the timeline).
 */
export function itContactsPeersInOrder(
  run: () => FullRun,
  [p0, p1, p2]: readonly [string, string, string],
  title: string,
  { suite = 'multi-peer-failover', contacted = peersContacted }: { suite?: FailoverSuite; contacted?: (s: ScenarioJson) => string[] } = {},
): void {
  it(title, () => {
    const s = (id: string) => run().byId.get(`${suite}/${id}`)!;
    expect(contacted(s('primary-to-secondary'))).to.deep.equal([p1]);
    expect(contacted(s('order-respected'))).to.deep.equal([p1]);
    expect(contacted(s('secondary-to-third'))).to.deep.equal([p1, p2]);
    for (const id of FAILOVER_SCENARIOS) expect(contacted(s(id)), id).to.not.include(p0);
  });
}

/**
 * The first Main Mode message of each negotiation the DUT started: Main Mode messages on one
 * fake-peer address more than 1 s after the previous one there start a new negotiation, and
 * the DUT started it when its first message came in.
 */
export function dutInitiations(s: ScenarioJson): TimelineMessage[] {
  const last = new Map<string, number>();
  const initiations: TimelineMessage[] = [];
  for (const m of s.timeline) {
    if (m.kind !== 'main-mode') continue;
    const previous = last.get(m.local.address);
    last.set(m.local.address, m.t);
    if ((previous === undefined || m.t - previous > 1) && m.direction === 'in') initiations.push(m);
  }
  return initiations;
}

/** The fake-peer addresses the DUT initiated Main Mode to, in order (one entry per negotiation). */
export function peersContacted(s: ScenarioJson): string[] {
  return dutInitiations(s).map((m) => m.local.address);
}

/** The DUT's R-U-THEREs to `address` (inbound at the fake peer). */
export function probesTo(s: ScenarioJson, address: string): TimelineMessage[] {
  return s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there' && m.local.address === address);
}

export function deletesFrom(s: ScenarioJson, address: string): TimelineMessage[] {
  return s.timeline.filter((m) => m.direction === 'in' && m.kind === 'delete' && m.local.address === address);
}

/** The first DUT-initiated Main Mode message to `address`. */
export function initiationTo(s: ScenarioJson, address: string): TimelineMessage | undefined {
  return dutInitiations(s).find((m) => m.local.address === address);
}
