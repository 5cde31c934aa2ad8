/**
 * Turns a parsed IOS XE crypto configuration into a device profile (YAML text,
 * schema/profile.schema.json) for testing that router as an `external` target:
 * the fake peer plays the crypto map's `set peer` addresses, in failover order.
 * Pure: the caller reads the file and prints the result.
 */
import { ConfigError } from '../errors.js';
import type { EspProposalSpec, IkeProposal, TrafficSelector } from '../profile/device-profile.js';
import { aclSelectors } from './ios-acl.js';
import { espProposal } from './ios-transform.js';
import { PROBES_BEFORE_DEAD } from './keepalive-config.js';
import { keyCoversPeer, type CryptoMapEntry, type IosCryptoConfig, type IosWarning, type IsakmpPolicy } from './ios-config.js';
import type { IosIkev2Config } from './ios-ikev2-config.js';
import { ikev2Sections } from './profile-from-ios-v2.js';

/**
 * Where the generated profile gets the PSK. Default `env`: the key stays out of the
 * profile (and out of version control); `inline` copies it in only when asked.
 */
export type PskSource = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'inline' };

export interface ProfileFromIosOptions {
  /** `NAME` or `NAME:SEQ` of the crypto map entry to test; needed when the file has more than one entry with `set peer`. */
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

const describe = (m: CryptoMapEntry): string => `${m.name}:${m.seq} (line ${m.line}, peer ${m.peers.map((p) => p.value).join(' ') || 'none'})`;

/**
 * One profile tests one crypto map entry: one peer list, one ACL. With several
 * entries the user names one, as `show crypto map` lists them (NAME and sequence).
 */
function chooseMap(config: IosCryptoConfig, wanted: string | undefined): CryptoMapEntry {
  const usable = config.cryptoMaps.filter((m) => m.peers.length > 0);
  const all = config.cryptoMaps.map(describe).join(', ') || 'none';
  if (wanted === undefined) {
    if (usable.length === 1) return usable[0]!;
    if (usable.length === 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), 'no `crypto map NAME SEQ ipsec-isakmp` entry with `set peer` lines: nothing tells which peers the router talks to');
    throw new ConfigError('ERR_CONFIG_IOS', where(config, usable[1]!.line), `${usable.length} crypto map entries with peers: ${usable.map(describe).join(', ')}; choose one with --map NAME:SEQ`);
  }
  const [name, seq] = wanted.split(':');
  const found = config.cryptoMaps.filter((m) => m.name === name && (seq === undefined || String(m.seq) === seq));
  if (found.length === 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), `no crypto map entry '${wanted}' (found: ${all})`);
  if (found.length > 1) throw new ConfigError('ERR_CONFIG_IOS', where(config, found[1]!.line), `crypto map ${name} has ${found.length} entries: ${found.map(describe).join(', ')}; choose one with --map ${name}:SEQ`);
  const entry = found[0]!;
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

/** With `ikev2` (parseIosIkev2 of the same text), an entry with `set ikev2-profile` gives an ike.version 2 profile. */
export function profileFromIos(config: IosCryptoConfig, options: ProfileFromIosOptions, ikev2?: IosIkev2Config): string {
  const map = chooseMap(config, options.map);
  const v2 = ikev2?.mapProfiles.has(`${map.name}:${map.seq}`) ? ikev2 : undefined;
  const ka = config.keepalive;
  if (!ka && !v2) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), 'no `crypto isakmp keepalive` line: DPD is off on this router, so there is no DPD behaviour to test');
  }
  const peers = map.peers.map((p) => p.value);
  const address = options.address ?? config.interfaces.find((i) => i.cryptoMap === map.name && i.address)?.address;
  if (!address) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, map.line), `no interface with \`crypto map ${map.name}\` and an \`ip address\`: give the router's address with --address`);
  }

  const quick = quickMode(config, map);
  const v2sections = v2 && ikev2Sections(config.file, v2, `${map.name}:${map.seq}`, peers);
  // ios-config.ts reports the `crypto ikev2` lines as not read; the IKEv2 reader has read them.
  const v1notes = config.warnings.filter((n) => !ikev2?.lines.has(n.line));
  const notes = [...v1notes, ...quick.warnings, ...(ikev2?.warnings ?? []), ...(v2sections?.warnings ?? [])].sort((a, b) => a.line - b.line || a.col - b.col);
  const out: string[] = [];
  out.push('# yaml-language-server: $schema=../schema/profile.schema.json');
  out.push(`# Derived by \`dpd-harness profile from-ios\` from ${config.file} (crypto map ${map.name} ${map.seq}).`);
  out.push(v2sections ? '# Values and defaults: Cisco IOS XE `crypto ikev2` configuration and command reference (docs/ikev2-liveness.md).' : '# Values and defaults: Cisco "IPsec Dead Peer Detection Periodic Message Option".');
  out.push(...notes.map((n) => `# note, line ${n.line}:${n.col}: ${n.message}`));
  out.push(`identity: { vendor: Cisco, product: IOS XE, version: ${q(`from ${config.file}`)} }`);
  out.push('target:');
  out.push('  kind: external');
  out.push(`  address: ${q(address)}`);
  out.push(`  peer_addresses: [${peers.map(q).join(', ')}]   # set peer, in failover order`);

  const v1 = v2sections ? undefined : isakmpLines(config);
  out.push('ike:');
  out.push(...(v2sections?.ike ?? v1!.lines));
  const esp = quick.esp.length > 0 ? quick.esp : map.transformSets.length === 0 ? DEFAULT_ESP : [];
  if (esp.length > 0) {
    out.push(`  esp_proposals:   # ${map.transformSets.length > 0 ? `set transform-set ${map.transformSets.join(' ')}` : 'no set transform-set: the IOS default transform sets'}`);
    for (const p of esp) out.push(`    - { encryption: ${p.encryption}, integrity: ${p.integrity} }`);
  } else out.push('  # esp_proposals: the profile defaults apply (the transform sets are not in the file)');
  if (quick.pfs) out.push(`  pfs_group: ${quick.pfs}   # set pfs group${map.pfs!.value}`);
  if (quick.selectors.length > 0) {
    out.push(`  traffic_selectors:   # match address ${map.matchAddress!.value}: local = ACL destination (behind the fake peer), remote = ACL source (behind the router)`);
    for (const t of quick.selectors) {
      out.push(`    - { local: ${t.local}, remote: ${t.remote}${t.protocol ? `, protocol: ${t.protocol}` : ''}${t.port ? `, port: ${t.port}` : ''} }`);
    }
  }
  out.push(`  lifetime: { ike: ${v2sections?.ikeLifetime ?? v1!.lifetime}, ipsec: ${map.lifetimeSeconds ?? config.ipsecLifetime} }`);
  out.push(...(v2sections ? pskLines(options.psk, 'ikev2 keyring pre-shared-key', v2sections.inlineKey) : pskLines(options.psk, 'crypto isakmp key', () => isakmpKey(config, peers))));
  out.push(...(v2sections?.dpd ?? keepaliveLines(ka!, map, peers)));
  return `${out.join('\n')}\n`;
}

/** `crypto isakmp policy` by priority as the IKEv1 proposals, and the first one's lifetime. */
function isakmpLines(config: IosCryptoConfig): { lines: string[]; lifetime: number } {
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
  const lines = skipped.map((s) => `  ${s}`);
  if (proposals.length > 0) {
    lines.push('  proposals:   # crypto isakmp policy, by priority');
    for (const p of proposals) lines.push(`    - { encryption: ${p.encryption}, hash: ${p.hash}, group: ${p.group} }`);
  } else lines.push('  # no crypto isakmp policy in the file: the profile defaults apply (IOS has its own default policies)');
  return { lines, lifetime: lifetimes[0] ?? 86400 };
}

function keepaliveLines(ka: NonNullable<IosCryptoConfig['keepalive']>, map: CryptoMapEntry, peers: string[]): string[] {
  const k = ka.value;
  const out = [
    'dpd:',
    `  mode: ${k.mode}   # line ${ka.line}: crypto isakmp keepalive ${k.seconds} ${k.retrySeconds}${k.mode === 'periodic' ? ' periodic' : ''}`,
    `  interval: ${k.seconds}`,
    `  retry_interval: ${k.retrySeconds}`,
    `  probes_before_dead: ${PROBES_BEFORE_DEAD}   # "Five aggressive DPD retry messages can be missed before the tunnel is marked as down"`,
    '  dead_time_from: first-unanswered-probe',
    '  retry_seq: increment',
    '  delete_on_dead: true   # "the router deletes the IPsec and IKE SAs to the peer"',
  ];
  if (peers.length > 1) {
    out.push('  action: failover   # "the router will switch over to the next listed peer"');
    out.push(`  peers: [${peers.map((_, i) => i).join(', ')}]`);
    out.push(`  failover: { mechanism: ${q(`crypto map ${map.name} ${map.seq} set peer list`)}, within: ${FAILOVER_WITHIN} }   # bound not documented by Cisco: adjust to your requirement`);
  } else {
    out.push('  action: clear   # one peer: SAs deleted, re-established only when traffic needs them');
  }
  out.push('  tolerance: { absolute: 0.5, relative: 0.05 }');
  return out;
}

/** IOS default transform sets when the entry names none (`#$!default_transform_set_1` / `_0`). */
const DEFAULT_ESP: EspProposalSpec[] = [{ encryption: 'aes-128', integrity: 'sha1' }, { encryption: '3des', integrity: 'sha1' }];

interface QuickMode {
  esp: EspProposalSpec[];
  pfs?: IkeProposal['group'];
  selectors: TrafficSelector[];
  warnings: IosWarning[];
}

/** The Quick Mode side of the entry: ESP proposals from its transform sets, PFS, selectors from its ACL. */
function quickMode(config: IosCryptoConfig, map: CryptoMapEntry): QuickMode {
  const warnings: IosWarning[] = [];
  const esp: EspProposalSpec[] = [];
  const skipped: string[] = [];
  for (const name of map.transformSets) {
    const set = config.transformSets.find((t) => t.name === name);
    if (!set) {
      // An excerpt rather than a whole running-config (IOS refuses `set transform-set` naming an undefined set).
      warnings.push({ line: map.line, col: 1, message: `crypto map ${map.name} ${map.seq}: transform set ${name} is not in the file` });
      continue;
    }
    const r = espProposal(set);
    if ('proposal' in r) esp.push(r.proposal);
    else {
      skipped.push(`transform-set ${name} (line ${set.line}): ${r.skipped}`);
      warnings.push({ line: set.line, col: 1, message: `transform-set ${name} left out: ${r.skipped}` });
    }
    if (set.mode === 'transport') warnings.push({ line: set.line, col: 1, message: `transform-set ${name}: mode transport (the fake peer proposes tunnel mode, which IOS also accepts)` });
  }
  if (skipped.length > 0 && esp.length === 0) {
    throw new ConfigError('ERR_CONFIG_IOS', where(config, map.line), `crypto map ${map.name} ${map.seq}: no transform set the fake peer can offer:\n${skipped.join('\n')}`);
  }
  let pfs: IkeProposal['group'] | undefined;
  if (map.pfs) {
    pfs = GROUPS[map.pfs.value];
    if (!pfs) throw new ConfigError('ERR_CONFIG_IOS', where(config, map.pfs.line, map.pfs.col), `set pfs group${map.pfs.value}: the fake peer's PFS groups are 2, 5, 14, 15 and 16 (modp1024…modp4096)`);
  }
  let selectors: TrafficSelector[] = [];
  const acl = map.matchAddress;
  if (acl) {
    const lines = config.acls.get(acl.value);
    if (!lines) {
      warnings.push({ line: acl.line, col: acl.col, message: `access list ${acl.value} is not in the file: no traffic_selectors (host-to-host)` });
    } else {
      const r = aclSelectors(config.file, acl.value, lines);
      warnings.push(...r.warnings);
      if (r.selectors.length === 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, acl.line, acl.col), `access list ${acl.value} has no permit entry the fake peer can propose`);
      selectors = r.selectors;
    }
  }
  return { esp, ...(pfs ? { pfs } : {}), selectors, warnings };
}

/** `keyName` says where the user finds the key on the router; `inlineKey` reads it only for --psk-inline. */
function pskLines(source: PskSource, keyName: string, inlineKey: () => string): string[] {
  if (source.kind === 'env') return [`psk: { env: ${source.name} }   # export ${source.name}=<${keyName} of the peers>`];
  if (source.kind === 'file') return [`psk: { file: ${q(source.path)} }`];
  return [`psk: { value: ${q(inlineKey())} }   # inline on request (--psk-inline): keep this file private`];
}

/** The one `crypto isakmp key` (or keyring key) covering every peer. */
function isakmpKey(config: IosCryptoConfig, peers: string[]): string {
  const keys = peers.map((peer) => config.keys.find((k) => keyCoversPeer(k, peer)));
  const missing = keys.findIndex((k) => k === undefined);
  if (missing >= 0) throw new ConfigError('ERR_CONFIG_IOS', where(config, 1), `no \`crypto isakmp key … address\` covers peer ${peers[missing]}, so there is no key to put inline`);
  const distinct = new Set(keys.map((k) => k!.key));
  if (distinct.size > 1) {
    const second = keys.find((k) => k!.key !== keys[0]!.key)!;
    // The message names lines, never the keys.
    throw new ConfigError('ERR_CONFIG_IOS', where(config, second.line), `the peers use different pre-shared keys (lines ${[...new Set(keys.map((k) => k!.line))].join(', ')}); a profile holds one PSK`);
  }
  return keys[0]!.key;
}
