/**
 * Renders ipsec.conf and ipsec.secrets for one Libreswan 4.10 pluto. Pure.
 * IKEv1 is enabled per connection with `ikev2=no` (4.10 rejects keyexchange=ikev1)
 * and allowed globally with `ikev1-policy=accept` (lab-probe.md §1); IKEv2 is
 * `ikev2=insist`, which 4.10 reads as `yes`: IKEv2 only (ipsec.conf(5) `ikev2`).
 */
import type { Connection, DaemonConfig, Proposal } from './daemon-config.js';
import { secretLiteral, type StartAction } from './daemon-config.js';
import { connectionSelectors, libreswanProtoport, selectorPrefix, type DaemonSelector } from './daemon-selectors.js';
import type { IkeVersion } from './lab-spec.js';

export interface LibreswanRender {
  config: DaemonConfig;
  connections: Connection[];
  localSubnets: readonly string[];
  remoteSubnets: readonly string[];
  /** The profile's pairs from this daemon's side; empty: the subnets above (or the hosts). */
  selectors: readonly DaemonSelector[];
  /** Absent: IKEv1. */
  ikeVersion?: IkeVersion;
  logFile: string;
  /** Only with failover: the updown hook (failover-hook.ts), in place of /bin/true. */
  failoverHook?: string;
}

const INTEGRITY: Record<Proposal['integrity'], string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha2_256',
  sha384: 'sha2_384',
  sha512: 'sha2_512',
};

const GROUP: Record<NonNullable<Proposal['group']>, string> = {
  modp1024: 'modp1024',
  modp1536: 'modp1536',
  modp2048: 'modp2048',
  modp3072: 'modp3072',
  modp4096: 'modp4096',
  ecp256: 'dh19',
  ecp384: 'dh20',
};

/** What pluto does with a connection once added: the same three choices as strongSwan's start_action. */
const AUTO: Record<StartAction, string> = { none: 'add', start: 'start', trap: 'route' };

/** strongSwan's `aes128-sha256-modp2048` in Libreswan's words: `aes128-sha2_256;modp2048`. */
export function libreswanProposal(p: Proposal): string {
  const base = `${p.encryption}-${INTEGRITY[p.integrity]}`;
  return p.group ? `${base};${GROUP[p.group]}` : base;
}

/**
 * A Libreswan connection has one pair of subnets, so pair i > 0 of connection `peer1` is its
 * own conn `peer1-ts<i+1>` (pluto shares the IKE SA between conns of the same peers). The
 * first keeps the plain name that status, initiate and the failover hook use.
 */
export function pairConnName(conn: string, index: number): string {
  return index === 0 ? conn : `${conn}-ts${index + 1}`;
}

/** Every conn rendered for `conn`: what initiate and terminate must act on together. */
export function pairConnNames(conn: string, pairs: number): string[] {
  return Array.from({ length: Math.max(1, pairs) }, (_, i) => pairConnName(conn, i));
}

/**
 * pluto revives a conn brought up by `--initiate` as soon as its ISAKMP SA is deleted, DPD clear
 * included (revival.c should_revive: first delay 0 s), which races the failover hook and
 * renegotiates with the dead peer. POLICY_DONT_REKEY is the one policy bit that skips revival
 * ("skipping revival: POLICY_DONT_REKEY enabled"); the lab's SAs live far longer than a scenario.
 */
const FAILOVER_NO_REVIVAL = '\n\trekey=no';

export function renderIpsecConf(r: LibreswanRender): string {
  const { config } = r;
  if (config.failover && !r.failoverHook) throw new Error('failover needs failoverHook');
  const v2 = r.ikeVersion === 2;
  if (v2 && config.aggressive) throw new Error('Aggressive Mode is IKEv1 only');
  const pfs = config.espProposals.every((p) => p.group !== undefined);
  const { interval, timeout } = config.plutoRetransmit ?? {};
  // ipsec.conf(5): retransmit-interval is in milliseconds, retransmit-timeout takes a unit.
  const retransmit = `${interval === undefined ? '' : `\n\tretransmit-interval=${Math.round(interval * 1000)}`}${timeout === undefined ? '' : `\n\tretransmit-timeout=${timeout}s`}`;
  const dpd =
    config.dpd.delay > 0
      ? `\n\tdpddelay=${config.dpd.delay}\n\tdpdtimeout=${config.dpd.timeout}\n\tdpdaction=${config.dpd.action}`
      : '';
  const conns = r.connections
    .flatMap((c) =>
      connectionSelectors(r.selectors, { local: r.localSubnets, remote: r.remoteSubnets }, c).map((ts, i) => {
        const protoport = libreswanProtoport(ts);
        return `conn ${pairConnName(c.name, i)}
	ikev2=${v2 ? 'insist' : 'no'}${config.aggressive ? '\n\taggressive=yes' : ''}
	authby=secret
	left=${c.local}
	leftid=${c.local}
	leftsubnet=${selectorPrefix(ts.local)}${protoport ? `\n\tleftprotoport=${protoport}` : ''}
	leftupdown=${config.failover ? r.failoverHook : '/bin/true'}
	right=${c.remote}
	rightid=${c.remote}
	rightsubnet=${selectorPrefix(ts.remote)}${protoport ? `\n\trightprotoport=${protoport}` : ''}
	ike=${config.ikeProposals.map(libreswanProposal).join(',')}
	phase2=esp
	phase2alg=${config.espProposals.map(libreswanProposal).join(',')}
	pfs=${pfs ? 'yes' : 'no'}
	ikelifetime=${config.ikeLifetime}s
	salifetime=${config.childLifetime}s
	keyingtries=${config.keyingtries}${config.failover ? FAILOVER_NO_REVIVAL : ''}${dpd}${retransmit}
	auto=${AUTO[config.startAction]}
`;
      }),
    )
    .join('\n');
  return `# Generated by dpd-harness for one lab daemon.
config setup
	ikev1-policy=accept
	logfile=${r.logFile}
	logappend=no
	logtime=yes${config.log === 'verbose' ? '\n\tplutodebug=base' : ''}
	protostack=xfrm
	audit-log=no

${conns}`;
}

export function renderIpsecSecrets(connections: readonly Connection[], psk: string): string {
  const lines = connections.map((c) => `${c.local} ${c.remote} : PSK ${secretLiteral(psk)}`);
  return `# Generated by dpd-harness. Holds the PSK: mode 0600, inside the lab's private work directory.\n${lines.join('\n')}\n`;
}
