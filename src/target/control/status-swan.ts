/**
 * strongSwan and Libreswan command-line listings.
 *
 * `swanctl --list-sas` (strongSwan 5.9, src/swanctl/commands/list_sas.c): an
 * IKE SA line `name: #N, STATE, IKEv1, …` followed by `remote 'id' @ addr[port]`;
 * ESTABLISHED is up.
 *
 * `ipsec whack --showstates` (Libreswan 4.10, programs/pluto/state.c): `#N:
 * "conn"… STATE_MAIN_R3 (ISAKMP SA established)` for phase 1 (IKEv2:
 * `STATE_V2_ESTABLISHED_IKE_SA (established IKE SA)`) and
 * `#N: "conn"… esp.spi@addr esp.spi@addr …` for IPsec SAs; the peer is the SPI
 * address that is not the DUT, or the instance address `"conn"[n] addr`.
 *
 * `ipsec trafficstatus`: `#N: "conn", type=ESP, …, id='peer-id'`; it lists IPsec
 * SAs only, so an IKE SA without a child is invisible to it (docs/profiles.md).
 */
import { HarnessError } from '../../errors.js';
import { IPV4, rejectErrorOutput, type StatusContext, type StatusEntry } from './status-entry.js';

export function parseSwanctlListSas(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'strongswan-swanctl');
  const entries: StatusEntry[] = [];
  let state: string | undefined;
  for (const line of output.split('\n')) {
    const sa = /^\S+: #\d+, ([A-Z_]+), IKEv[12]/.exec(line);
    if (sa) {
      state = sa[1];
      continue;
    }
    const remote = new RegExp(String.raw`^\s+remote\s.*@ (${IPV4})\[\d+\]`).exec(line);
    if (remote && state !== undefined) {
      entries.push({ peer: remote[1]!, state, up: state === 'ESTABLISHED' });
      state = undefined;
    }
  }
  if (entries.length === 0 && /\S/.test(output) && !/^\S+: #\d+,/m.test(output)) {
    throw new HarnessError('ERR_CONTROL_PARSE', `strongswan-swanctl: not a swanctl --list-sas listing (first line: ${JSON.stringify(output.split('\n')[0]?.trim())})`);
  }
  return entries;
}

const WHACK_LINE = /^(?:\d{3} )?#(\d+): "([^"]+)"(\[\d+\])?\s*(\S*)\s*(.*)$/;

export function parseWhackShowstates(output: string, context: StatusContext): StatusEntry[] {
  rejectErrorOutput(output, 'libreswan-showstates');
  const phase1 = new Map<string, { state: string; up: boolean; peer?: string }>();
  const peers = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const m = WHACK_LINE.exec(raw.trim());
    if (!m) continue;
    const [, , conn, instance, after, rest] = m as unknown as [string, string, string, string | undefined, string, string];
    // "conn"[1] 198.51.100.10 … is an instance of a template: its address is the peer.
    const instanceAddress = instance ? new RegExp(`^(${IPV4})`).exec(after)?.[1] : undefined;
    const key = instance ? `${conn}${instance}` : conn;
    if (instanceAddress) peers.set(key, instanceAddress);
    const text = `${after} ${rest}`;
    const state = /(STATE_\w+) \(([^)]*)\)/.exec(text);
    // IKEv1 Main/Aggressive Mode, IKEv2 IKE_SA_INIT (PARENT_) and IKE SA states; Quick Mode and Child SA states are not the IKE SA.
    if (state && /^STATE_(MAIN|AGGR)_|^STATE_V2_(PARENT_|.*IKE_SA$)/.test(state[1]!)) {
      phase1.set(key, { state: state[1]!, up: state[1] === 'STATE_V2_ESTABLISHED_IKE_SA' || /(ISAKMP|IKE) SA established/.test(state[2]!) });
    }
    for (const esp of text.matchAll(new RegExp(String.raw`esp\.[0-9a-f]+@(${IPV4})`, 'g'))) {
      if (esp[1] !== context.dutAddress && !peers.has(key)) peers.set(key, esp[1]!);
    }
  }
  return [...phase1.entries()].map(([key, s]) => ({ peer: peers.get(key) ?? '', state: s.state, up: s.up }));
}

export function parseTrafficstatus(output: string): StatusEntry[] {
  rejectErrorOutput(output, 'libreswan-trafficstatus');
  return output.split('\n').flatMap((line) => {
    const m = new RegExp(String.raw`^(?:\d{3} )?#\d+: "[^"]+".*type=ESP.*id='(?:@?)(${IPV4})'`).exec(line.trim());
    return m ? [{ peer: m[1]!, state: 'ESP', up: true }] : [];
  });
}
