/**
 * The IKEv2 half of `profile from-ios`: for a crypto map entry with `set ikev2-profile`, the
 * profile's ike.version 2 lines (IKEv2 proposals from the policies' proposals), its PSK (from
 * the IKEv2 profile's keyring) and its ikev2_dpd section (the profile's `dpd`, else the global
 * `crypto ikev2 dpd`). profile-from-ios.ts writes the rest (target, ESP, selectors). Pure.
 */
import { ConfigError } from '../errors.js';
import type { Ikev2Proposal } from '../profile/device-profile.js';
import { IKEV2_RETRANSMISSIONS } from '../profile/ikev2-liveness-schedule.js';
import { keyCoversPeer, type IosWarning } from './ios-config.js';
import type { IosIkev2Config, IosIkev2KeyringPeer, IosIkev2Profile, IosIkev2Proposal } from './ios-ikev2-config.js';

export interface Ikev2Sections {
  /** Lines under `ike:` before the ESP ones. */
  ike: string[];
  ikeLifetime: number;
  dpd: string[];
  warnings: IosWarning[];
  /** The keyring's key for the peers, for --psk-inline only. */
  inlineKey: () => string;
}

const ENCRYPTION: Partial<Record<string, Ikev2Proposal['encryption'][number]>> = {
  'aes-cbc-128': 'aes-cbc-128', 'aes-cbc-256': 'aes-cbc-256', 'aes-gcm-128': 'aes-gcm-16-128', 'aes-gcm-256': 'aes-gcm-16-256',
};
const INTEGRITY: Partial<Record<string, Ikev2Proposal['integrity'][number]>> = { sha1: 'hmac-sha1-96', sha256: 'hmac-sha2-256-128' };
const PRF: Partial<Record<string, Ikev2Proposal['prf'][number]>> = { sha1: 'hmac-sha1', sha256: 'hmac-sha2-256' };
/** RFC 3526 §3 / RFC 5903 §3: D-H groups 14, 19, 20. */
const GROUP: Partial<Record<number, Ikev2Proposal['group'][number]>> = { 14: 'modp2048', 19: 'ecp256', 20: 'ecp384' };

interface Where {
  file: string;
  line: number;
  col: number;
}

const ioserr = (at: Where, message: string): ConfigError => new ConfigError('ERR_CONFIG_IOS', at, message);

/** One IOS proposal as profile proposals: its CBC and GCM ciphers apart (GCM takes no integrity, RFC 5282). */
function convert(p: IosIkev2Proposal, warnings: IosWarning[]): Ikev2Proposal[] {
  const keep = <T>(list: { value: string | number; line: number; col: number }[], map: Partial<Record<string | number, T>>, what: string): T[] =>
    list.flatMap((x) => {
      const v = map[x.value];
      if (v === undefined) warnings.push({ line: x.line, col: x.col, message: `ikev2 proposal ${p.name}: ${what} ${x.value} left out (the fake peer does not offer it)` });
      return v === undefined ? [] : [v];
    });
  const encryption = keep(p.encryption, ENCRYPTION, 'encryption');
  const integrity = keep(p.integrity, INTEGRITY, 'integrity');
  // Without a `prf` line IOS takes the PRFs from the integrity algorithms.
  const prf = keep(p.prf.length > 0 ? p.prf : p.integrity, PRF, 'prf');
  const group = keep(p.group, GROUP, 'group');
  const cbc = encryption.filter((e) => e.startsWith('aes-cbc'));
  const gcm = encryption.filter((e) => e.startsWith('aes-gcm'));
  const out: Ikev2Proposal[] = [];
  if (cbc.length > 0 && integrity.length > 0) out.push({ encryption: cbc, integrity, prf, group });
  if (gcm.length > 0) out.push({ encryption: gcm, integrity: [], prf, group });
  return prf.length > 0 && group.length > 0 ? out : [];
}

const list = (xs: readonly string[]): string => `[${xs.join(', ')}]`;

function proposalLines(file: string, v2: IosIkev2Config, warnings: IosWarning[]): string[] {
  if (v2.policies.length === 0) return ['  # no crypto ikev2 policy in the file: IOS uses its default policy; the profile default proposal applies'];
  const names = [...new Set(v2.policies.flatMap((p) => p.proposals.map((x) => x.value)))];
  const proposals = names.flatMap((name) => {
    const p = v2.proposals.find((x) => x.name === name);
    if (!p) {
      const ref = v2.policies.flatMap((x) => x.proposals).find((x) => x.value === name)!;
      warnings.push({ line: ref.line, col: ref.col, message: `ikev2 proposal ${name} is not in the file` });
      return [];
    }
    return convert(p, warnings);
  });
  if (proposals.length === 0) throw ioserr({ file, line: v2.policies[0]!.line, col: 1 }, 'no crypto ikev2 proposal the fake peer can offer (AES-CBC-128/256 with SHA-1/SHA-256, AES-GCM-128/256; groups 14, 19, 20)');
  return [
    `  ikev2_proposals:   # crypto ikev2 policy ${v2.policies.map((p) => p.name).join(', ')}: proposal ${names.join(', ')}`,
    ...proposals.map((p) => `    - { encryption: ${list(p.encryption)}${p.integrity.length > 0 ? `, integrity: ${list(p.integrity)}` : ''}, prf: ${list(p.prf)}, group: ${list(p.group)} }`),
  ];
}

function keyringKey(file: string, v2: IosIkev2Config, profile: IosIkev2Profile, peers: string[]): string {
  const name = profile.keyring?.value;
  const ring = name === undefined ? undefined : v2.keyrings.get(name);
  if (!ring) throw ioserr({ file, line: profile.keyring?.line ?? profile.line, col: profile.keyring?.col ?? 1 }, `ikev2 profile ${profile.name}: ${name === undefined ? 'no `keyring local`' : `keyring ${name} is not in the file`}, so there is no key to put inline`);
  const covers = (k: IosIkev2KeyringPeer, peer: string): boolean => k.address !== undefined && k.key !== undefined && keyCoversPeer({ key: '', line: 0, ...k.address }, peer);
  const keys = peers.map((peer) => ring.find((k) => covers(k, peer)) ?? peer);
  const missing = keys.find((k): k is string => typeof k === 'string');
  if (missing) throw ioserr({ file, line: profile.keyring!.line, col: profile.keyring!.col }, `keyring ${name} has no peer with an address and a pre-shared-key covering ${missing}`);
  const found = keys as IosIkev2KeyringPeer[];
  // Only line numbers, never the keys.
  if (new Set(found.map((k) => k.key)).size > 1) throw ioserr({ file, line: found[1]!.keyLine!, col: 1 }, `the peers use different pre-shared keys (lines ${[...new Set(found.map((k) => k.keyLine))].join(', ')}); a profile holds one PSK`);
  return found[0]!.key!;
}

export function ikev2Sections(file: string, v2: IosIkev2Config, mapKey: string, peers: string[]): Ikev2Sections {
  const ref = v2.mapProfiles.get(mapKey)!;
  const profile = v2.profiles.find((p) => p.name === ref.value);
  if (!profile) throw ioserr({ file, line: ref.line, col: ref.col }, `set ikev2-profile ${ref.value}: no crypto ikev2 profile ${ref.value} in the file`);
  const notPsk = profile.authentication.find((a) => !a.value.endsWith(' pre-share'));
  if (notPsk) throw ioserr({ file, line: notPsk.line, col: notPsk.col }, `ikev2 profile ${profile.name}: authentication ${notPsk.value} (the fake peer authenticates with a pre-shared key)`);
  const warnings: IosWarning[] = [];
  for (const peer of peers) {
    if (profile.remoteAddresses.length > 0 && !profile.remoteAddresses.some((r) => keyCoversPeer({ key: '', line: 0, ...r.value }, peer))) {
      warnings.push({ line: profile.line, col: 1, message: `ikev2 profile ${profile.name}: no match identity remote address covers set peer ${peer}` });
    }
  }
  const ike = ['  version: 2   # set ikev2-profile ' + profile.name, ...proposalLines(file, v2, warnings)];
  if (profile.localId) ike.push(`  remote_id: ${JSON.stringify(profile.localId.value)}   # line ${profile.localId.line}: identity local`);
  const lifetime = profile.lifetime ?? 86400;

  const dpd = profile.dpd ?? v2.dpd;
  if (!dpd) throw ioserr({ file, line: profile.line, col: 1 }, `no \`crypto ikev2 dpd\` and no \`dpd\` in ikev2 profile ${profile.name}: DPD is off on this router, so there is no DPD behaviour to test`);
  const d = dpd.value;
  const source = profile.dpd ? `line ${dpd.line}: dpd ${d.interval} ${d.retryInterval} ${d.mode} in ikev2 profile ${profile.name}` : `line ${dpd.line}: crypto ikev2 dpd ${d.interval} ${d.retryInterval} ${d.mode}`;
  const dpdLines = [
    'ikev2_dpd:',
    `  mode: ${d.mode}   # ${source}`,
    `  interval: ${d.interval}`,
    '  retransmit:',
    `    cisco: { retry_interval: ${d.retryInterval}, retransmissions: ${IKEV2_RETRANSMISSIONS} }   # docs/ikev2-liveness.md: what Cisco states about the count; measure your router`,
    '  delete_on_dead: false   # not documented for IKEv2: set it once measured',
    `  action: clear${peers.length > 1 ? '   # the set peer list is not modelled as IKEv2 failover: the first peer is tested' : ''}`,
    '  tolerance: { absolute: 0.5, relative: 0.05 }',
  ];
  return { ike, ikeLifetime: lifetime, dpd: dpdLines, warnings, inlineKey: () => keyringKey(file, v2, profile, peers) };
}
