/**
 * A device profile, typed: what the DUT is, how to reach it, and what its DPD
 * must do. The YAML shape is schema/profile.schema.json (snake_case); this is
 * the loaded form (camelCase, defaults filled, secret wrapped).
 */
import type { LabSpec } from '../lab/lab-spec.js';
import type { TargetKind } from '../report/result-model.js';
import type { Secret } from './secret.js';

export type DpdMode = 'periodic' | 'idle' | 'on-demand';
export type DeadTimeFrom = 'last-inbound' | 'first-unanswered-probe';
export type RetrySeq = 'reuse' | 'increment';
export type DpdAction = 'clear' | 'hold' | 'restart' | 'failover';

export interface Tolerance {
  /** Seconds. */
  absolute: number;
  /** Fraction of the expected value. */
  relative: number;
}

export interface DpdSemantics {
  mode: DpdMode;
  /** Seconds between probes while the peer answers. */
  interval: number;
  /** Seconds between probes after a missed ACK. */
  retryInterval: number;
  /** Unanswered probes, the first included, before the peer is declared dead. */
  probesBeforeDead: number;
  deadTimeFrom: DeadTimeFrom;
  /** Seconds from `deadTimeFrom` to the dead declaration. */
  deadTimeout: number;
  retrySeq: RetrySeq;
  deleteOnDead: boolean;
  action: DpdAction;
  /** Ordered peer list (indexes into the fake peer's addresses); [0] without failover. */
  peers: number[];
  failover?: { mechanism: string; within: number };
  tolerance: Tolerance;
}

export interface IkeProposal {
  encryption: 'aes-128' | 'aes-192' | 'aes-256' | '3des';
  hash: 'sha1' | 'sha2-256' | 'sha2-384' | 'sha2-512' | 'md5';
  group: 'modp1024' | 'modp1536' | 'modp2048' | 'modp3072' | 'modp4096';
}

export interface EspProposalSpec {
  encryption: IkeProposal['encryption'];
  integrity: 'md5' | 'sha1' | 'sha2-256' | 'sha2-384' | 'sha2-512';
}

export interface IkeParameters {
  proposals: IkeProposal[];
  espProposals: EspProposalSpec[];
  /** Quick Mode PFS group; absent: no PFS. */
  pfsGroup?: IkeProposal['group'];
  localId?: string;
  remoteId?: string;
  /** Seconds. */
  lifetime: { ike: number; ipsec: number };
}

export interface ExpectedFailure {
  /** `<suite>/<scenario id>` pattern; `*` matches any run of characters. */
  scenario: string;
  reason: string;
}

export type ProfileTarget =
  | { kind: 'reference'; peerAddresses: string[]; dut: Record<string, unknown> }
  | { kind: 'strongswan' | 'libreswan'; lab: LabSpec }
  | { kind: 'external'; address: string; port: number; peerAddresses: string[] };

export interface DeviceProfile {
  /** The file it was loaded from. */
  file: string;
  identity: { vendor: string; product: string; version: string };
  target: ProfileTarget;
  ike: IkeParameters;
  psk: Secret;
  dpd: DpdSemantics;
  expectFail: ExpectedFailure[];
}

export const targetKind = (p: DeviceProfile): TargetKind => p.target.kind;

/** The fake peer's addresses in the DUT's peer-list order. */
export function peerAddresses(p: DeviceProfile): string[] {
  const t = p.target;
  return 'lab' in t ? t.lab.peerAddresses : t.peerAddresses;
}
