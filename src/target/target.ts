/**
 * What the plan executor drives: one fake-peer/DUT pairing for one scenario.
 * The fake peer with the reference DUT, a lab DUT or an external device
 * implements it; tests use an in-memory one. Each scenario gets its own
 * target from the factory (its own SA, address or DUT instance), which is
 * what lets scenarios run concurrently.
 */
import type { Clock, HarnessEvent } from '../events.js';
import type { Behaviour } from '../peer/behaviour.js';
import type { DataPlane, DaemonLog } from '../report/result-model.js';

/** Which sequence number a probe the fake peer sends carries. */
export type ProbeSeq = { kind: 'next' } | { kind: 'repeat' } | { kind: 'decrease' } | { kind: 'wrap' } | { kind: 'value'; value: number };

/** A malformed or hostile DPD message the fake peer can send. */
export type CraftKind =
  | 'bad-hash' | 'truncated' | 'wrong-spi-size' | 'unknown-cookies' | 'unencrypted' | 'replayed' | 'unknown-notify' | 'oversized'
  | 'seq-empty' | 'seq-long' | 'protocol-esp' | 'two-notifies' | 'delete-unknown-spi' | 'hash-other-payload'
  | 'commit-flag' | 'length-over' | 'length-under' | 'message-id-zero' | 'quick-mode-message-id' | 'message-id-max';

export interface ScenarioTarget {
  /** Events of this scenario so far (datagrams, sa-state, marks), oldest first; the array may grow while the scenario runs. */
  events(): readonly HarnessEvent[];
  /** Adds a `mark` event to this scenario's stream. */
  mark(label: string): void;
  /** Establishes IKE + IPsec SAs with the DUT through fake-peer address `peerIndex`; resolves with the SA id. */
  bringUp(options: { initiator: 'peer' | 'dut'; peerIndex: number; timeoutMs: number }): Promise<string>;
  /** Changes the fake peer's behaviour on the current SA (on every SA of this scenario when none is up yet). */
  setBehaviour(change: Partial<Behaviour>): void;
  /** The fake peer sends one R-U-THERE on the current SA with the chosen sequence number. */
  sendProbe(seq: ProbeSeq): Promise<void>;
  /** The fake peer sends one malformed or hostile DPD message. */
  sendCrafted(kind: CraftKind): Promise<void>;
  /**
   * A NAT rebinding (RFC 3947 §4): the fake peer's NAT-T source port changes, and it sends one
   * R-U-THERE from the new port, the authenticated message a DUT learns the new port from.
   */
  rebindNat(): Promise<void>;
  /** Starts or stops protected traffic from the DUT towards the peer (what triggers on-demand DPD); `rate` in packets/s where the DUT's source takes one. */
  setDutTraffic(on: boolean, rate?: number): Promise<void>;
  /** The fake peer sends ICMP echo in ESP on the current SA at `rate` packets/s; 0 stops. */
  setPeerTraffic?(rate: number): Promise<void>;
  /** Whether the DUT's status lists an IKE SA with fake-peer address `peerIndex`. */
  dutHasSa(peerIndex: number): Promise<boolean>;
  /** One R-U-THERE on the current SA and the DUT's answer (targets with saStatus 'wire'). */
  wireProbe?(timeoutMs: number): Promise<WireProbeResult>;
  /** Brings up `count` IKE + IPsec SAs at once, each from its own fake-peer endpoint (targets whose capabilities give maxSas). */
  bringUpMany?(count: number, timeoutMs: number): Promise<ScaleSa[]>;
  /** Changes the behaviour of one SA that bringUpMany set up. */
  setSaBehaviour?(sa: string, change: Partial<Behaviour>): void;
  /** Which of these SAs the DUT's status lists as established now. */
  dutListsSas?(sas: readonly ScaleSa[]): Promise<boolean[]>;
  /** Daemon log lines of this scenario (lab DUTs). */
  daemonLogs?(): DaemonLog[];
  /** Removes the SAs and frees what the scenario held; must not throw for an already broken target. */
  teardown(): Promise<void>;
}

/** One of many SAs a scenario holds at once (suite step dpd_at_scale). */
export interface ScaleSa {
  sa: string;
  /** The fake-peer endpoint it runs from, as `address:port`. */
  local: string;
}

/**
 * What a target can do beyond the fake peer, known before any scenario opens
 * (planning skips a scenario whose steps need what the target lacks).
 * `saStatus`: 'dut' — the DUT's own status is read (lab, reference, an external
 * `control.status` command); 'wire' — only what the fake peer sees, judged at
 * the end by one R-U-THERE (ScenarioTarget.wireProbe).
 */
export interface TargetCapabilities {
  saStatus: 'dut' | 'wire';
  /** The DUT can be made to start Main Mode (lab, reference, `control.initiate`). */
  initiate: boolean;
  /** The DUT can be made to send protected traffic (on-demand DPD). */
  traffic: boolean;
  /** ESP really crosses the DUT's SA: the fake peer's ESP reaches it, and its own traffic leaves as ESP. */
  esp: boolean;
  /** How many SAs one scenario can hold at once, each on its own fake-peer endpoint (0: one SA only). */
  maxSas: number;
}

/** Outcome of ScenarioTarget.wireProbe: an R-U-THERE from the fake peer on the scenario's SA. */
export interface WireProbeResult {
  /** True when the DUT acknowledged: its SA is alive. */
  alive: boolean;
  /** Monotonic ns the probe left. */
  sentAt: bigint;
  /** What answered: 'ack', 'invalid-cookie', 'no answer within N s'. */
  detail: string;
}

export interface TargetFactory {
  readonly clock: Clock;
  readonly capabilities: TargetCapabilities;
  /** How often the executor polls the DUT's status (ms); default 250. */
  readonly statusPollMs?: number;
  /** How many scenarios this target can run at once (a lab DUT: 1 per peer address set). */
  readonly maxJobs: number;
  readonly dataPlane: DataPlane;
  /** The DUT software's version as the DUT itself reports it (a lab daemon's banner); undefined when it has not said. */
  dutVersion?(): string | undefined;
  open(scenarioId: string): Promise<ScenarioTarget>;
  /** Everything down (lab torn down, DUTs stopped); called once, also on SIGINT. */
  close(): Promise<void>;
}

/** Label of the mark the executor records when the DUT's status no longer lists the SA. */
export const SA_GONE_MARK = 'dut-status: SA gone';
export const SA_PRESENT_MARK = 'dut-status: SA present';
