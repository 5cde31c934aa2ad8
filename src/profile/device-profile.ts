/**
 * A device profile, typed: what the DUT is, how to reach it, and what its DPD
 * must do. The YAML shape is schema/profile.schema.json (snake_case); this is
 * the loaded form (camelCase, defaults filled, secret wrapped).
 */
import type { IkeVersion, LabSpec } from '../lab/lab-spec.js';
import type { TargetKind } from '../report/result-model.js';
import type { CiscoIkev2Dpd, LibreswanRetransmit, LivenessSchedule, StrongswanRetransmit } from './ikev2-liveness-schedule.js';
import type { PeerSettings } from './peer-settings.js';
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

/** The vendor knobs that set an IKEv2 request's retransmissions (ikev2-liveness-schedule.ts). */
export type Ikev2Retransmit =
  | ({ vendor: 'strongswan' } & StrongswanRetransmit)
  | ({ vendor: 'libreswan' } & LibreswanRetransmit)
  | ({ vendor: 'cisco' } & CiscoIkev2Dpd);

/** An IKEv2 profile's liveness check (RFC 7296 §2.4), as the profile's ikev2_dpd section gives it. */
export interface Ikev2Dpd {
  mode: DpdMode;
  /** Seconds: dpd_delay / dpddelay / crypto ikev2 dpd <interval>. */
  interval: number;
  retransmit: Ikev2Retransmit;
  /** What the knobs predict, from the first transmission of the request. */
  schedule: LivenessSchedule;
  deleteOnDead: boolean;
  /** An unprotected INVALID_IKE_SPI answering the liveness request: ignored (RFC 7296 §2.21.4) or taken as the peer's death. */
  invalidIkeSpi: 'ignore' | 'peer-dead';
  action: DpdAction;
  /** `set peer` order as indexes into the fake peer's addresses; [0] without failover. */
  peers: number[];
  failover?: { mechanism: string; within: number };
  tolerance: Tolerance;
}

export interface IkeProposal {
  encryption: 'aes-128' | 'aes-192' | 'aes-256' | '3des';
  hash: 'sha1' | 'sha2-256' | 'sha2-384' | 'sha2-512' | 'md5';
  group: 'modp1024' | 'modp1536' | 'modp2048' | 'modp3072' | 'modp4096';
}

/** One IKEv2 proposal (RFC 7296 §3.3): the transforms of each type it accepts, in preference order. */
export interface Ikev2Proposal {
  encryption: Array<'aes-cbc-128' | 'aes-cbc-256' | 'aes-gcm-16-128' | 'aes-gcm-16-256'>;
  /** Empty with AES-GCM, which carries its own integrity (RFC 5282). */
  integrity: Array<'hmac-sha1-96' | 'hmac-sha2-256-128'>;
  prf: Array<'hmac-sha1' | 'hmac-sha2-256'>;
  group: Array<'modp2048' | 'ecp256' | 'ecp384'>;
}

/** One IKEv2 CHILD_SA (ESP) proposal: its ciphers and integrity; no ESN, no PFS in IKE_AUTH (RFC 7296 §1.2). */
export type Ikev2EspProposalSpec = Pick<Ikev2Proposal, 'encryption' | 'integrity'>;

export interface EspProposalSpec {
  encryption: IkeProposal['encryption'];
  integrity: 'md5' | 'sha1' | 'sha2-256' | 'sha2-384' | 'sha2-512';
}

/**
 * One Quick Mode pairing (one IPsec SA), from the fake peer's point of view:
 * `local` is the network behind the fake peer (the DUT's remote/destination
 * side, e.g. the destination of a Cisco crypto ACL), `remote` the network
 * behind the DUT. Each side is `a.b.c.d/len` (ID_IPV4_ADDR_SUBNET),
 * `a.b.c.d-e.f.g.h` (ID_IPV4_ADDR_RANGE) or `a.b.c.d` (ID_IPV4_ADDR).
 */
export interface TrafficSelector {
  local: string;
  remote: string;
  /** IP protocol number (RFC 2407 §4.6.2); 0 or absent: any. */
  protocol?: number;
  /** UDP/TCP port on both sides; 0 or absent: any. */
  port?: number;
}

export interface IkeParameters {
  /** 1: IKEv1 (RFC 2409), the default; 2: IKEv2 (RFC 7296). */
  version: IkeVersion;
  proposals: IkeProposal[];
  /** What the fake peer offers with version 2. */
  ikev2Proposals: Ikev2Proposal[];
  /** The CHILD_SA proposals the fake peer offers with version 2; the ikev2Proposals' ciphers when the profile gives none. */
  ikev2EspProposals: Ikev2EspProposalSpec[];
  /** Quick Mode identities; empty: host-to-host (no ID payloads, or the lab's subnets). */
  trafficSelectors: TrafficSelector[];
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

/** Parsers of DUT status output (src/target/control): which CLI printed it. */
export type StatusFormat =
  | 'cisco-ios-isakmp-sa' // show crypto isakmp sa
  | 'cisco-ios-crypto-session' // show crypto session
  | 'strongswan-swanctl' // swanctl --list-sas
  | 'libreswan-trafficstatus' // ipsec trafficstatus
  | 'libreswan-showstates' // ipsec whack --showstates
  | 'juniper-srx' // show security ike security-associations
  | 'panos' // show vpn ike-sa
  | 'fortios' // diagnose vpn ike gateway list
  | 'regex'; // `pattern` with a named group `peer`: a matching line is an SA with that peer

/**
 * A shell command the user gives for driving their device, run with `sh -c` so
 * their own `ssh` (config, keys, jump hosts) works. Environment:
 * DPD_PEER_ADDRESS, DPD_PEER_INDEX, DPD_DUT_ADDRESS. Never a secret in it.
 */
export interface ControlCommand {
  command: string;
  /** Seconds before the command is killed. */
  timeoutS: number;
}

export interface StatusControl extends ControlCommand {
  format: StatusFormat;
  /** With format `regex`: a JavaScript regular expression with a named group `peer`. */
  pattern?: string;
  /** Seconds between status polls while a scenario runs. */
  intervalS: number;
}

export interface TargetControl {
  status?: StatusControl;
  initiate?: ControlCommand;
  terminate?: ControlCommand;
}

export type ProfileTarget =
  | { kind: 'reference'; peerAddresses: string[]; dut: Record<string, unknown> }
  | { kind: 'strongswan' | 'libreswan'; lab: LabSpec }
  | { kind: 'external'; address: string; port: number; peerAddresses: string[]; control?: TargetControl };

/** NAT traversal as the DUT does it (RFC 3947/3948); absent: the fake peer offers no NAT-T. */
export interface NatTraversalSemantics {
  /** Seconds between the DUT's own NAT-keepalives when it is behind a NAT. */
  keepaliveInterval: number;
  /** Whether NAT-keepalives from the peer count as traffic for DPD. */
  keepalivesCountAsLiveness: boolean;
}

export interface DeviceProfile {
  /** The file it was loaded from. */
  file: string;
  identity: { vendor: string; product: string; version: string };
  target: ProfileTarget;
  ike: IkeParameters;
  psk: Secret;
  /** With IKEv2, derived from `ikev2Dpd` (ikev2-dpd.ts), so suites and checks read one shape. */
  dpd: DpdSemantics;
  natT?: NatTraversalSemantics;
  /** The fake peer's own settings (profile `peer`); empty when the profile has none. */
  peer: PeerSettings;
  /** Only with ike.version 2. */
  ikev2Dpd?: Ikev2Dpd;
  expectFail: ExpectedFailure[];
}

export const targetKind = (p: DeviceProfile): TargetKind => p.target.kind;

/** The fake peer's addresses in the DUT's peer-list order. */
export function peerAddresses(p: DeviceProfile): string[] {
  const t = p.target;
  return 'lab' in t ? t.lab.peerAddresses : t.peerAddresses;
}
