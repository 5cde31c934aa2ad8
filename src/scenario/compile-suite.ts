/**
 * Suite YAML + profile → PlannedSuite. Pure apart from reading files: the
 * schema check, expression syntax and variable names are checked without a
 * profile (validateSuite, for `dpd-harness validate`); compileSuite then
 * evaluates every value against the profile. Errors point at file:line:col,
 * inside an expression at the offending character.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type ErrorCode } from '../errors.js';
import type { MessageKind } from '../events.js';
import type { Behaviour, SeqTransform } from '../peer/behaviour.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import { peerAddresses } from '../profile/device-profile.js';
import { expectedFailure, profileVariables } from '../profile/load-profile.js';
import { checkSchema, type JsonSchema } from '../profile/schema-check.js';
import { ConfigErrors, YamlSource, type FieldPath } from '../profile/yaml-source.js';
import { allowance } from './checks.js';
import { ExpressionError, evaluate, parseExpression, type Expr } from './expression.js';
import { targetCapabilities } from '../target/capabilities.js';
import type { TargetCapabilities } from '../target/target.js';
import type { CraftKind, PlannedScenario, PlannedStep, PlannedSuite, ProbeSeq, Step, TimeOrigin, Timing } from './plan.js';

const schemaFile = new URL('../../schema/suite.schema.json', import.meta.url);
let cached: JsonSchema | undefined;
export function suiteSchema(): JsonSchema {
  return (cached ??= JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema);
}

/** Every variable a suite may name; a profile may lack some (then the scenario is skipped). */
export const SUITE_VARIABLES = [
  'dpd.interval', 'dpd.retry_interval', 'dpd.probes_before_dead', 'dpd.dead_timeout', 'dpd.time_to_dead',
  'dpd.peer_count', 'dpd.failover.within', 'ike.lifetime.ike', 'ike.lifetime.ipsec',
  // IKEv2 profiles (src/profile/ikev2-dpd.ts); retransmit_<n> exist up to the profile's retransmissions.
  'ikev2.dpd.interval', 'ikev2.dpd.retransmissions', 'ikev2.dpd.time_to_dead', 'ikev2.dpd.dead_after_last_inbound',
  ...Array.from({ length: 8 }, (_, i) => `ikev2.dpd.retransmit_${i + 1}` as const),
] as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- values below were vouched for by the schema check */
type Raw = any;

class SkipScenario extends Error {}

/** Reads and schema-checks a suite, then checks every expression; throws ConfigErrors listing all problems. */
export function validateSuite(src: YamlSource): Raw {
  const raw: Raw = src.value();
  const violations = checkSchema(raw, suiteSchema());
  if (violations.length > 0) throw new ConfigErrors(violations.map((v) => src.error('ERR_CONFIG_SCHEMA', v.path, v.message, { key: v.atKey })));
  const errors: ConfigError[] = [];
  const known = new Map<string, number>(SUITE_VARIABLES.map((n) => [n, 1]));
  forEachValue(raw, (path, text) => {
    try {
      evaluate(parseExpression(text), known);
    } catch (err) {
      if (err instanceof ExpressionError) errors.push(expressionError(src, path, err));
      else throw err;
    }
  });
  const seen = new Map<string, number>();
  (raw.scenarios as Raw[]).forEach((s, i) => {
    const previous = seen.get(s.id);
    if (previous !== undefined) errors.push(src.error('ERR_CONFIG_SCHEMA', ['scenarios', i, 'id'], `scenario id '${s.id}' already used by scenarios.${previous}`));
    seen.set(s.id, i);
    const steps = s.steps as Raw[];
    steps.forEach((st, j) => {
      const at = ['scenarios', i, 'steps', j];
      if (st.expect_seq && st.expect_seq.relation !== 'echo' && !steps.slice(0, j).some((p) => p.expect_probes)) {
        errors.push(src.error('ERR_CONFIG_SCHEMA', [...at, 'expect_seq'], 'expect_seq same/increment/profile needs an expect_probes step before it in the scenario'));
      }
      const t = st.expect_message ?? st.expect_sa_gone ?? st.expect_delete ?? st.expect_initiate;
      if (t && t.at !== undefined && (t.within !== undefined || t.after !== undefined)) {
        errors.push(src.error('ERR_CONFIG_SCHEMA', [...at, Object.keys(st)[0]!, 'at'], 'give either at (± tolerance) or a window (after/within), not both'));
      }
      if (t && t.at === undefined && t.within === undefined) {
        errors.push(src.error('ERR_CONFIG_SCHEMA', [...at, Object.keys(st)[0]!], 'needs at (expected time) or within (window end)'));
      }
      if (st.behave?.lose_state !== undefined && ![s.requires?.['ike.version']].flat().includes(2)) {
        errors.push(src.error('ERR_CONFIG_SCHEMA', [...at, 'behave', 'lose_state'], 'lose_state is IKEv2 (INVALID_IKE_SPI, RFC 7296 §2.21.4): the scenario needs requires: { ike.version: 2 }'));
      }
      if (!steps.slice(0, j).some((p) => p.bring_up) && Object.keys(st)[0]!.startsWith('expect_')) {
        errors.push(src.error('ERR_CONFIG_SCHEMA', at, `${Object.keys(st)[0]} before any bring_up: there is no SA yet`));
      }
    });
  });
  if (errors.length > 0) throw new ConfigErrors(errors);
  return raw;
}

export function readSuite(file: string): { src: YamlSource; raw: Raw } {
  const src = YamlSource.read(file);
  return { src, raw: validateSuite(src) };
}

function expressionError(src: YamlSource, path: FieldPath, err: ExpressionError): ConfigError {
  const at = src.locate(path);
  const quoted = at.excerpt[at.col - 1] === '"' || at.excerpt[at.col - 1] === "'";
  return src.error('ERR_CONFIG_EXPRESSION', path, err.message, { colOffset: err.at + (quoted ? 1 : 0) });
}

/** Every string that is an expression (durations and counts), with its path. */
function forEachValue(raw: Raw, fn: (path: FieldPath, text: string) => void): void {
  const valueKeys = new Set(['timeout', 'delay_ack', 'at', 'within', 'after', 'count', 'spacing', 'first_at', 'sas', 'silent', 'interval', 'retry_interval', 'probes_before_dead', 'dead_at']);
  (raw.scenarios as Raw[]).forEach((s, i) =>
    (s.steps as Raw[]).forEach((st, j) => {
      const [kind, body] = Object.entries(st)[0] as [string, Raw];
      const base = ['scenarios', i, 'steps', j, kind];
      if (kind === 'wait' && typeof body === 'string') fn(base, body);
      if (typeof body !== 'object' || body === null) return;
      for (const [k, v] of Object.entries(body)) if (valueKeys.has(k) && typeof v === 'string') fn([...base, k], v);
    }),
  );
}

/** What the machine that will run the plan can do, for scenarios that need more than UDP sockets. */
export interface HostCapabilities {
  /** A raw socket for ICMP injection (root or CAP_NET_RAW). */
  rawSocket: boolean;
}

/** `host` defaults to no raw socket, so a plan never counts on ICMP nobody checked it can send. */
export function compileSuite(src: YamlSource, raw: Raw, profile: DeviceProfile, host: HostCapabilities = { rawSocket: false }): PlannedSuite {
  const variables = profileVariables(profile);
  const errors: ConfigError[] = [];
  const scenarios: PlannedScenario[] = [];
  (raw.scenarios as Raw[]).forEach((s, i) => {
    const id = `${raw.suite}/${s.id}`;
    const base: PlannedScenario = {
      id, suite: raw.suite, title: s.title, steps: [], tolerance: profile.dpd.tolerance, peerAddresses: peerAddresses(profile),
      // A DUT checks liveness once an interval; one whose check just missed the idle mark (or saw traffic that
      // was not there: Libreswan's first-probe race) probes at the next. Later, there is no first probe.
      firstProbeWithinS: 2 * profile.dpd.interval + allowance(2 * profile.dpd.interval, profile.dpd.tolerance),
      ikeVersion: profile.ike.version,
    };
    const deviation = expectedFailure(profile, id);
    if (deviation) base.expectFail = deviation.reason;
    const skip = unmetRequirement(s.requires ?? {}, profile, s.steps, host);
    if (skip) {
      scenarios.push({ ...base, skip });
      return;
    }
    try {
      const steps = (s.steps as Raw[]).map((st, j) => compileStep(src, ['scenarios', i, 'steps', j], st, profile, variables));
      scenarios.push({ ...base, steps });
    } catch (err) {
      if (err instanceof SkipScenario) scenarios.push({ ...base, skip: err.message });
      else if (err instanceof ConfigError) errors.push(err);
      else throw err;
    }
  });
  if (errors.length > 0) throw new ConfigErrors(errors);
  return { name: raw.suite, file: src.file, ...(raw.description ? { description: raw.description } : {}), scenarios };
}

/**
 * What the target cannot do for these steps: a DUT-initiated bring-up needs a way to make
 * the DUT initiate, unless an earlier expect_initiate already waits for it to do so by
 * itself (failover); DUT traffic needs a target that can make the DUT send some.
 */
function unmetCapability(steps: Raw[], can: TargetCapabilities): string | undefined {
  let initiatesByItself = false;
  for (const st of steps as Raw[]) {
    if (st.expect_initiate !== undefined) initiatesByItself = true;
    if (st.bring_up?.initiator === 'dut' && !initiatesByItself && !can.initiate) {
      return 'needs the DUT to initiate IKE and this target cannot make it: give target.control.initiate (a command that starts IKE towards $DPD_PEER_ADDRESS)';
    }
    const traffic = st.behave?.traffic;
    if (traffic !== undefined && traffic?.from !== 'peer' && !can.traffic) return 'needs the DUT to send protected traffic (on-demand DPD), which this target cannot make it do';
    if ((typeof traffic === 'object' || st.expect_esp !== undefined) && !can.esp) {
      return 'needs ESP through the DUT’s SA; a lab DUT has it only with lab.dut.data_plane: kernel-libipsec (the kernel’s ESP may be emulated, docs/lab.md)';
    }
  }
  return undefined;
}

function unmetRequirement(req: Raw, profile: DeviceProfile, steps: Raw[], host: HostCapabilities): string | undefined {
  const actual: Record<string, unknown> = {
    target: profile.target.kind,
    'ike.version': profile.ike.version,
    'dpd.mode': profile.dpd.mode,
    'dpd.action': profile.dpd.action,
    'dpd.retry_seq': profile.dpd.retrySeq,
    'dpd.dead_time_from': profile.dpd.deadTimeFrom,
    'dpd.delete_on_dead': profile.dpd.deleteOnDead,
    nat_t: profile.natT !== undefined,
    'nat_t.keepalives_count_as_liveness': profile.natT?.keepalivesCountAsLiveness,
    'ikev2_dpd.invalid_ike_spi': profile.ikev2Dpd?.invalidIkeSpi,
  };
  // A scenario speaks IKEv1 unless it asks for IKEv2: its steps are written in IKEv1's messages.
  for (const [key, want] of Object.entries({ 'ike.version': 1, ...req })) {
    if (key === 'min_peers') continue;
    const accepted = Array.isArray(want) ? want : [want];
    if (!accepted.includes(actual[key])) return `requires ${key} ${accepted.join(' or ')} (profile: ${String(actual[key])})`;
  }
  const ranks = steps.flatMap((st) => Object.values(st as Record<string, Raw>)).map((b) => (typeof b === 'object' && b !== null ? b.peer : undefined)).filter((p): p is number => typeof p === 'number');
  const needed = Math.max(req.min_peers ?? 1, ...ranks.map((r) => r + 1));
  if (needed > profile.dpd.peers.length) return `needs ${needed} peers in the DUT's peer list (profile dpd.peers has ${profile.dpd.peers.length})`;
  const missing = unmetCapability(steps, targetCapabilities(profile));
  if (missing) return missing;
  const icmp = steps.map((st) => (st as Raw).behave?.silence).find((v) => typeof v === 'string' && v.startsWith('icmp-'));
  if (icmp && !host.rawSocket) return `needs a raw socket to answer with ICMP (${icmp}): run as root or give node CAP_NET_RAW`;
  return undefined;
}

function compileStep(src: YamlSource, path: FieldPath, raw: Raw, profile: DeviceProfile, variables: ReadonlyMap<string, number>): PlannedStep {
  const [kind, body] = Object.entries(raw)[0] as [string, Raw];
  const at = [...path, kind];
  const fail = (sub: FieldPath, code: ErrorCode, message: string): never => {
    throw src.error(code, [...at, ...sub], message);
  };
  const value = (sub: FieldPath, v: number | string, opts: { integer?: boolean; positive?: boolean } = {}): number => {
    let n: number;
    if (typeof v === 'number') n = v;
    else {
      let expr: Expr;
      try {
        expr = parseExpression(v);
        n = evaluate(expr, variables);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        const name = /unknown variable \$\{([^}]+)\}/.exec(err.message)?.[1];
        if (name && (SUITE_VARIABLES as readonly string[]).includes(name)) throw new SkipScenario(`profile has no ${name}`);
        throw expressionError(src, [...at, ...sub], err);
      }
    }
    if (!Number.isFinite(n) || n < 0 || (opts.positive && n === 0)) fail(sub, 'ERR_CONFIG_EXPRESSION', `evaluates to ${n} with this profile; must be ${opts.positive ? 'greater than 0' : '0 or more'}`);
    if (opts.integer && !Number.isInteger(n)) fail(sub, 'ERR_CONFIG_EXPRESSION', `evaluates to ${n} with this profile; must be a whole number`);
    return n;
  };
  const peerIndex = (rank: number): number => profile.dpd.peers[rank]!;
  const timing = (b: Raw): Timing => {
    const origin: TimeOrigin = b.from ?? 'step';
    if (b.at !== undefined) return { kind: 'at', at: value(['at'], b.at), origin };
    const from = b.after === undefined ? 0 : value(['after'], b.after);
    const to = value(['within'], b.within);
    if (to < from) fail(['within'], 'ERR_CONFIG_EXPRESSION', `window ends (${to} s) before it starts (after ${from} s) with this profile`);
    return { kind: 'window', from, to, origin };
  };
  const where = `${src.file}:${src.locate(path).line}`;
  const step = ((): Step => {
    switch (kind) {
      case 'bring_up':
        return { kind: 'bring-up', initiator: body.initiator ?? 'peer', peerIndex: peerIndex(body.peer ?? 0), timeoutS: body.timeout === undefined ? 30 : value(['timeout'], body.timeout, { positive: true }) };
      case 'wait':
        return { kind: 'wait', seconds: typeof body === 'number' ? body : value([], body) };
      case 'behave':
        return compileBehave(body, (sub, v) => value(sub, v), (sub, m) => fail(sub, 'ERR_CONFIG_SCHEMA', m));
      case 'expect_message':
        return {
          kind: 'expect-message', message: body.kind as MessageKind, direction: body.direction ?? 'in', present: body.absent !== true, timing: timing(body),
          ...(body.peer === undefined ? {} : { peerIndex: peerIndex(body.peer) }),
        };
      case 'expect_probes':
        return {
          kind: 'expect-probes', count: value(['count'], body.count, { integer: true, positive: true }), spacing: value(['spacing'], body.spacing, { positive: true }),
          ...(body.first_at === undefined ? {} : { firstAt: value(['first_at'], body.first_at) }),
          origin: body.from ?? 'step', windowS: value(['within'], body.within, { positive: true }),
        };
      case 'expect_seq': {
        const r = body.relation;
        return { kind: 'expect-seq', relation: r === 'profile' ? (profile.dpd.retrySeq === 'reuse' ? 'same' : 'increment') : r };
      }
      case 'expect_sa_gone':
        return { kind: 'expect-sa-gone', gone: body.gone !== false, timing: timing(body) };
      case 'expect_delete': {
        const expected = body.expected === 'profile' || body.expected === undefined ? profile.dpd.deleteOnDead : body.expected;
        return { kind: 'expect-message', message: 'delete', direction: 'in', present: expected, timing: timing(body) };
      }
      case 'expect_initiate':
        return { kind: 'expect-initiate', peerIndex: peerIndex(body.peer), timing: timing(body) };
      case 'expect_icmp':
        return { kind: 'expect-icmp' };
      case 'expect_esp': {
        const min = (k: string): number => (body[k] === undefined ? 0 : value([k], body[k], { integer: true }));
        return { kind: 'expect-esp', minSent: min('min_sent'), minReceived: min('min_received'), minReplies: min('min_replies'), minRequests: min('min_requests') };
      }
      case 'expect_nat_t':
        return { kind: 'expect-nat-t', minKeepalives: body.min_keepalives === undefined ? 0 : value(['min_keepalives'], body.min_keepalives, { integer: true }) };
      case 'dpd_at_scale': {
        const count = (k: string): number => value([k], body[k], { integer: true });
        const sas = count('sas');
        const silent = count('silent');
        if (sas === 0) fail(['sas'], 'ERR_CONFIG_EXPRESSION', 'must be at least 1');
        if (silent > sas) fail(['silent'], 'ERR_CONFIG_EXPRESSION', `${silent} silent SAs but only ${sas} SAs`);
        const { maxSas } = targetCapabilities(profile);
        if (sas > maxSas) throw new SkipScenario(`needs ${sas} SAs at once, each on its own fake-peer endpoint; this target holds ${maxSas} (a lab: one per lab.peer_addresses entry)`);
        return {
          kind: 'dpd-at-scale', sas, silent,
          interval: value(['interval'], body.interval, { positive: true }), retryInterval: value(['retry_interval'], body.retry_interval, { positive: true }),
          probesBeforeDead: value(['probes_before_dead'], body.probes_before_dead, { integer: true, positive: true }), deadAt: value(['dead_at'], body.dead_at),
          windowS: value(['within'], body.within, { positive: true }), timeoutS: body.timeout === undefined ? 120 : value(['timeout'], body.timeout, { positive: true }),
        };
      }
      default:
        return fail([], 'ERR_CONFIG_SCHEMA', `unknown step ${kind}`);
    }
  })();
  return { step, where };
}

function compileBehave(b: Raw, value: (sub: FieldPath, v: number | string) => number, fail: (sub: FieldPath, m: string) => never): Step {
  const change: Partial<Behaviour> = {};
  const parts: string[] = [];
  if (b.answer) {
    Object.assign(change, { silence: 'none', answerDelayMs: 0, dpd: 'answer', ackSeq: { kind: 'echo' } });
    parts.push('answer');
  }
  if (b.silence !== undefined) {
    change.silence = b.silence;
    parts.push(`silence ${b.silence}`);
  }
  if (b.icmp_from !== undefined) {
    if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(b.icmp_from) || b.icmp_from.split('.').some((o: string) => Number(o) > 255)) {
      fail(['icmp_from'], `icmp_from must be an IPv4 address, got ${JSON.stringify(b.icmp_from)}`);
    }
    change.icmpFrom = b.icmp_from;
    parts.push(`ICMP from ${b.icmp_from}`);
  }
  if (b.delay_ack !== undefined) {
    change.answerDelayMs = Math.round(value(['delay_ack'], b.delay_ack) * 1000);
    parts.push(`delay ACKs ${change.answerDelayMs / 1000} s`);
  }
  if (b.ignore_dpd !== undefined) {
    change.dpd = b.ignore_dpd ? 'ignore' : 'answer';
    parts.push(b.ignore_dpd ? 'ignore R-U-THERE' : 'answer R-U-THERE');
  }
  if (b.ignore_echo !== undefined) {
    change.ignoreEcho = b.ignore_echo;
    parts.push(b.ignore_echo ? 'ignore echo requests in ESP' : 'answer echo requests in ESP');
  }
  if (b.hide_dpd_vid !== undefined) {
    change.hideDpdVendorId = b.hide_dpd_vid;
    parts.push(b.hide_dpd_vid ? 'hide DPD vendor ID' : 'send DPD vendor ID');
  }
  if (b.lose_state !== undefined) {
    change.lostState = b.lose_state;
    parts.push(b.lose_state ? 'lose the IKE SA state' : 'IKE SA state back');
  }
  if (b.ack_seq !== undefined) {
    change.ackSeq = ackSeq(b.ack_seq, fail);
    parts.push(`ACK seq ${typeof b.ack_seq === 'object' ? `const ${b.ack_seq.const}` : b.ack_seq}`);
  }
  let sendProbe: ProbeSeq | undefined;
  if (b.send_probe !== undefined) {
    const s = b.send_probe.seq ?? 'next';
    if (typeof s === 'number') sendProbe = { kind: 'value', value: s >>> 0 };
    else if (['next', 'repeat', 'decrease', 'wrap'].includes(s)) sendProbe = { kind: s } as ProbeSeq;
    else fail(['send_probe', 'seq'], `must be next, repeat, decrease, wrap or a number, got ${JSON.stringify(s)}`);
    parts.push(`send R-U-THERE (seq ${typeof s === 'number' ? s : s})`);
  }
  const nat = compileNat(b.nat, value);
  if (nat.change) change.nat = nat.change;
  parts.push(...nat.parts);
  const sendCrafted = b.send_crafted as CraftKind | undefined;
  if (sendCrafted) parts.push(`send crafted ${sendCrafted}`);
  const traffic = compileTraffic(b.traffic, value);
  if (traffic.part) parts.push(traffic.part);
  return {
    kind: 'behave', change, label: parts.join(', '), ...(nat.rebind ? { natRebind: true } : {}),
    ...(sendProbe ? { sendProbe } : {}), ...(sendCrafted ? { sendCrafted } : {}), ...traffic.step,
  };
}

/** `traffic: true | false` (the DUT's, as before) or `{ from: peer | dut, rate }` packets/s, rate 0 stopping it. */
function compileTraffic(t: Raw, value: (sub: FieldPath, v: number | string) => number): { step: Pick<Extract<Step, { kind: 'behave' }>, 'dutTraffic' | 'dutTrafficRate' | 'peerTraffic'>; part?: string } {
  if (t === undefined) return { step: {} };
  if (typeof t === 'boolean') return { step: { dutTraffic: t }, part: t ? 'DUT traffic on' : 'DUT traffic off' };
  const rate = t.rate === undefined ? 1 : value(['traffic', 'rate'], t.rate);
  if (t.from === 'peer') return { step: { peerTraffic: rate }, part: rate > 0 ? `peer ESP traffic ${rate}/s` : 'peer ESP traffic off' };
  return { step: { dutTraffic: rate > 0, ...(rate > 0 ? { dutTrafficRate: rate } : {}) }, part: rate > 0 ? `DUT traffic ${rate}/s` : 'DUT traffic off' };
}

/** `behave: { nat: … }`; a rebinding sends an R-U-THERE from the new port (the DUT learns ports only from authenticated messages, RFC 3947 §4). */
function compileNat(n: Raw, value: (sub: FieldPath, v: number | string) => number): { change?: Behaviour['nat']; rebind: boolean; parts: string[] } {
  if (n === undefined) return { rebind: false, parts: [] };
  const change: NonNullable<Behaviour['nat']> = {};
  const parts: string[] = [];
  if (n.force_encapsulation !== undefined) {
    change.forceEncapsulation = n.force_encapsulation;
    parts.push(n.force_encapsulation ? 'force UDP encapsulation' : 'no forced encapsulation');
  }
  if (n.keepalive !== undefined) {
    change.keepaliveS = value(['nat', 'keepalive'], n.keepalive);
    parts.push(`NAT-keepalive every ${change.keepaliveS} s`);
  }
  if (n.stop_keepalive_at !== undefined) {
    change.stopKeepaliveAtS = value(['nat', 'stop_keepalive_at'], n.stop_keepalive_at);
    parts.push(`keepalives stop at ${change.stopKeepaliveAtS} s`);
  }
  if (n.rebind) parts.push('NAT rebinding');
  return { ...(Object.keys(change).length > 0 ? { change } : {}), rebind: n.rebind === true, parts };
}

function ackSeq(v: Raw, fail: (sub: FieldPath, m: string) => never): SeqTransform {
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 1 && Number.isInteger(v.const) && v.const >= 0) return { kind: 'constant', value: v.const };
  const named: Record<string, SeqTransform> = { echo: { kind: 'echo' }, plus1: { kind: 'plus-one' }, minus1: { kind: 'minus-one' }, stale: { kind: 'stale' } };
  return named[v as string] ?? fail(['ack_seq'], `must be echo, plus1, minus1, stale or {const: N}, got ${JSON.stringify(v)}`);
}
