/**
 * TargetFactory for lab DUTs (strongSwan, Libreswan): brings the lab up from
 * the profile's `lab:` section, and gives each scenario a fresh fake peer on
 * the lab's peer addresses (UDP/500, root namespace) with the real IKE engine.
 * One DUT serves every peer address, so a lab runs one scenario at a time; with
 * `jobs` > 1 the factory brings up that many copies of the lab and hands each
 * scenario an idle one. An `ike.version: 2` profile gets the IKEv2 fake peer.
 */
import type { Clock, Endpoint, Random } from '../events.js';
import { IkeEngine } from '../ike/index.js';
import { ConfigError } from '../errors.js';
import { parseDaemonConfig } from '../lab/daemon-config.js';
import { versionWithPackage } from '../lab/daemon-package.js';
import { daemonVersionFromLog } from '../lab/daemon-version.js';
import type { DaemonLogLine } from '../lab/dut-adapter-types.js';
import { Lab } from '../lab/lab.js';
import { replicaSpecs } from '../lab/lab-replica.js';
import type { LabSpec } from '../lab/lab-spec.js';
import { FakePeer } from '../peer/fake-peer.js';
import { KernelReceiveStamps } from '../peer/kernel-receive-stamps.js';
import { systemRandom } from '../peer/system-random.js';
import type { DeviceProfile } from '../profile/device-profile.js';
import type { DaemonLog } from '../report/result-model.js';
import { engineConfigFor, innerAddresses, peerBindings, withPeerSockets } from './engine-config.js';
import { startDutTraffic, type DutTraffic } from '../lab/dut-traffic.js';
import { Ikev2Engine } from '../ike/v2/ikev2-engine.js';
import { Ikev2Peer } from '../peer/ikev2-peer.js';
import { ikev2EngineConfigFor } from './ikev2-engine-config.js';
import { Ikev2PeerScenarioTarget } from './ikev2-peer-target.js';
import { PeerScenarioTarget, type PeerTargetOptions } from './peer-target.js';
import { targetCapabilities } from './capabilities.js';
import type { ScenarioTarget, TargetFactory } from './target.js';

const IKE_PORT = 500;
/** The lab adapters name the DUT's connection to peer address i `peer<i+1>` (src/lab/daemon-config.ts). */
const connName = (peerIndex: number): string => `peer${peerIndex + 1}`;

/**
 * strongSwan and Libreswan fail over only through what the lab renders from `lab.dut.failover`
 * (src/lab/failover-hook.ts): a profile promising `dpd.action: failover` must ask for it over
 * the same peer order, and one without failover must not get the hook.
 */
export function checkFailover(profile: DeviceProfile): void {
  if (!('lab' in profile.target)) return;
  const rendered = parseDaemonConfig(profile.target.lab.dut).failover?.peers;
  const where = { file: profile.file, line: 1, col: 1 };
  if (profile.dpd.action === 'failover') {
    if (rendered === undefined) {
      throw new ConfigError('ERR_CONFIG_SCHEMA', where, 'dpd.action failover needs lab.dut.failover { peers: […] }: the daemon has no peer list of its own (docs/lab.md, failover)');
    }
    if (rendered.join() !== profile.dpd.peers.join()) {
      throw new ConfigError('ERR_CONFIG_SCHEMA', where, `lab.dut.failover.peers [${rendered.join(', ')}] differs from dpd.peers [${profile.dpd.peers.join(', ')}]`);
    }
  } else if (rendered !== undefined) {
    throw new ConfigError('ERR_CONFIG_SCHEMA', where, `lab.dut.failover renders a failover hook but dpd.action is ${profile.dpd.action} (set it to failover)`);
  }
}

export interface LabTargetOptions {
  /** Scenarios at once: one lab copy each (src/lab/lab-replica.ts); default 1. */
  jobs?: number;
  progress?(line: string): void;
  random?: Random;
}

/** One running copy of the lab and what the scenarios on it need. */
interface LabCopy {
  lab: Lab;
  dutEndpoint: Endpoint;
  peerEndpoints: Endpoint[];
  /** The DUT's log lines since the current scenario opened the copy: older ones no report reads again. */
  logLines: DaemonLogLine[];
  /** From the daemon's start-up banner, kept when the lines that held it are dropped. */
  version?: string;
}

async function startCopy(spec: LabSpec, clock: Clock, progress: (line: string) => void, stopped: () => boolean): Promise<LabCopy> {
  const lab = await Lab.up(spec, { clock, progress });
  const copy: LabCopy = {
    lab,
    dutEndpoint: { address: spec.dutAddress, port: IKE_PORT },
    peerEndpoints: lab.peerBind.addresses.map((address) => ({ address, port: IKE_PORT })),
    logLines: [],
  };
  const dut = lab.dut;
  if (dut) {
    void (async () => {
      for await (const line of dut.logLines()) {
        if (stopped()) break;
        copy.version ??= daemonVersionFromLog([line]);
        copy.logLines.push(line);
      }
    })().catch(() => undefined);
  }
  return copy;
}

/**
 * Drops the lines before `since`, in place (the collector keeps appending to the same array).
 * pluto with plutodebug=base writes hundreds of thousands of lines in a long run; kept whole, they
 * grew the harness's heap until its major collections paused the event loop for tenths of a second.
 */
function dropLinesBefore(lines: DaemonLogLine[], since: bigint): void {
  let kept = 0;
  while (kept < lines.length && lines[kept]!.t < since) kept++;
  lines.splice(0, kept);
}

export async function createLabTargetFactory(profile: DeviceProfile, clock: Clock, options: LabTargetOptions = {}): Promise<TargetFactory> {
  if (!('lab' in profile.target)) throw new Error('createLabTargetFactory needs a lab profile');
  const spec = profile.target.lab;
  checkFailover(profile);
  const progress = options.progress ?? (() => undefined);
  let collecting = true;
  const copies: LabCopy[] = [];
  try {
    // One after another: each copy's set-up checks the root namespace for subnets in use.
    for (const s of replicaSpecs(spec, options.jobs ?? 1)) copies.push(await startCopy(s, clock, progress, () => !collecting));
  } catch (err) {
    collecting = false;
    await Promise.allSettled(copies.map((c) => c.lab.down()));
    throw err;
  }
  const idle = [...copies];
  const random = options.random ?? systemRandom;
  const config = engineConfigFor(profile, random);

  return {
    clock,
    capabilities: targetCapabilities(profile),
    maxJobs: copies.length,
    dataPlane: copies[0]!.lab.status().dataPlane ?? 'emulated',
    dutVersion: () => versionWithPackage(copies[0]!.version, parseDaemonConfig(spec.dut).package),
    async open(): Promise<ScenarioTarget> {
      // The pool opens at most maxJobs targets at once, so a copy is always free.
      const copy = idle.shift();
      if (!copy) throw new Error('more scenarios at once than lab copies');
      const { lab, dutEndpoint, peerEndpoints, logLines } = copy;
      const openedAt = clock.now();
      dropLinesBefore(logLines, openedAt);
      const dut = lab.dut;
      const name = lab.status().lab;
      let peer: FakePeer | Ikev2Peer;
      let traffic: DutTraffic | undefined;
      const inner = innerAddresses(profile, peerEndpoints[0]!.address, spec.dutAddress);
      const openReceiveStamps = (): KernelReceiveStamps => KernelReceiveStamps.open({ clock, addresses: peerEndpoints.map((e) => e.address) });
      try {
        peer = profile.ike.version === 2
          ? await Ikev2Peer.start({ bind: withPeerSockets(profile, peerEndpoints), clock, engine: new Ikev2Engine(ikev2EngineConfigFor(profile, random)), holdsLiveness: true, openReceiveStamps })
          : await FakePeer.start({ bind: peerBindings(profile, peerEndpoints), clock, createEngine: (hooks) => new IkeEngine(config, hooks), openReceiveStamps });
      } catch (err) {
        idle.push(copy);
        throw err;
      }
      const common = {
        clock,
        openedAt,
        dut: dutEndpoint,
        peerEndpoints,
        innerAddresses: inner,
        control: {
          // A ping from the DUT's inner address to the peer's: charon routes it into its tunnel.
          async setTraffic(on, rate = 1) {
            await traffic?.stop();
            traffic = on ? await startDutTraffic(lab, { source: inner.destination, destination: inner.source, rate }) : undefined;
          },
          async hasSa(peerAddress) {
            const sas = (await dut?.listSas()) ?? [];
            return sas.some((s) => s.ike.established && s.ike.peer.split(/[[\]:]/).includes(peerAddress));
          },
          async initiate(peerIndex) {
            await dut?.initiate(connName(peerIndex));
          },
          async listedPeers() {
            return ((await dut?.listSas()) ?? []).filter((s) => s.ike.established).map((s) => s.ike.peer);
          },
          daemonLogs(since): DaemonLog[] {
            const lines = logLines.filter((l) => l.t >= since);
            return lines.length ? [{ daemon: `${spec.dutKind} (${name})`, lines }] : [];
          },
        },
        release: async () => {
          try {
            await traffic?.stop();
            await peer.close();
            // The next scenario starts from a DUT without SAs (a dead one may linger in hold).
            for (const [i] of peerEndpoints.entries()) await dut?.terminate(connName(i)).catch(() => undefined);
            // The scenario's log window closes next: take in what the daemon wrote up to now, not up to the last poll.
            await dut?.catchUpLog();
            await new Promise<void>((resolve) => setImmediate(resolve));
          } finally {
            idle.push(copy);
          }
        },
      } satisfies Omit<PeerTargetOptions, 'peer' | 'random'>;
      return peer instanceof Ikev2Peer ? new Ikev2PeerScenarioTarget({ ...common, peer }) : new PeerScenarioTarget({ ...common, peer, random });
    },
    async close() {
      collecting = false;
      await Promise.all(copies.map((c) => c.lab.down()));
    },
  };
}
