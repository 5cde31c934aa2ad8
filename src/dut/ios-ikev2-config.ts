/**
 * Reads the IOS XE `crypto ikev2 …` configuration (pure: text in, typed config out): proposals,
 * policies, keyrings, profiles, the global `crypto ikev2 dpd`, and which crypto map entries use
 * which IKEv2 profile (`set ikev2-profile`). ios-config.ts reads the rest of the file; every line
 * read here is listed in `lines`, so the warnings it gives about them can be dropped.
 * Command syntax and ranges: Cisco IOS XE "Configuring Internet Key Exchange Version 2 (IKEv2)
 * and FlexVPN Site-to-Site" and the `crypto ikev2 dpd` command reference (docs/ikev2-liveness.md).
 * A pre-shared key is kept for an explicit --psk-inline only; no error excerpt ever shows it.
 */
import { ConfigError } from '../errors.js';
import type { IosWarning, Located } from './ios-config.js';

export type Ikev2DpdMode = 'on-demand' | 'periodic';

export interface Ikev2DpdLine {
  interval: number;
  retryInterval: number;
  mode: Ikev2DpdMode;
}

export interface IosIkev2Proposal {
  name: string;
  line: number;
  encryption: Located<string>[];
  integrity: Located<string>[];
  prf: Located<string>[];
  group: Located<number>[];
}

export interface IosIkev2Policy {
  name: string;
  line: number;
  proposals: Located<string>[];
}

export interface IosIkev2KeyringPeer {
  name: string;
  line: number;
  address?: { address: string; mask: string };
  /** Never logged: copied into a profile only with --psk-inline. */
  key?: string;
  keyLine?: number;
}

export interface IosIkev2Profile {
  name: string;
  line: number;
  remoteAddresses: Located<{ address: string; mask: string }>[];
  localId?: Located<string>;
  authentication: Located<string>[];
  keyring?: Located<string>;
  dpd?: Located<Ikev2DpdLine>;
  lifetime?: number;
}

export interface IosIkev2Config {
  proposals: IosIkev2Proposal[];
  policies: IosIkev2Policy[];
  keyrings: Map<string, IosIkev2KeyringPeer[]>;
  profiles: IosIkev2Profile[];
  /** Global `crypto ikev2 dpd`; a profile's own `dpd` overrides it. */
  dpd?: Located<Ikev2DpdLine>;
  /** `NAME:SEQ` of a crypto map entry → its `set ikev2-profile`. */
  mapProfiles: Map<string, Located<string>>;
  warnings: IosWarning[];
  /** Every line this reader consumed. */
  lines: Set<number>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** `crypto ikev2 dpd` ranges as Cisco documents them: interval 10–3600 s, retry-interval 2–60 s. */
export const IKEV2_DPD_INTERVAL = { min: 10, max: 3600 };
export const IKEV2_DPD_RETRY = { min: 2, max: 60 };

interface Token {
  text: string;
  col: number;
}

type Block =
  | { kind: 'proposal'; p: IosIkev2Proposal }
  | { kind: 'policy'; p: IosIkev2Policy }
  | { kind: 'keyring'; peers: IosIkev2KeyringPeer[]; peer?: IosIkev2KeyringPeer }
  | { kind: 'profile'; p: IosIkev2Profile }
  | { kind: 'map'; key: string }
  | { kind: 'other' };

export function parseIosIkev2(text: string, file: string): IosIkev2Config {
  const config: IosIkev2Config = { proposals: [], policies: [], keyrings: new Map(), profiles: [], mapProfiles: new Map(), warnings: [], lines: new Set() };
  let block: Block = { kind: 'other' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const tokens = [...raw.matchAll(/\S+/g)].map((m) => ({ text: m[0], col: m.index + 1 }));
    const w = tokens.map((t) => t.text);
    const fail = (at: Token | undefined, message: string): never => {
      // A key line's excerpt would show the key: such lines are reported without one.
      const secret = w.includes('pre-shared-key');
      throw new ConfigError('ERR_CONFIG_IOS', { file, line: lineNo, col: at?.col ?? raw.trimEnd().length + 1, ...(secret ? {} : { excerpt: raw }) }, message);
    };
    const int = (n: number, what: string, range?: { min: number; max: number }): number => {
      const t = tokens[n] ?? fail(undefined, `missing ${what}`);
      if (!/^\d+$/.test(t.text)) fail(t, `${what} must be a whole number, got '${t.text}'`);
      const v = Number(t.text);
      if (range && (v < range.min || v > range.max)) fail(t, `${what} ${v} is outside ${range.min}–${range.max}`);
      return v;
    };
    const ipv4 = (n: number, what: string): string => {
      const t = tokens[n] ?? fail(undefined, `missing ${what}`);
      if (!IPV4.test(t.text)) fail(t, `${what} must be an IPv4 address, got '${t.text}'`);
      return t.text;
    };
    const dpdLine = (n: number): Ikev2DpdLine => {
      // dpd <interval> <retry-interval> {on-demand | periodic}
      const interval = int(n, 'DPD interval', IKEV2_DPD_INTERVAL);
      const retryInterval = int(n + 1, 'DPD retry-interval', IKEV2_DPD_RETRY);
      const mode = w[n + 2];
      if (mode !== 'on-demand' && mode !== 'periodic') fail(tokens[n + 2], `expected 'on-demand' or 'periodic', got '${mode ?? ''}'`);
      if (tokens[n + 3]) fail(tokens[n + 3], `unexpected '${w[n + 3]}'`);
      return { interval, retryInterval, mode: mode as Ikev2DpdMode };
    };
    const at = <T>(value: T, n = 0): Located<T> => ({ value, line: lineNo, col: tokens[n]!.col });
    const warn = (message: string): void => {
      config.warnings.push({ line: lineNo, col: tokens[0]!.col, message });
    };

    if (tokens.length === 0 || w[0]!.startsWith('!')) {
      if (w[0]?.startsWith('!')) block = { kind: 'other' };
      return;
    }
    if (/^\s/.test(raw)) {
      if (block.kind === 'other' || w[0] === 'description') return;
      if (block.kind === 'map') {
        // The entry's other lines are ios-config.ts's.
        if (w[0] === 'set' && w[1] === 'ikev2-profile') {
          config.lines.add(lineNo);
          config.mapProfiles.set(block.key, at(w[2] ?? fail(undefined, 'missing IKEv2 profile name'), 2));
        }
        return;
      }
      config.lines.add(lineNo);
      if (block.kind === 'proposal') proposalLine(block.p, w, tokens, lineNo, { fail, warn });
      else if (block.kind === 'policy') {
        if (w[0] === 'proposal') block.p.proposals.push(...tokens.slice(1).map((t) => ({ value: t.text, line: lineNo, col: t.col })));
        else if (w[0] !== 'match') warn(`ikev2 policy ${block.p.name}: '${w.join(' ')}' not read`);
      } else if (block.kind === 'keyring') {
        if (w[0] === 'peer') {
          block.peer = { name: w[1] ?? '', line: lineNo };
          block.peers.push(block.peer);
        } else if (!block.peer) warn(`'${w.join(' ')}' outside a peer block not read`);
        else if (w[0] === 'address') block.peer.address = { address: ipv4(1, 'peer address'), mask: tokens[2] ? ipv4(2, 'peer address mask') : '255.255.255.255' };
        else if (w[0] === 'pre-shared-key') {
          // pre-shared-key [local | remote] [0 | 6] <key>: one key for both directions is what a profile can hold.
          let n = 1;
          if (w[n] === 'local' || w[n] === 'remote') warn(`keyring peer ${block.peer.name}: a ${w[n++]}-only key (a profile holds one PSK for both directions)`);
          if (w[n] === '6' && tokens[n + 1]) fail(tokens[n], "key type 6 is encrypted with the router's master key: paste the key in clear text (type 0), or give the profile a psk env/file yourself");
          if (w[n] === '0' && tokens[n + 1]) n++;
          if (!tokens[n]) fail(undefined, 'missing pre-shared key');
          block.peer.key = w[n];
          block.peer.keyLine = lineNo;
        } else if (w[0] !== 'identity' && w[0] !== 'hostname') warn(`keyring peer ${block.peer.name}: '${w.join(' ')}' not read`);
      } else profileLine(block.p, w, tokens, { fail, ipv4, int, at, warn, dpdLine });
      return;
    }
    block = { kind: 'other' };
    if (w[0] === 'crypto' && w[1] === 'map' && /^\d+$/.test(w[3] ?? '')) {
      block = { kind: 'map', key: `${w[2]}:${w[3]}` };
      return;
    }
    if (w[0] !== 'crypto' || w[1] !== 'ikev2') return;
    config.lines.add(lineNo);
    const name = (): string => w[3] ?? fail(undefined, `missing ${w[2]} name`);
    if (w[2] === 'proposal') {
      const p: IosIkev2Proposal = { name: name(), line: lineNo, encryption: [], integrity: [], prf: [], group: [] };
      config.proposals.push(p);
      block = { kind: 'proposal', p };
    } else if (w[2] === 'policy') {
      const p: IosIkev2Policy = { name: name(), line: lineNo, proposals: [] };
      config.policies.push(p);
      block = { kind: 'policy', p };
    } else if (w[2] === 'keyring') {
      const peers: IosIkev2KeyringPeer[] = [];
      config.keyrings.set(name(), peers);
      block = { kind: 'keyring', peers };
    } else if (w[2] === 'profile') {
      const p: IosIkev2Profile = { name: name(), line: lineNo, remoteAddresses: [], authentication: [] };
      config.profiles.push(p);
      block = { kind: 'profile', p };
    } else if (w[2] === 'dpd') config.dpd = at(dpdLine(3));
    else warn(`'${w.slice(0, 4).join(' ')}' not read`);
  });
  return config;
}

const ENCRYPTIONS = ['aes-cbc-128', 'aes-cbc-192', 'aes-cbc-256', 'aes-gcm-128', 'aes-gcm-256', '3des', 'des'];
const HASHES = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];
const GROUPS = [1, 2, 5, 14, 15, 16, 19, 20, 21, 24];

function proposalLine(p: IosIkev2Proposal, w: string[], tokens: Token[], lineNo: number, { fail, warn }: Pick<ProfileTools, 'fail' | 'warn'>): void {
  const list = (allowed: readonly string[], what: string): Located<string>[] => {
    if (tokens.length < 2) fail(undefined, `missing ${what}`);
    return tokens.slice(1).map((t) => {
      if (!allowed.includes(t.text)) fail(t, `unknown ${what} '${t.text}' (${allowed.join(', ')})`);
      return { value: t.text, line: lineNo, col: t.col };
    });
  };
  if (w[0] === 'encryption') p.encryption.push(...list(ENCRYPTIONS, 'encryption'));
  else if (w[0] === 'integrity') p.integrity.push(...list(HASHES, 'integrity'));
  else if (w[0] === 'prf') p.prf.push(...list(HASHES, 'prf'));
  else if (w[0] === 'group') p.group.push(...list(GROUPS.map(String), 'group').map((g) => ({ ...g, value: Number(g.value) })));
  else warn(`ikev2 proposal ${p.name}: '${w.join(' ')}' not read`);
}

interface ProfileTools {
  fail: (at: Token | undefined, message: string) => never;
  ipv4: (n: number, what: string) => string;
  int: (n: number, what: string, range?: { min: number; max: number }) => number;
  at: <T>(value: T, n?: number) => Located<T>;
  warn: (message: string) => void;
  dpdLine: (n: number) => Ikev2DpdLine;
}

function profileLine(p: IosIkev2Profile, w: string[], tokens: Token[], { fail, ipv4, int, at, warn, dpdLine }: ProfileTools): void {
  const words = w.join(' ');
  if (words.startsWith('match identity remote address ')) {
    p.remoteAddresses.push(at({ address: ipv4(4, 'remote identity address'), mask: tokens[5] ? ipv4(5, 'remote identity mask') : '255.255.255.255' }, 4));
  } else if (words.startsWith('identity local address ')) p.localId = at(ipv4(3, 'local identity address'), 3);
  else if (words.startsWith('identity local fqdn ')) p.localId = at(w[3]!, 3);
  else if (w[0] === 'authentication' && (w[1] === 'local' || w[1] === 'remote')) p.authentication.push(at(`${w[1]} ${w[2] ?? fail(undefined, 'missing authentication method')}`, 2));
  else if (w[0] === 'keyring' && w[1] === 'local') p.keyring = at(w[2] ?? fail(undefined, 'missing keyring name'), 2);
  else if (w[0] === 'dpd') p.dpd = at(dpdLine(1));
  else if (w[0] === 'lifetime') p.lifetime = int(1, 'IKEv2 SA lifetime', { min: 120, max: 86400 });
  else warn(`ikev2 profile ${p.name}: '${words}' not read`);
}
