/**
 * Cisco IOS / IOS XE status tables.
 *
 * `show crypto isakmp sa` prints `dst src state conn-id [slot] status` rows
 * (Cisco Press, "The Complete Cisco VPN Configuration Guide", example 16-26;
 * IOS XE "Security for VPNs with IPsec" configuration guide). The peer is the
 * column that is not the router; QM_IDLE (main and aggressive mode alike) is
 * the established phase 1; the MM_ and AG_ states are negotiations in flight.
 *
 * `show crypto session` prints per peer "Peer: a.b.c.d port 500" followed by
 * "IKEv1 SA: local … remote … Active" (or IKE SA on older releases) and a
 * "Session status: UP-ACTIVE / UP-IDLE / DOWN" line above it.
 */
import { HarnessError } from '../../errors.js';
import { IPV4, rejectErrorOutput, type StatusContext, type StatusEntry } from './status-entry.js';

const ISAKMP_ROW = new RegExp(String.raw`^\s*(${IPV4})\s+(${IPV4})\s+([A-Z_]+)\s+\d+\s+(?:\d+\s+)?([A-Z-]+)\s*$`);

export function parseCiscoIsakmpSa(output: string, context: StatusContext): StatusEntry[] {
  rejectErrorOutput(output, 'cisco-ios-isakmp-sa');
  const lines = output.split('\n');
  if (!lines.some((l) => /^\s*dst\s+src\s+state/.test(l)) && output.trim() !== '') {
    throw new HarnessError('ERR_CONTROL_PARSE', `cisco-ios-isakmp-sa: no "dst src state conn-id status" header in the output (first line: ${JSON.stringify(lines[0]?.trim())})`);
  }
  return lines.flatMap((line) => {
    const m = ISAKMP_ROW.exec(line);
    if (!m) return [];
    const [, dst, src, state, status] = m as unknown as [string, string, string, string, string];
    const peer = dst === context.dutAddress ? src : dst;
    return [{ peer, state, up: state === 'QM_IDLE' && status === 'ACTIVE' }];
  });
}

export function parseCiscoCryptoSession(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'cisco-ios-crypto-session');
  const entries: StatusEntry[] = [];
  let session = '';
  let current: StatusEntry | undefined;
  for (const line of output.split('\n')) {
    const status = /^\s*Session status:\s*(\S+)/.exec(line);
    if (status) session = status[1]!;
    const peer = new RegExp(String.raw`^\s*Peer:\s*(${IPV4})`).exec(line);
    if (peer) {
      current = { peer: peer[1]!, state: session, up: false };
      entries.push(current);
    }
    const ike = /^\s*IKE(?:v1)? SA:.*\b(Active|Inactive)\s*$/.exec(line);
    if (ike && current) current.up = ike[1] === 'Active' && session.startsWith('UP');
  }
  return entries;
}
