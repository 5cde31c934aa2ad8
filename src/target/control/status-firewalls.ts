/**
 * Firewall vendors' IKE SA listings.
 *
 * Juniper SRX `show security ike security-associations` (Junos documentation,
 * "show security ike security-associations", output fields Index, State UP/DOWN,
 * Initiator cookie, Responder cookie, Mode, Remote Address): one row per SA.
 *
 * PAN-OS `show vpn ike-sa detail` (Palo Alto Networks knowledge base, "IKEv2
 * liveness check", output of show vpn ike-sa detail gateway): "IKE Gateway NAME,
 * ID n LOCAL => PEER" then "… State: Established"; the summary table `show vpn
 * ike-sa` gives Peer-Address in its second column with a state number.
 *
 * FortiOS `diagnose vpn ike gateway list` (Fortinet community, "Troubleshooting
 * Tip: IPsec VPNs tunnels", article 195955): blocks of "name:", "addr: local:500
 * -> peer:500" and "status: established" / "connecting".
 */
import { IPV4, rejectErrorOutput, type StatusEntry } from './status-entry.js';

export function parseJuniperIkeSas(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'juniper-srx');
  return output.split('\n').flatMap((line) => {
    const m = new RegExp(String.raw`^\s*\d+\s+(UP|DOWN)\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+\S+\s+(${IPV4})\s*$`).exec(line);
    return m ? [{ peer: m[2]!, state: m[1]!, up: m[1] === 'UP' }] : [];
  });
}

export function parsePanosIkeSa(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'panos');
  const entries: StatusEntry[] = [];
  let current: StatusEntry | undefined;
  for (const line of output.split('\n')) {
    const gw = new RegExp(String.raw`^\s*IKE Gateway .*?(${IPV4})\s*=>\s*(${IPV4})`).exec(line);
    if (gw) {
      current = { peer: gw[2]!, state: 'unknown', up: false };
      entries.push(current);
      continue;
    }
    const state = /\bState:\s*(\w+)/.exec(line);
    if (state && current && current.state === 'unknown') {
      current.state = state[1]!;
      current.up = state[1] === 'Established';
    }
  }
  return entries;
}

export function parseFortiosGatewayList(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'fortios');
  const entries: StatusEntry[] = [];
  let current: StatusEntry | undefined;
  for (const line of output.split('\n')) {
    if (/^\s*name:/.test(line)) {
      current = { peer: '', state: 'unknown', up: false };
      entries.push(current);
    }
    const addr = new RegExp(String.raw`^\s*addr:\s*\S*\s*->\s*(${IPV4})`).exec(line);
    if (addr && current) current.peer = addr[1]!;
    const status = /^\s*status:\s*(\w+)/.exec(line);
    if (status && current) {
      current.state = status[1]!;
      current.up = status[1] === 'established';
    }
  }
  return entries.filter((e) => e.peer !== '');
}
