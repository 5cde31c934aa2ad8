/**
 * The lab's network, planned as data and applied separately (as changesets
 * plans a release): planTopology / planTeardown are pure and unit-tested
 * without root; applySteps and applyStepsSync execute a plan.
 *
 *   <lab>-dut namespace                         root namespace (default) or <lab>-peer
 *   <lab>-d  dut_address/len   <=== veth ===>   <lab>-p  peer_addresses/len
 *   lo       first host of each dut_subnet      lo (only <lab>-peer) first host of each peer_subnet
 *
 * In the default mode the harness end stays in the root namespace because the
 * fake peer binds its UDP sockets in the harness process; only the link
 * subnet's connected route appears there, and it is a documentation range.
 */
import { execFileSync } from 'node:child_process';
import { LabError } from '../errors.js';
import { formatAddress, hostAddress, overlaps, parsePrefix, type Prefix } from './ipv4.js';
import type { LabSpec } from './lab-spec.js';
import type { DataPlane } from './data-plane.js';
import { LabCommandError, type Supervisor } from './supervisor.js';

export interface LabNames {
  dutNs: string;
  peerNs: string;
  /** veth end in the DUT namespace. */
  dutLink: string;
  /** veth end on the harness side (root namespace, or peerNs). */
  peerLink: string;
}

export function labNames(lab: string): LabNames {
  return { dutNs: `${lab}-dut`, peerNs: `${lab}-peer`, dutLink: `${lab}-d`, peerLink: `${lab}-p` };
}

export type Step =
  /** `ip [-n netns] args…`; a failure whose stderr matches `tolerate` is not an error (teardown of what may be gone). */
  | { op: 'ip'; netns?: string; args: string[]; tolerate?: RegExp }
  | { op: 'sysctl'; netns?: string; key: string; value: string; tolerate?: RegExp }
  /** SIGKILL every process left in a namespace (`ip netns pids`). */
  | { op: 'kill-netns-pids'; netns: string };

/** Larval SPI states must outlive the test: the shim fakes the UPDSA that would replace them (docs/lab.md). */
export const XFRM_ACQ_EXPIRES = '86400';

function firstHost(subnet: string): string {
  const p = parsePrefix(subnet) as Prefix;
  // A /32 inner "subnet" is a single address; otherwise take the first usable host.
  return `${formatAddress(p.length === 32 ? p.network : hostAddress(p, 1))}/${p.length}`;
}

export function planTopology(spec: LabSpec, dataPlane: DataPlane): Step[] {
  const n = labNames(spec.name);
  const len = (parsePrefix(spec.subnet) as Prefix).length;
  const peerNs = spec.peerNetns ? n.peerNs : undefined;
  const namespaces = peerNs ? [n.dutNs, peerNs] : [n.dutNs];
  const steps: Step[] = [];

  for (const ns of namespaces) {
    steps.push({ op: 'ip', args: ['netns', 'add', ns] });
    steps.push({ op: 'ip', netns: ns, args: ['link', 'set', 'lo', 'up'] });
    if (dataPlane === 'emulated') steps.push({ op: 'sysctl', netns: ns, key: 'net.core.xfrm_acq_expires', value: XFRM_ACQ_EXPIRES });
  }

  // Both ends are created where they belong, so no half-moved veth exists even for a moment.
  steps.push({
    op: 'ip',
    args: ['link', 'add', n.peerLink, ...(peerNs ? ['netns', peerNs] : []), 'type', 'veth', 'peer', 'name', n.dutLink, 'netns', n.dutNs],
  });
  // No IPv6 on the link: router solicitations and DAD would only clutter the captures
  // (on a host booted without IPv6 the keys do not exist, which is just as good).
  const noIpv6 = /cannot stat|No such file or directory/;
  steps.push({ op: 'sysctl', netns: n.dutNs, key: `net.ipv6.conf.${n.dutLink}.disable_ipv6`, value: '1', tolerate: noIpv6 });
  steps.push({ op: 'sysctl', netns: peerNs, key: `net.ipv6.conf.${n.peerLink}.disable_ipv6`, value: '1', tolerate: noIpv6 });

  steps.push({ op: 'ip', netns: n.dutNs, args: ['addr', 'add', `${spec.dutAddress}/${len}`, 'dev', n.dutLink] });
  for (const s of spec.dutSubnets) steps.push({ op: 'ip', netns: n.dutNs, args: ['addr', 'add', firstHost(s), 'dev', 'lo'] });
  steps.push({ op: 'ip', netns: n.dutNs, args: ['link', 'set', n.dutLink, 'up'] });

  for (const a of spec.peerAddresses) steps.push({ op: 'ip', netns: peerNs, args: ['addr', 'add', `${a}/${len}`, 'dev', n.peerLink] });
  // Inner subnets on the harness side only exist in a namespace: never on the root namespace's lo.
  if (peerNs) for (const s of spec.peerSubnets) steps.push({ op: 'ip', netns: peerNs, args: ['addr', 'add', firstHost(s), 'dev', 'lo'] });
  steps.push({ op: 'ip', netns: peerNs, args: ['link', 'set', n.peerLink, 'up'] });
  return steps;
}

const GONE = /Cannot find device|No such file or directory|does not exist|Invalid "netns" value/;

/**
 * Removes everything a lab of this name can have created, whatever state it is
 * in (also after a crash): processes in its namespaces first, because a
 * namespace with processes left outlives `ip netns del` together with its veth.
 * Deleting one veth end deletes the other.
 */
export function planTeardown(lab: string, existingNamespaces: readonly string[]): Step[] {
  const n = labNames(lab);
  const namespaces = [n.dutNs, n.peerNs].filter((ns) => existingNamespaces.includes(ns));
  return [
    ...namespaces.map((ns): Step => ({ op: 'kill-netns-pids', netns: ns })),
    ...namespaces.map((ns): Step => ({ op: 'ip', args: ['netns', 'del', ns], tolerate: GONE })),
    { op: 'ip', args: ['link', 'del', n.peerLink], tolerate: GONE },
  ];
}

/** Parses `ip netns list` output ("name (id: 3)" per line). */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((s) => s.length > 0);
}

interface IpAddrJson {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
}
interface IpRouteJson {
  dst?: string;
  dev?: string;
}

/**
 * What in the root namespace already uses addresses overlapping the lab's link
 * subnet (from `ip -j addr` and `ip -j route`), ignoring the lab's own veth.
 * Two labs, or a lab and the host's uplink, must never share a subnet there.
 */
export function findSubnetConflicts(subnet: string, addrs: IpAddrJson[], routes: IpRouteJson[], ownLink: string): string[] {
  const mine = parsePrefix(subnet) as Prefix;
  const found: string[] = [];
  for (const link of addrs) {
    if (link.ifname === ownLink) continue;
    for (const a of link.addr_info ?? []) {
      if (a.family !== 'inet' || !a.local || a.prefixlen === undefined) continue;
      const p = parsePrefix(`${a.local}/${a.prefixlen}`, false);
      if (p && overlaps(p, mine)) found.push(`${a.local}/${a.prefixlen} on ${link.ifname}`);
    }
  }
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || r.dev === ownLink) continue;
    const p = parsePrefix(r.dst.includes('/') ? r.dst : `${r.dst}/32`, false);
    if (p && overlaps(p, mine)) found.push(`route ${r.dst} via ${r.dev ?? '?'}`);
  }
  return [...new Set(found)];
}

export async function checkSubnetFree(supervisor: Supervisor, subnet: string, ownLink: string): Promise<void> {
  const addrs = JSON.parse((await supervisor.run('ip', ['-j', '-4', 'addr', 'show'])).stdout || '[]') as IpAddrJson[];
  const routes = JSON.parse((await supervisor.run('ip', ['-j', '-4', 'route', 'show'])).stdout || '[]') as IpRouteJson[];
  const conflicts = findSubnetConflicts(subnet, addrs, routes, ownLink);
  if (conflicts.length > 0) {
    throw new LabError(
      'ERR_LAB_SUBNET_BUSY',
      `lab subnet ${subnet} overlaps ${conflicts.join(', ')} in the root namespace; give this lab its own subnet (lab.subnet)`,
    );
  }
}

function stepArgv(step: Exclude<Step, { op: 'kill-netns-pids' }>): string[] {
  const inNs = step.netns ? ['ip', 'netns', 'exec', step.netns] : [];
  return step.op === 'ip'
    ? ['ip', ...(step.netns ? ['-n', step.netns] : []), ...step.args]
    : [...inNs, 'sysctl', '-q', '-w', `${step.key}=${step.value}`];
}

export function describeStep(step: Step): string {
  return step.op === 'kill-netns-pids' ? `kill processes in ${step.netns}` : stepArgv(step).join(' ');
}

export async function applySteps(supervisor: Supervisor, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    if (step.op === 'kill-netns-pids') {
      const { stdout } = await supervisor.run('ip', ['netns', 'pids', step.netns]).catch(() => ({ stdout: '' }));
      for (const pid of stdout.split(/\s+/).filter(Boolean)) killQuietly(Number(pid));
      continue;
    }
    const [cmd, ...args] = stepArgv(step);
    try {
      await supervisor.run(cmd, args);
    } catch (err) {
      if (step.tolerate && err instanceof LabCommandError && step.tolerate.test(err.stderr)) continue;
      throw err;
    }
  }
}

/**
 * The same plan executed synchronously, for process 'exit' handlers where no
 * promise will ever settle. Best effort: every step is tried, failures ignored.
 */
export function applyStepsSync(steps: readonly Step[]): void {
  for (const step of steps) {
    try {
      if (step.op === 'kill-netns-pids') {
        const out = execFileSync('ip', ['netns', 'pids', step.netns], { timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
        for (const pid of out.toString().split(/\s+/).filter(Boolean)) killQuietly(Number(pid));
      } else {
        const [cmd, ...args] = stepArgv(step);
        execFileSync(cmd, args, { timeout: 5_000, stdio: 'ignore' });
      }
    } catch {
      // Keep going: the next step may still remove something.
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Exited meanwhile.
  }
}
