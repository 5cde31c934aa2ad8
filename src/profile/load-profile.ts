/**
 * Profile loading: YAML → schema check → semantic checks → DeviceProfile.
 * Every problem is a ConfigError at file:line:col; all of a file's schema
 * problems are reported together (ConfigErrors) before semantic ones.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { labSelectorsOf, type LabSelector } from '../lab/daemon-selectors.js';
import { parseLabSpec } from '../lab/lab-spec.js';
import type { ControlCommand, DeviceProfile, DpdSemantics, IkeParameters, ProfileTarget, TargetControl } from './device-profile.js';
import { peerAddresses } from './device-profile.js';
import { checkLabAgrees, dpdFromIkev2, ikev2Variables, loadIkev2Dpd } from './ikev2-dpd.js';
import { loadIkev2EspProposals, loadIkev2Proposals } from './ikev2-proposals.js';
import { loadPeerList } from './peer-list.js';
import { loadPeerSettings } from './peer-settings.js';
import { checkSchema, type JsonSchema } from './schema-check.js';
import { Secret } from './secret.js';
import { ConfigErrors, YamlSource } from './yaml-source.js';

const schemaFile = new URL('../../schema/profile.schema.json', import.meta.url);
let cached: JsonSchema | undefined;
export function profileSchema(): JsonSchema {
  return (cached ??= JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema);
}

export interface LoadProfileOptions {
  /** Environment for `psk: { env }`; default process.env. */
  env?: Record<string, string | undefined>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema check has vouched for the shape of `raw` */
export function loadProfile(file: string, options: LoadProfileOptions = {}): DeviceProfile {
  return profileFromSource(YamlSource.read(file), options);
}

export function profileFromSource(src: YamlSource, options: LoadProfileOptions = {}): DeviceProfile {
  const raw = src.value() as any;
  const violations = checkSchema(raw, profileSchema());
  if (violations.length > 0) {
    throw new ConfigErrors(violations.map((v) => src.error('ERR_CONFIG_SCHEMA', v.path, v.message, { key: v.atKey })));
  }
  const bad = (path: (string | number)[], message: string, code: 'ERR_CONFIG_SCHEMA' | 'ERR_CONFIG_SECRET' = 'ERR_CONFIG_SCHEMA'): never => {
    throw src.error(code, path, message);
  };

  const target = loadTarget(src, raw, bad);
  const psk = loadPsk(src, raw, target, options.env ?? process.env, bad);
  const version = raw.ike?.version ?? 1;
  if (version === 2 && raw.dpd !== undefined) bad(['dpd'], 'an IKEv2 profile (ike.version 2) describes its liveness check in ikev2_dpd, not dpd');
  if (version === 1 && raw.ikev2_dpd !== undefined) bad(['ikev2_dpd'], 'ikev2_dpd needs ike.version 2 (IKEv1 DPD goes in dpd)');
  if (version === 1 && raw.dpd === undefined) bad([], '(top level): missing required field dpd');
  for (const field of ['ikev2_proposals', 'ikev2_esp_proposals']) {
    if (version === 1 && raw.ike?.[field] !== undefined) bad(['ike', field], `${field} needs ike.version 2 (IKEv1 uses ike.${field === 'ikev2_proposals' ? 'proposals' : 'esp_proposals'})`);
  }
  if (version === 2 && raw.ikev2_dpd === undefined) bad(['ike', 'version'], 'an IKEv2 profile needs an ikev2_dpd section (docs/profiles.md)');
  const ikev2Dpd = version === 2 ? loadIkev2Dpd(raw.ikev2_dpd, target, bad) : undefined;
  if (ikev2Dpd && 'lab' in target) checkLabAgrees(ikev2Dpd, target.lab, bad);
  const dpd = ikev2Dpd ? dpdFromIkev2(ikev2Dpd) : loadDpd(raw.dpd, bad);
  const profile: DeviceProfile = {
    file: src.file,
    identity: { vendor: raw.identity.vendor, product: raw.identity.product, version: raw.identity.version },
    target,
    ike: loadIke(raw.ike ?? {}, bad),
    psk,
    dpd,
    ...(raw.nat_t ? { natT: { keepaliveInterval: raw.nat_t.keepalive_interval, keepalivesCountAsLiveness: raw.nat_t.keepalives_count_as_liveness } } : {}),
    peer: loadPeerSettings(raw.peer, bad),
    ...(ikev2Dpd ? { ikev2Dpd } : {}),
    expectFail: (raw.expect_fail ?? []).map((e: any) => ({ scenario: e.scenario, reason: e.reason })),
  };
  const addresses = peerAddresses(profile);
  dpd.peers.forEach((index, i) => {
    if (index >= addresses.length) {
      bad([ikev2Dpd ? 'ikev2_dpd' : 'dpd', 'peers', i], `peer index ${index} but the fake peer has ${addresses.length} address${addresses.length === 1 ? '' : 'es'} (${addresses.join(', ')})`);
    }
  });
  return profile;
}

type Fail = (path: (string | number)[], message: string, code?: 'ERR_CONFIG_SCHEMA' | 'ERR_CONFIG_SECRET') => never;

function loadTarget(src: YamlSource, raw: any, bad: Fail): ProfileTarget {
  const kind = raw.target.kind as ProfileTarget['kind'];
  if (kind === 'strongswan' || kind === 'libreswan') {
    if (raw.lab === undefined) bad(['target', 'kind'], `target ${kind} runs in the lab: add a lab section (see docs/lab.md)`);
    const lab = parseLabSpec(raw.lab, { file: src.file, base: ['lab'], locate: (path) => src.locate(path) });
    if (lab.dutKind !== kind) bad(['lab', 'kind'], `lab.kind ${lab.dutKind} contradicts target.kind ${kind}`);
    if (raw.target.address !== undefined) bad(['target', 'address'], 'only an external target has an address (the lab sets lab.dut_address)');
    return { kind, lab: { ...lab, trafficSelectors: labSelectors(raw.ike?.traffic_selectors ?? [], kind, bad), ikeVersion: raw.ike?.version ?? 1 } };
  }
  if (raw.lab !== undefined) bad(['lab'], `a lab section needs target.kind strongswan or libreswan, not ${kind}`);
  if (kind !== 'external' && raw.target.control !== undefined) bad(['target', 'control'], `control commands are for an external target; target ${kind} is driven by the harness itself`);
  const peers: string[] = raw.target.peer_addresses ?? ['127.0.0.1'];
  peers.forEach((a, i) => {
    if (!isIpv4(a)) bad(['target', 'peer_addresses', i], `${JSON.stringify(a)} is not an IPv4 address (four numbers 0-255)`);
  });
  if (kind === 'external') {
    if (raw.target.address === undefined) bad(['target'], 'an external target needs address: <host>[:port]');
    const m = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(raw.target.address);
    const port = m?.[2] === undefined ? 500 : Number(m[2]);
    if (!m || port < 1 || port > 65535) bad(['target', 'address'], `must be <host>[:port] with a port 1-65535, got ${JSON.stringify(raw.target.address)}`);
    // The fake peer sends to it: an IPv4 address, not a name to resolve mid-run.
    if (!isIpv4(m![1]!)) bad(['target', 'address'], `${JSON.stringify(m![1])} is not an IPv4 address (four numbers 0-255)`);
    return { kind, address: m![1]!, port, peerAddresses: peers, ...(raw.target.control ? { control: loadControl(raw.target.control, bad) } : {}) };
  }
  if (raw.target.address !== undefined) bad(['target', 'address'], 'only an external target has an address (the reference DUT listens on loopback)');
  return { kind, peerAddresses: peers, dut: raw.dut ?? {} };
}

/** The profile's selectors for the lab to render into the DUT (src/lab/daemon-selectors.ts). */
function labSelectors(selectors: any[], kind: 'strongswan' | 'libreswan', bad: Fail): LabSelector[] {
  selectors.forEach((t: any, i: number) => {
    for (const side of ['local', 'remote'] as const) {
      // ipsec.conf's leftsubnet/rightsubnet take a subnet or an address, never a range (ipsec.conf(5)).
      if (kind === 'libreswan' && typeof t[side] === 'string' && t[side].includes('-')) {
        bad(['ike', 'traffic_selectors', i, side], `${JSON.stringify(t[side])}: Libreswan's leftsubnet/rightsubnet take no address range; write the range as subnets`);
      }
    }
  });
  return labSelectorsOf(selectors);
}

function loadControl(c: any, bad: Fail): TargetControl {
  const command = (x: any): ControlCommand => ({ command: x.command, timeoutS: x.timeout ?? 15 });
  if (c.status?.format === 'regex' && c.status.pattern === undefined) bad(['target', 'control', 'status'], 'format regex needs pattern: a regular expression with a named group (?<peer>…)');
  if (c.status?.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(c.status.pattern);
    } catch (err) {
      bad(['target', 'control', 'status', 'pattern'], `not a regular expression: ${(err as Error).message}`);
    }
    if (!re!.source.includes('(?<peer>')) bad(['target', 'control', 'status', 'pattern'], 'needs a named group (?<peer>…) that captures the peer address');
    if (c.status.format !== 'regex') bad(['target', 'control', 'status', 'pattern'], 'pattern goes with format regex');
  }
  return {
    ...(c.status ? { status: { ...command(c.status), format: c.status.format, ...(c.status.pattern === undefined ? {} : { pattern: c.status.pattern }), intervalS: c.status.interval ?? 1 } } : {}),
    ...(c.initiate ? { initiate: command(c.initiate) } : {}),
    ...(c.terminate ? { terminate: command(c.terminate) } : {}),
  };
}

function loadPsk(src: YamlSource, raw: any, target: ProfileTarget, env: Record<string, string | undefined>, bad: Fail): Secret {
  const labPsk = target.kind === 'strongswan' || target.kind === 'libreswan' ? new Secret(target.lab.psk, 'lab.psk') : undefined;
  if (raw.psk === undefined) {
    return labPsk ?? bad([], 'missing required field psk (value, env or file)');
  }
  let secret: Secret;
  if (raw.psk.value !== undefined) secret = new Secret(raw.psk.value, 'inline');
  else if (raw.psk.env !== undefined) {
    const v = env[raw.psk.env];
    if (v === undefined || v === '') bad(['psk', 'env'], `environment variable ${raw.psk.env} is not set`, 'ERR_CONFIG_SECRET');
    secret = new Secret(v!, `env ${raw.psk.env}`);
  } else {
    const path = resolve(dirname(src.file), raw.psk.file);
    let text = '';
    try {
      text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      bad(['psk', 'file'], `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'ERR_CONFIG_SECRET');
    }
    if (text === '') bad(['psk', 'file'], `${path} is empty`, 'ERR_CONFIG_SECRET');
    secret = new Secret(text, `file ${path}`);
  }
  if (labPsk && labPsk.reveal() !== secret.reveal()) bad(['psk'], 'differs from lab.psk (give the key once, in lab.psk)', 'ERR_CONFIG_SECRET');
  return secret;
}

function loadDpd(d: any, bad: Fail): DpdSemantics {
  const probeSpan = d.probes_before_dead * d.retry_interval;
  return {
    mode: d.mode,
    interval: d.interval,
    retryInterval: d.retry_interval,
    probesBeforeDead: d.probes_before_dead,
    deadTimeFrom: d.dead_time_from,
    deadTimeout: d.dead_timeout ?? (d.dead_time_from === 'last-inbound' ? d.interval + probeSpan : probeSpan),
    retrySeq: d.retry_seq,
    deleteOnDead: d.delete_on_dead,
    action: d.action,
    ...loadPeerList('dpd', d, bad),
    tolerance: { absolute: d.tolerance.absolute ?? 0, relative: d.tolerance.relative ?? 0 },
  };
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

const ipv4Number = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** A selector side is a.b.c.d, a.b.c.d/len or a.b.c.d-e.f.g.h with start ≤ end: the reason it is not, if it is not. */
function selectorSideError(side: string): string | undefined {
  const [address, len] = side.split('/');
  if (len !== undefined) return !isIpv4(address!) ? 'bad address' : Number(len) > 32 ? `prefix length ${len} is over 32` : undefined;
  const range = side.split('-');
  if (range.length === 2) {
    if (!range.every(isIpv4)) return 'bad address in the range';
    return ipv4Number(range[0]!) > ipv4Number(range[1]!) ? 'the range ends before it starts' : undefined;
  }
  return isIpv4(side) ? undefined : 'bad address';
}

function loadIke(ike: any, bad: Fail): IkeParameters {
  (ike.traffic_selectors ?? []).forEach((t: any, i: number) => {
    for (const side of ['local', 'remote'] as const) {
      const why = selectorSideError(t[side]);
      if (why) bad(['ike', 'traffic_selectors', i, side], `${JSON.stringify(t[side])}: ${why} (a.b.c.d, a.b.c.d/len or a.b.c.d-e.f.g.h)`);
    }
  });
  const ikev2Proposals = loadIkev2Proposals(ike.ikev2_proposals, bad);
  return {
    version: ike.version ?? 1,
    proposals: (ike.proposals ?? [{ encryption: 'aes-128', hash: 'sha2-256', group: 'modp2048' }]).map((p: any) => ({ ...p })),
    ikev2Proposals,
    ikev2EspProposals: loadIkev2EspProposals(ike.ikev2_esp_proposals, ikev2Proposals, bad),
    trafficSelectors: (ike.traffic_selectors ?? []).map((t: any) => ({ local: t.local, remote: t.remote, ...(t.protocol ? { protocol: t.protocol } : {}), ...(t.port ? { port: t.port } : {}) })),
    espProposals: (ike.esp_proposals ?? [{ encryption: 'aes-128', integrity: 'sha1' }, { encryption: 'aes-128', integrity: 'sha2-256' }]).map((p: any) => ({ ...p })),
    ...(ike.pfs_group === undefined ? {} : { pfsGroup: ike.pfs_group }),
    ...(ike.local_id === undefined ? {} : { localId: ike.local_id }),
    ...(ike.remote_id === undefined ? {} : { remoteId: ike.remote_id }),
    lifetime: { ike: ike.lifetime?.ike ?? 28800, ipsec: ike.lifetime?.ipsec ?? 3600 },
  };
}

/** Seconds from the first unanswered probe to the dead declaration, whatever the profile counts from. */
export function timeToDeadAfterFirstProbe(dpd: DpdSemantics): number {
  return dpd.deadTimeFrom === 'last-inbound' ? dpd.deadTimeout - dpd.interval : dpd.deadTimeout;
}

/** The names suites may use in `${…}` expressions, and their values. */
export function profileVariables(profile: DeviceProfile): Map<string, number> {
  const d = profile.dpd;
  const vars = new Map<string, number>([
    ['dpd.interval', d.interval],
    ['dpd.retry_interval', d.retryInterval],
    ['dpd.probes_before_dead', d.probesBeforeDead],
    ['dpd.dead_timeout', d.deadTimeout],
    ['dpd.time_to_dead', timeToDeadAfterFirstProbe(d)],
    ['dpd.peer_count', d.peers.length],
    ['ike.lifetime.ike', profile.ike.lifetime.ike],
    ['ike.lifetime.ipsec', profile.ike.lifetime.ipsec],
  ]);
  if (d.failover) vars.set('dpd.failover.within', d.failover.within);
  for (const [name, value] of profile.ikev2Dpd ? ikev2Variables(profile.ikev2Dpd) : []) vars.set(name, value);
  return vars;
}

/** The profile's declared deviation for a scenario id (`<suite>/<scenario>`), if any. */
export function expectedFailure(profile: DeviceProfile, scenarioId: string): { reason: string } | undefined {
  return profile.expectFail.find((e) => globToRegExp(e.scenario).test(scenarioId));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
