/**
 * An IOS extended access list used as a crypto ACL (`crypto map … match address`)
 * read as Quick Mode traffic selectors. Each `permit` entry is one pair of proxy
 * identities. IOS writes the ACL from the router's side: the source is the network
 * behind the router, the destination the network behind the peer. The profile is
 * written from the fake peer's side, so source → `remote`, destination → `local`
 * (src/profile/device-profile.ts, TrafficSelector).
 */
import { ConfigError } from '../errors.js';
import type { TrafficSelector } from '../profile/device-profile.js';
import type { AclLine, IosWarning, Token } from './ios-config.js';

/** IP protocol numbers IOS accepts by name (RFC 5237 registry values). */
const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ahp: 51, ospf: 89, pim: 103 };
/** Port names IOS prints in running-config instead of the number. */
const PORTS: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, tftp: 69, www: 80, pop3: 110, ntp: 123, snmp: 161, bgp: 179, isakmp: 500, syslog: 514, 'non500-isakmp': 4500,
};

const toNumber = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toAddress = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

export interface AclSelectors {
  selectors: TrafficSelector[];
  warnings: IosWarning[];
}

export function aclSelectors(file: string, name: string, lines: AclLine[]): AclSelectors {
  const selectors: TrafficSelector[] = [];
  const warnings: IosWarning[] = [];
  for (const { tokens, line, text } of lines) {
    const r = aclEntry({ file, line, excerpt: text }, tokens);
    if ('selector' in r) selectors.push(r.selector);
    else warnings.push({ line, col: tokens[0]!.col, message: `access-list ${name}: ${r.skipped}` });
  }
  return { selectors, warnings };
}

function aclEntry(where: { file: string; line: number; excerpt: string }, all: Token[]): { selector: TrafficSelector } | { skipped: string } {
  const fail = (at: Token | undefined, message: string): never => {
    throw new ConfigError('ERR_CONFIG_IOS', { ...where, col: at?.col ?? where.excerpt.trimEnd().length + 1 }, message);
  };
  // Named-list entries may start with their sequence number (`10 permit ip …`).
  const tokens = /^\d+$/.test(all[0]?.text ?? '') ? all.slice(1) : all;
  let n = 0;
  const next = (what: string): Token => tokens[n++] ?? fail(undefined, `missing ${what}`);
  const action = next('permit or deny');
  if (action.text === 'deny') return { skipped: "'deny' entry: traffic IOS sends in clear, no Quick Mode for it" };
  if (action.text !== 'permit') return { skipped: `'${action.text}' entry not read` };
  const proto = next('protocol');
  let protocol: number;
  if (proto.text === 'ip') protocol = 0;
  else if (PROTOCOLS[proto.text] !== undefined) protocol = PROTOCOLS[proto.text]!;
  else if (/^\d+$/.test(proto.text) && Number(proto.text) <= 255) protocol = Number(proto.text);
  else return fail(proto, `unknown protocol '${proto.text}' (ip, tcp, udp, icmp, … or 0–255)`);

  const side = (what: string): string => {
    const t = next(what);
    if (t.text === 'any') return '0.0.0.0/0';
    if (t.text === 'host') return address(next(`${what} host address`));
    const base = address(t);
    const wild = next(`${what} wildcard mask`);
    const bits = toNumber(address(wild));
    // A crypto ACL entry becomes one subnet identity: only a contiguous wildcard (0…01…1) is a prefix.
    if (((bits + 1) & bits) !== 0) fail(wild, `wildcard ${wild.text} is not contiguous: a Quick Mode identity is one subnet (a.b.c.d/len), write one entry per subnet`);
    const len = 32 - Math.log2(bits + 1);
    return len === 32 ? base : `${toAddress((toNumber(base) & ~bits) >>> 0)}/${len}`;
  };
  const address = (t: Token): string => {
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(t.text) || t.text.split('.').some((o) => Number(o) > 255)) fail(t, `expected an IPv4 address, 'host' or 'any', got '${t.text}'`);
    return t.text;
  };
  /** `eq PORT` after an address of a tcp/udp entry; undefined when absent. */
  const port = (): number | 'other' | undefined => {
    const op = tokens[n];
    if (!op || (protocol !== 6 && protocol !== 17)) return undefined;
    if (op.text === 'gt' || op.text === 'lt' || op.text === 'neq' || op.text === 'range') return 'other';
    if (op.text !== 'eq') return undefined;
    n++;
    const v = next('port');
    const p = /^\d+$/.test(v.text) ? Number(v.text) : PORTS[v.text];
    if (p === undefined || p > 65535) fail(v, `unknown port '${v.text}'`);
    return p;
  };

  const source = side('source');
  const sourcePort = port();
  if (sourcePort === 'other') return { skipped: 'port ranges (gt, lt, neq, range) are not one Quick Mode identity' };
  const destination = side('destination');
  const destinationPort = port();
  if (destinationPort === 'other') return { skipped: 'port ranges (gt, lt, neq, range) are not one Quick Mode identity' };
  const rest = tokens[n];
  if (rest && rest.text !== 'log' && rest.text !== 'log-input') return { skipped: `'${rest.text}' not read` };
  if (sourcePort !== undefined && destinationPort !== undefined && sourcePort !== destinationPort) {
    return { skipped: `source port ${sourcePort} and destination port ${destinationPort} differ: the profile's port is both sides'` };
  }
  const p = sourcePort ?? destinationPort;
  if (p !== undefined && (sourcePort === undefined || destinationPort === undefined)) {
    return { skipped: `port ${p} on one side only: the profile's port is both sides' (write eq ${p} on both, or drop it)` };
  }
  return { selector: { local: destination, remote: source, ...(protocol ? { protocol } : {}), ...(p ? { port: p } : {}) } };
}
