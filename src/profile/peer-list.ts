/**
 * The DUT's ordered peer list and how it fails over, shared by the IKEv1 `dpd` and the IKEv2
 * `ikev2_dpd` sections: `action: failover` needs both `peers` and `failover`, a list without a
 * mechanism is refused, and no peer is listed twice.
 */
export interface PeerList {
  peers: number[];
  failover?: { mechanism: string; within: number };
}

type Fail = (path: (string | number)[], message: string) => never;

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema check has vouched for the shape of `d` */
export function loadPeerList(section: 'dpd' | 'ikev2_dpd', d: any, bad: Fail): PeerList {
  if (d.action === 'failover') {
    if (d.peers === undefined) bad([section, 'action'], `action failover needs ${section}.peers (the ordered peer list)`);
    if (d.failover === undefined) bad([section, 'action'], `action failover needs ${section}.failover { mechanism, within }`);
  } else if (d.peers !== undefined && d.failover === undefined) {
    bad([section, 'peers'], `a peer list without failover: set action failover, or describe the mechanism in ${section}.failover`);
  }
  const peers: number[] = d.peers ?? [0];
  const dup = peers.findIndex((p, i) => peers.indexOf(p) !== i);
  if (dup !== -1) bad([section, 'peers', dup], `peer ${peers[dup]} listed twice`);
  return { peers, ...(d.failover ? { failover: { mechanism: d.failover.mechanism, within: d.failover.within } } : {}) };
}
