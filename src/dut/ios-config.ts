/**
 * Reads the IOS XE configuration lines that decide an IKEv1 peer's DPD behaviour
 * (pure: text in, typed config out). Lines of other features are skipped; a
 * supported command with a bad argument is a ConfigError at file:line:col.
 * Command syntax and ranges: the Cisco reference document "IPsec Dead Peer Detection
 * Periodic Message Option" (cisco-iosxe-dpd-periodic-message-option.md).
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_RETRY_SECONDS, KEEPALIVE_SECONDS, RETRY_SECONDS, type Keepalive } from './keepalive-config.js';

export interface Located<T> {
  value: T;
  line: number;
  col: number;
}

export interface IsakmpPolicy {
  priority: number;
  line: number;
  /** IOS defaults when the sub-command is absent: des, sha, rsa-sig, group 1, 86400 s. */
  encryption: { cipher: 'des' | '3des' | 'aes'; bits: 128 | 192 | 256 | undefined };
  hash: 'md5' | 'sha' | 'sha256' | 'sha384' | 'sha512';
  authentication: 'pre-share' | 'rsa-sig' | 'rsa-encr';
  group: number;
  lifetime: number;
}

export interface IsakmpKey {
  /** Never logged: only ever copied into a profile when the user asks for it inline. */
  key: string;
  address: string;
  mask: string;
  line: number;
}

export interface Token {
  text: string;
  col: number;
}

export interface TransformSet {
  name: string;
  transforms: string[];
  /** The transform tokens, for errors and warnings at line:col. */
  tokens: Token[];
  line: number;
  /** ` mode tunnel | transport`; IOS default tunnel. */
  mode: 'tunnel' | 'transport';
}

/** One line of an extended access list, kept as tokens: src/dut/ios-acl.ts reads it. */
export interface AclLine {
  tokens: Token[];
  line: number;
  /** The line as written, shown under an error. */
  text: string;
}

/** A crypto-related line that was not read, with why: printed in the profile so nothing is silently dropped. */
export interface IosWarning {
  line: number;
  col: number;
  message: string;
}

export interface CryptoMapEntry {
  name: string;
  seq: number;
  line: number;
  /** `set peer` addresses in failover order: a peer marked `default` first, then the rest as listed. */
  peers: Located<string>[];
  transformSets: string[];
  matchAddress?: Located<string>;
  /** `set pfs [groupN]`: the DH group number (bare `set pfs` is group 1). */
  pfs?: Located<number>;
  /** `set security-association lifetime seconds N`: overrides the global IPsec lifetime. */
  lifetimeSeconds?: number;
}

export interface IosCryptoConfig {
  file: string;
  keepalive?: Located<Keepalive>;
  policies: IsakmpPolicy[];
  keys: IsakmpKey[];
  transformSets: TransformSet[];
  cryptoMaps: CryptoMapEntry[];
  /** `crypto ipsec security-association lifetime seconds N`; IOS default 3600. */
  ipsecLifetime: number;
  /** Interfaces with an `ip address`, and the crypto map applied to them. */
  interfaces: { name: string; address?: string; cryptoMap?: string }[];
  /** Numbered (`access-list 101 …`) and named extended (`ip access-list extended NAME`) lists, by name. */
  acls: Map<string, AclLine[]>;
  warnings: IosWarning[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const REDACTED = '<redacted>';

/** The pre-shared key of a `crypto isakmp key [0|6] <key> address …` or keyring `pre-shared-key address … key [0|6] <key>` line. */
function keyToken(tokens: Token[]): Token | undefined {
  const w = tokens.map((t) => t.text);
  if (w[0] === 'pre-shared-key') {
    const k = w.indexOf('key');
    if (k < 0) return undefined;
    return w[k + 1] === '0' || w[k + 1] === '6' ? tokens[k + 2] : tokens[k + 1];
  }
  if (w[0] !== 'crypto' || w[1] !== 'isakmp' || w[2] !== 'key') return undefined;
  return (w[3] === '0' || w[3] === '6') && w[5] === 'address' ? tokens[4] : tokens[3];
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  for (const m of line.matchAll(/\S+/g)) out.push({ text: m[0], col: m.index + 1 });
  return out;
}

type Block = { kind: 'policy'; policy: IsakmpPolicy } | { kind: 'map'; entry: CryptoMapEntry; defaultPeers: Located<string>[] }
  | { kind: 'interface'; iface: IosCryptoConfig['interfaces'][number] } | { kind: 'transform'; set: TransformSet }
  | { kind: 'keyring'; name: string } | { kind: 'acl'; lines: AclLine[] } | { kind: 'crypto-other' } | { kind: 'other' };

export function parseIosConfig(text: string, file: string): IosCryptoConfig {
  const config: IosCryptoConfig = { file, policies: [], keys: [], transformSets: [], cryptoMaps: [], ipsecLifetime: 3600, interfaces: [], acls: new Map(), warnings: [] };
  const lines = text.split(/\r?\n/);
  /** The sub-mode block the indented lines that follow belong to. */
  let block: Block = { kind: 'other' };

  const finishBlock = (): void => {
    if (block.kind === 'map') block.entry.peers = [...block.defaultPeers, ...block.entry.peers];
    block = { kind: 'other' };
  };
  const aclLines = (name: string): AclLine[] => {
    let list = config.acls.get(name);
    if (!list) config.acls.set(name, (list = []));
    return list;
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const tokens = tokenize(raw);
    const fail = (at: Token | undefined, message: string): never => {
      let col = at ? at.col : raw.trimEnd().length + 1;
      let excerpt = raw;
      const key = keyToken(tokens);
      if (key) {
        // The excerpt is printed under the message: the key must not be.
        excerpt = `${raw.slice(0, key.col - 1)}${REDACTED}${raw.slice(key.col - 1 + key.text.length)}`;
        if (col > key.col) col += REDACTED.length - key.text.length;
      }
      throw new ConfigError('ERR_CONFIG_IOS', { file, line: lineNo, col, excerpt }, message);
    };
    const warn = (message: string): void => {
      config.warnings.push({ line: lineNo, col: tokens[0]!.col, message });
    };
    const word = (n: number, what: string): Token => tokens[n] ?? fail(undefined, `missing ${what}`);
    const int = (n: number, what: string, range?: { min: number; max: number }): number => {
      const t = word(n, what);
      if (!/^\d+$/.test(t.text)) fail(t, `${what} must be a whole number, got '${t.text}'`);
      const v = Number(t.text);
      if (range && (v < range.min || v > range.max)) fail(t, `${what} ${v} is outside ${range.min}–${range.max}`);
      return v;
    };
    const ipv4 = (n: number, what: string): string => {
      const t = word(n, what);
      if (!IPV4.test(t.text)) fail(t, `${what} must be an IPv4 address, got '${t.text}'`);
      return t.text;
    };
    const extra = (n: number): void => {
      if (tokens[n]) fail(tokens[n], `unexpected '${tokens[n]!.text}'`);
    };
    const tools = { fail, word, int, ipv4, extra, warn, lineNo };

    if (tokens.length === 0 || tokens[0]!.text.startsWith('!')) {
      if (tokens[0]?.text.startsWith('!')) finishBlock();
      return;
    }
    const indented = /^\s/.test(raw);
    const w = tokens.map((t) => t.text);
    if (indented) {
      if (w[0] === 'description') return;
      if (block.kind === 'policy') policyLine(block.policy, w, tokens, tools);
      else if (block.kind === 'map') mapLine(block.entry, block.defaultPeers, w, tokens, tools);
      else if (block.kind === 'transform') {
        if (w[0] === 'mode' && (w[1] === 'tunnel' || w[1] === 'transport')) block.set.mode = w[1];
        else warn(`transform-set ${block.set.name}: '${w.join(' ')}' not read`);
      } else if (block.kind === 'keyring') keyringLine(config, block.name, w, tools);
      else if (block.kind === 'acl') {
        if (w[0] !== 'remark') block.lines.push({ tokens, line: lineNo, text: raw });
      } else if (block.kind === 'interface' && w[0] === 'ip' && w[1] === 'address' && IPV4.test(w[2] ?? '')) block.iface.address = w[2];
      else if (block.kind === 'interface' && w[0] === 'crypto' && w[1] === 'map') block.iface.cryptoMap = word(2, 'crypto map name').text;
      return;
    }
    finishBlock();
    if (w[0] === 'interface') {
      const iface = { name: w.slice(1).join(' ') };
      config.interfaces.push(iface);
      block = { kind: 'interface', iface };
      return;
    }
    if (w[0] === 'access-list' && /^\d+$/.test(w[1] ?? '')) {
      // Numbered extended lists are 100–199 and 2000–2699; `remark` lines carry no rule.
      if (w[2] !== 'remark') aclLines(w[1]!).push({ tokens: tokens.slice(2), line: lineNo, text: raw });
      return;
    }
    if (w[0] === 'ip' && w[1] === 'access-list' && w[2] === 'extended') {
      block = { kind: 'acl', lines: aclLines(word(3, 'access list name').text) };
      return;
    }
    if (w[0] !== 'crypto') return;
    const head = `${w[1] ?? ''} ${w[2] ?? ''}`;
    if (head === 'isakmp keepalive') {
      // [Cisco step 3] crypto isakmp keepalive seconds [retries] [periodic | on-demand]; "If you do not specify a time interval, an error message appears."
      const seconds = int(3, 'keepalive seconds', KEEPALIVE_SECONDS);
      let n = 4;
      let retrySeconds = DEFAULT_RETRY_SECONDS;
      if (tokens[n] && /^\d+$/.test(w[n]!)) retrySeconds = int(n++, 'keepalive retry-seconds', RETRY_SECONDS);
      let mode: Keepalive['mode'] = 'on-demand';
      if (tokens[n]) {
        if (w[n] !== 'periodic' && w[n] !== 'on-demand') fail(tokens[n], `expected 'periodic' or 'on-demand', got '${w[n]}'`);
        mode = w[n++] as Keepalive['mode'];
      }
      extra(n);
      config.keepalive = { value: { seconds, retrySeconds, mode }, line: lineNo, col: tokens[0]!.col };
    } else if (head === 'isakmp policy') {
      const policy: IsakmpPolicy = {
        priority: int(3, 'policy priority', { min: 1, max: 10000 }), line: lineNo,
        encryption: { cipher: 'des', bits: undefined }, hash: 'sha', authentication: 'rsa-sig', group: 1, lifetime: 86400,
      };
      extra(4);
      config.policies.push(policy);
      block = { kind: 'policy', policy };
    } else if (head === 'isakmp key') {
      // crypto isakmp key [0|6] <key> address <ip> [<mask>]
      let n = 3;
      if ((w[n] === '0' || w[n] === '6') && w[n + 2] === 'address') {
        if (w[n] === '6') fail(tokens[n], TYPE6);
        n++;
      }
      const key = word(n++, 'pre-shared key').text;
      if (w[n] !== 'address') fail(tokens[n], `expected 'address' after the key (hostname keys are not supported)`);
      const address = ipv4(++n, 'key address');
      const hasMask = tokens[n + 1] !== undefined && w[n + 1] !== 'no-xauth';
      const mask = hasMask ? ipv4(n + 1, 'key address mask') : '255.255.255.255';
      // `no-xauth`: the peer skips Xauth, which the fake peer never asks for anyway.
      extra(w[n + (hasMask ? 2 : 1)] === 'no-xauth' ? n + (hasMask ? 3 : 2) : n + 2);
      config.keys.push({ key, address, mask, line: lineNo });
    } else if (w[1] === 'keyring') {
      block = { kind: 'keyring', name: word(2, 'keyring name').text };
    } else if (head === 'ipsec transform-set') {
      const name = word(3, 'transform-set name').text;
      const set: TransformSet = { name, transforms: w.slice(4), tokens: tokens.slice(4), line: lineNo, mode: 'tunnel' };
      config.transformSets.push(set);
      block = { kind: 'transform', set };
    } else if (head === 'ipsec security-association' && w[3] === 'lifetime' && w[4] === 'seconds') {
      config.ipsecLifetime = int(5, 'IPsec SA lifetime', { min: 120, max: 2592000 });
    } else if (w[1] === 'map' && w.length >= 4 && /^\d+$/.test(w[3]!)) {
      // crypto map map-name seq-num ipsec-isakmp (a bare `crypto map NAME local-address …` is another command)
      const name = w[2]!;
      const seq = int(3, 'crypto map sequence number', { min: 1, max: 65535 });
      if (w[4] !== 'ipsec-isakmp' || tokens[5]) {
        warn(`crypto map ${name} ${seq}: only static \`ipsec-isakmp\` entries are read`);
        block = { kind: 'crypto-other' };
        return;
      }
      const entry: CryptoMapEntry = { name, seq, line: lineNo, peers: [], transformSets: [] };
      config.cryptoMaps.push(entry);
      block = { kind: 'map', entry, defaultPeers: [] };
    } else if (!(w[1] === 'map' && w[3] === 'local-address')) {
      warn(`'${w.slice(0, 4).join(' ')}' not read`);
      block = { kind: 'crypto-other' };
    }
  });
  finishBlock();
  return config;
}

const TYPE6 = "key type 6 is encrypted with the router's master key: paste the key in clear text (type 0), or give the profile a psk env/file yourself";

interface LineTools {
  fail: (at: Token | undefined, message: string) => never;
  extra: (n: number) => void;
  warn: (message: string) => void;
  word: (n: number, what: string) => Token;
  int: (n: number, what: string, range?: { min: number; max: number }) => number;
  ipv4: (n: number, what: string) => string;
  lineNo: number;
}

function policyLine(policy: IsakmpPolicy, w: string[], tokens: Token[], { fail, int, extra, warn }: LineTools): void {
  switch (w[0]) {
    // IOS prints the keyword abbreviated in running-config (`encr aes 256`); both forms are accepted.
    case 'encr':
    case 'encryption': {
      const cipher = w[1];
      if (cipher !== 'aes' && cipher !== '3des' && cipher !== 'des') fail(tokens[1], `unsupported encryption '${cipher ?? ''}' (aes, 3des, des)`);
      let bits: 128 | 192 | 256 | undefined;
      if (cipher === 'aes') {
        bits = 128;
        if (tokens[2]) {
          const b = Number(w[2]);
          if (b !== 128 && b !== 192 && b !== 256) fail(tokens[2], `AES key size must be 128, 192 or 256, got '${w[2]}'`);
          bits = b as 128 | 192 | 256;
        }
        extra(3);
      } else extra(2);
      policy.encryption = { cipher: cipher as IsakmpPolicy['encryption']['cipher'], bits };
      return;
    }
    case 'hash': {
      const h = w[1];
      if (h !== 'md5' && h !== 'sha' && h !== 'sha256' && h !== 'sha384' && h !== 'sha512') fail(tokens[1], `unsupported hash '${h ?? ''}' (sha, sha256, sha384, sha512, md5)`);
      extra(2);
      policy.hash = h as IsakmpPolicy['hash'];
      return;
    }
    case 'authentication': {
      const a = w[1];
      if (a !== 'pre-share' && a !== 'rsa-sig' && a !== 'rsa-encr') fail(tokens[1], `unsupported authentication '${a ?? ''}' (pre-share, rsa-sig, rsa-encr)`);
      extra(2);
      policy.authentication = a as IsakmpPolicy['authentication'];
      return;
    }
    case 'group': {
      const g = int(1, 'Diffie-Hellman group');
      if (![1, 2, 5, 14, 15, 16, 19, 20, 21, 24].includes(g)) fail(tokens[1], `unknown Diffie-Hellman group ${g}`);
      extra(2);
      policy.group = g;
      return;
    }
    case 'lifetime':
      policy.lifetime = int(1, 'ISAKMP lifetime', { min: 60, max: 86400 });
      extra(2);
      return;
    default:
      warn(`isakmp policy ${policy.priority}: '${w.join(' ')}' not read`);
  }
}

function mapLine(entry: CryptoMapEntry, defaultPeers: Located<string>[], w: string[], tokens: Token[], { fail, word, int, ipv4, extra, warn, lineNo }: LineTools): void {
  if (w[0] === 'set' && w[1] === 'peer') {
    // [Cisco step 4] set peer {host-name [dynamic] | ip-address}: "You can specify multiple peers by repeating this command."
    const at = word(2, 'peer address');
    if (!IPV4.test(at.text)) fail(at, `set peer needs an IPv4 address here (host names cannot be bound by the fake peer), got '${at.text}'`);
    const located = { value: ipv4(2, 'peer address'), line: lineNo, col: at.col };
    if (w[3] === 'default') {
      // `default`: the peer tried first, whatever its position in the list.
      extra(4);
      defaultPeers.push(located);
    } else {
      extra(3);
      entry.peers.push(located);
    }
  } else if (w[0] === 'set' && w[1] === 'transform-set') {
    entry.transformSets.push(...w.slice(2));
  } else if (w[0] === 'match' && w[1] === 'address') {
    const t = word(2, 'access list');
    entry.matchAddress = { value: t.text, line: lineNo, col: t.col };
  } else if (w[0] === 'set' && w[1] === 'pfs') {
    // set pfs [group1 | group2 | group5 | group14 …]: without a group IOS uses group1.
    const t = tokens[2];
    const m = t ? /^group(\d+)$/.exec(t.text) : null;
    if (t && !m) fail(t, `expected groupN after set pfs, got '${t.text}'`);
    entry.pfs = { value: m ? Number(m[1]) : 1, line: lineNo, col: (t ?? tokens[0]!).col };
    extra(3);
  } else if (w[0] === 'set' && w[1] === 'security-association' && w[2] === 'lifetime' && w[3] === 'seconds') {
    entry.lifetimeSeconds = int(4, 'IPsec SA lifetime', { min: 120, max: 2592000 });
    extra(5);
  } else if (w[0] === 'set' && w[1] === 'security-association' && w[2] === 'lifetime' && w[3] === 'kilobytes') {
    warn(`crypto map ${entry.name} ${entry.seq}: volume lifetime not read (the profile has time lifetimes only)`);
  } else {
    warn(`crypto map ${entry.name} ${entry.seq}: '${w.join(' ')}' not read`);
  }
}

/** ` pre-shared-key address <ip> [<mask>] key [0|6] <key>` inside `crypto keyring NAME`. */
function keyringLine(config: IosCryptoConfig, keyring: string, w: string[], { fail, ipv4, word, warn, lineNo }: LineTools): void {
  if (w[0] !== 'pre-shared-key' || w[1] !== 'address') {
    warn(`keyring ${keyring}: '${w[0] === 'pre-shared-key' ? 'pre-shared-key hostname …' : w.join(' ')}' not read`);
    return;
  }
  const address = ipv4(2, 'key address');
  let n = 3;
  const mask = w[n] !== 'key' ? ipv4(n++, 'key address mask') : '255.255.255.255';
  if (w[n] !== 'key') fail(undefined, "expected 'key' after the address");
  n++;
  if (w[n] === '6' && w[n + 1] !== undefined) fail(undefined, TYPE6);
  if (w[n] === '0' && w[n + 1] !== undefined) n++;
  config.keys.push({ key: word(n, 'pre-shared key').text, address, mask, line: lineNo });
}

/** Whether `peer` falls under the key's address/mask. */
export function keyCoversPeer(key: IsakmpKey, peer: string): boolean {
  const n = (a: string): number => a.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const mask = n(key.mask);
  return ((n(key.address) & mask) >>> 0) === ((n(peer) & mask) >>> 0);
}
