/**
 * Wire evidence shared by the lab failover conformance tests (lab-strongswan-failover,
 * lab-libreswan-failover): which fake-peer addresses the DUT itself opened Main Mode to, in
 * what order, and how long after the dead peer's last sign of DPD it did. IKEv2 failover
 * (lab-strongswan-ikev2-failover) reads the same from the pcap instead (lab-ikev2-wire.ts
 * ikeSaInitsFrom): IKE_SA_INIT retransmissions come a retransmit_timeout apart, which this
 * timeline heuristic would take for new negotiations.
 */
import { expect } from 'chai';
import type { ScenarioJson, TimelineMessage } from '../e2e/cli-run.js';
import type { FullRun } from './full-run.js';
import type { Status } from './lab-conformance.js';

const FAILOVER_SCENARIOS = ['order-respected', 'primary-to-secondary', 'secondary-to-third'] as const;

/** What both daemons measured with the rendered failover: every scenario of the suite passes. */
export const FAILOVER_STATUSES: Record<string, Status> = failoverStatuses('multi-peer-failover');

/** Every scenario of the failover suite of one IKE version passed. */
export function failoverStatuses(suite: 'multi-peer-failover' | 'ikev2-failover'): Record<string, Status> {
  return Object.fromEntries(FAILOVER_SCENARIOS.map((id) => [`${suite}/${id}`, 'passed']));
}

/**
 * The DUT opens Main Mode only to the next peers in the rendered order and never again to the
 * dead primary. The first SA is the fake peer's (it initiates to peer 0), so every Main Mode the
 * DUT opens is a failover.
 */
export function itContactsPeersInOrder(run: () => FullRun, [p0, p1, p2]: readonly [string, string, string], title: string): void {
  it(title, () => {
    const s = (id: string) => run().byId.get(`multi-peer-failover/${id}`)!;
    expect(peersContacted(s('primary-to-secondary'))).to.deep.equal([p1]);
    expect(peersContacted(s('order-respected'))).to.deep.equal([p1]);
    expect(peersContacted(s('secondary-to-third'))).to.deep.equal([p1, p2]);
    for (const id of FAILOVER_SCENARIOS) expect(initiationTo(s(id), p0), id).to.equal(undefined);
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
