/**
 * Turns a parsed IOS XE crypto configuration into a device profile (YAML text,
 * schema/profile.schema.json) for testing that router as an `external` target:
 * the fake peer plays the crypto map's `set peer` addresses, in failover order.
 * Pure: the caller reads the file and prints the result.
 */
import { ConfigError } from '../errors.js';
import type { IkeProposal } from '../profile/device-profile.js';
import { PROBES_BEFORE_DEAD } from './keepalive-config.js';
import { keyCoversPeer, type CryptoMapEntry, type IosCryptoConfig, type IsakmpPolicy } from './ios-config.js';

/**
 * Where the generated profile gets the PSK. Default `env`: the key stays out of the
 * profile (and out of version control); `inline` copies it in only when asked.
 */
export type PskSource = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'inline' };

export interface ProfileFromIosOptions {
  /** `NAME` or `NAME:SEQ` of the crypto map entry to test; default the first entry with `set peer`s. */
  map?: string;
  /** The router's address as the fake peer reaches it; default the address of the interface the map is applied to. */
  address?: string;
  psk: PskSource;
}

export const DEFAULT_PSK_ENV = 'DPD_HARNESS_PSK';

const HASHES: Record<IsakmpPolicy['hash'], IkeProposal['hash']> = { md5: 'md5', sha: 'sha1', sha256: 'sha2-256', sha384: 'sha2-384', sha512: 'sha2-512' };
/** RFC 2409 §6.1–6.2 / RFC 3526 §2–5: the MODP groups the profile schema can name. */
const GROUPS: Partial<Record<number, IkeProposal['group']>> = { 2: 'modp1024', 5: 'modp1536', 14: 'modp2048', 15: 'modp3072', 16: 'modp4096' };

/** Seconds from the dead declaration to Main Mode towards the next peer. Cisco documents no bound; this one is the harness's choice. */
export const FAILOVER_WITHIN = 5;

function where(config: IosCryptoConfig, line: number, col = 1): { file: string; line: number; col: number } {
  return { file: config.file, line, col };
}

function chooseMap(config: IosCryptoConfig, wanted: string | undefined): CryptoMapEntry {
  if (wanted === undefined) {
    const entry = config.cryptoMaps.find((m) => m.peers.length > 0);
    if (!entry) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), 'no `crypto map NAME SEQ ipsec-isakmp` entry with `set peer` lines: nothing tells which peers the router talks to');
    return entry;
  }
  const [name, seq] = wanted.split(':');
  const entry = config.cryptoMaps.find((m) => m.name === name && (seq === undefined || String(m.seq) === seq));
  if (!entry) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), `no crypto map entry '${wanted}' (found: ${config.cryptoMaps.map((m) => `${m.name}:${m.seq}`).join(', ') || 'none'})`);
  if (entry.peers.length === 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, entry.line), `crypto map ${entry.name} ${entry.seq} has no \`set peer\``);
  return entry;
}

function proposal(p: IsakmpPolicy): { proposal: IkeProposal } | { skipped: string } {
  if (p.authentication !== 'pre-share') return { skipped: `authentication ${p.authentication} (the fake peer authenticates with a pre-shared key)` };
  const group = GROUPS[p.group];
  if (!group) return { skipped: `group ${p.group} (not a MODP group the profile schema names)` };
  if (p.encryption.cipher === 'des') return { skipped: 'encryption des' };
  const encryption: IkeProposal['encryption'] = p.encryption.cipher === '3des' ? '3des' : `aes-${p.encryption.bits ?? 128}`;
  return { proposal: { encryption, hash: HASHES[p.hash], group } };
}

const q = (s: string): string => JSON.stringify(s);

export function profileFromIos(config: IosCryptoConfig, options: ProfileFromIosOptions): string {
  const ka = config.keepalive;
  if (!ka) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), 'no `crypto isakmp keepalive` line: DPD is off on this router, so there is no DPD behaviour to test');
  }
  const map = chooseMap(config, options.map);
  const peers = map.peers.map((p) => p.value);
  const address = options.address ?? config.interfaces.find((i) => i.cryptoMap === map.name && i.address)?.address;
  if (!address) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, map.line), `no interface with \`crypto map ${map.name}\` and an \`ip address\`: give the router's address with --address`);
  }

  const out: string[] = [];
  out.push('# yaml-language-server: $schema=../schema/profile.schema.json');
  out.push(`# Derived by \`dpd-harness profile from-ios\` from ${config.file} (crypto map ${map.name} ${map.seq}).`);
  out.push('# Values and defaults: Cisco "IPsec Dead Peer Detection Periodic Message Option".');
  out.push(`identity: { vendor: Cisco, product: IOS XE, version: ${q(`from ${config.file}`)} }`);
  out.push('target:');
  out.push('  kind: external');
  out.push(`  address: ${q(address)}`);
  out.push(`  peer_addresses: [${peers.map(q).join(', ')}]   # set peer, in failover order`);

  const proposals: IkeProposal[] = [];
  const lifetimes: number[] = [];
  const skipped: string[] = [];
  for (const p of [...config.policies].sort((a, b) => a.priority - b.priority)) {
    const r = proposal(p);
    if ('proposal' in r) {
      proposals.push(r.proposal);
      lifetimes.push(p.lifetime);
    } else skipped.push(`# crypto isakmp policy ${p.priority} (line ${p.line}) left out: ${r.skipped}`);
  }
  if (config.policies.length > 0 && proposals.length === 0) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, config.policies[0]!.line), `no crypto isakmp policy the fake peer can offer:\n${skipped.join('\n')}`);
  }
  out.push('ike:');
  out.push(...skipped.map((s) => `  ${s}`));
  if (proposals.length > 0) {
    out.push('  proposals:   # crypto isakmp policy, by priority');
    for (const p of proposals) out.push(`    - { encryption: ${p.encryption}, hash: ${p.hash}, group: ${p.group} }`);
  } else out.push('  # no crypto isakmp policy in the file: the profile defaults apply (IOS has its own default policies)');
  out.push(`  lifetime: { ike: ${lifetimes[0] ?? 86400}, ipsec: ${config.ipsecLifetime} }`);

  out.push(...pskLines(config, peers, options.psk));

  const k = ka.value;
  out.push('dpd:');
  out.push(`  mode: ${k.mode}   # line ${ka.line}: crypto isakmp keepalive ${k.seconds} ${k.retrySeconds}${k.mode === 'periodic' ? ' periodic' : ''}`);
  out.push(`  interval: ${k.seconds}`);
  out.push(`  retry_interval: ${k.retrySeconds}`);
  out.push(`  probes_before_dead: ${PROBES_BEFORE_DEAD}   # "Five aggressive DPD retry messages can be missed before the tunnel is marked as down"`);
  out.push('  dead_time_from: first-unanswered-probe');
  out.push('  retry_seq: increment');
  out.push('  delete_on_dead: true   # "the router deletes the IPsec and IKE SAs to the peer"');
  if (peers.length > 1) {
    out.push('  action: failover   # "the router will switch over to the next listed peer"');
    out.push(`  peers: [${peers.map((_, i) => i).join(', ')}]`);
    out.push(`  failover: { mechanism: ${q(`crypto map ${map.name} ${map.seq} set peer list`)}, within: ${FAILOVER_WITHIN} }   # bound not documented by Cisco: adjust to your requirement`);
  } else {
    out.push('  action: clear   # one peer: SAs deleted, re-established only when traffic needs them');
  }
  out.push('  tolerance: { absolute: 0.5, relative: 0.05 }');
  return `${out.join('\n')}\n`;
}

function pskLines(config: IosCryptoConfig, peers: string[], source: PskSource): string[] {
  if (source.kind === 'env') return [`psk: { env: ${source.name} }   # export ${source.name}=<crypto isakmp key of the peers>`];
  if (source.kind === 'file') return [`psk: { file: ${q(source.path)} }`];
  const keys = peers.map((peer) => config.keys.find((k) => keyCoversPeer(k, peer)));
  const missing = keys.findIndex((k) => k === undefined);
  if (missing >= 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), `no \`crypto isakmp key … address\` covers peer ${peers[missing]}, so there is no key to put inline`);
  const distinct = new Set(keys.map((k) => k!.key));
  if (distinct.size > 1) {
    const second = keys.find((k) => k!.key !== keys[0]!.key)!;
    // The message names lines, never the keys.
    throw new ConfigError('ERR_CONFIG_IOS', where(config, second.line), `the peers use different pre-shared keys (lines ${[...new Set(keys.map((k) => k!.line))].join(', ')}); a profile holds one PSK`);
  }
  return [`psk: { value: ${q(keys[0]!.key)} }   # inline on request (--psk-inline): keep this file private`];
}
