/**
 * The one event stream every report renderer and every assertion reads.
 * The fake peer (src/peer) emits these; src/report and src/scenario consume them.
 * Times are monotonic nanoseconds (process.hrtime.bigint() through the injected clock),
 * taken as close to the socket as possible.
 */

export interface Endpoint {
  address: string;
  port: number;
}

/** What a datagram was, in the words a network engineer uses in a report. */
export type MessageKind =
  | 'main-mode'
  | 'aggressive-mode'
  | 'quick-mode'
  | 'r-u-there'
  | 'r-u-there-ack'
  | 'delete'
  | 'notify'
  | 'informational'
  // IKEv2 (RFC 7296): exchanges by name, and the empty INFORMATIONAL liveness check and its answer (§2.4)
  | 'ike-sa-init'
  | 'ike-auth'
  | 'create-child-sa'
  | 'liveness'
  | 'liveness-response'
  | 'unknown';

export interface MessageSummary {
  exchangeType: number;
  messageId: number;
  kind: MessageKind;
  /** DPD sequence number for R-U-THERE / R-U-THERE-ACK. */
  seq?: number;
  /** Notify type for notify messages (including DPD). */
  notifyType?: number;
  /** For Delete: protocol id and SPIs as hex. */
  deleteProtocol?: number;
  deleteSpis?: string[];
  /** Position in a phase-1/phase-2 exchange (1-based), when known. */
  step?: number;
}

/**
 * Which clock stamped a datagram: 'kernel' when the kernel's receive stamp of the
 * packet was matched to it (src/peer/kernel-receive-stamps.ts), 'event-loop' when
 * the harness read the clock itself (every send, and receives without the stamp).
 */
export type StampClock = 'kernel' | 'event-loop';

export interface DatagramEvent {
  type: 'datagram';
  /** Monotonic time in ns. */
  t: bigint;
  /** Absent in events recorded before the harness told the two apart: the event loop. */
  stampedBy?: StampClock;
  direction: 'in' | 'out';
  local: Endpoint;
  remote: Endpoint;
  bytes: Uint8Array;
  /** Hex of CKY-I‖CKY-R: the IKE SA this belongs to, when known. */
  sa?: string;
  summary?: MessageSummary;
  /** Set when the engine refused the message: the typed reason. */
  rejected?: { code: string; message: string };
  /** Set when a scripted behaviour dropped, delayed or altered it. */
  behaviour?: string;
  /**
   * How it travelled on a NAT-T port (RFC 3948 §2): IKE behind the non-ESP marker (`bytes` hold the
   * ISAKMP message without it; the pcap puts it back), a NAT-keepalive (`bytes` = 0xFF), or ESP.
   */
  udpEncapsulation?: 'non-esp-marker' | 'keepalive' | 'esp';
  /**
   * ESP the fake peer sealed or opened (src/peer/esp-traffic.ts): SPI, sequence number, what the
   * receiver made of it (RFC 4303 §3.4.3-3.4.4) and what was inside.
   */
  esp?: { spi: number; seq: number; verdict: 'ok' | 'replay' | 'auth-failed' | 'unknown-spi'; inner?: 'echo-request' | 'echo-reply' | 'udp' | 'other' };
}

/** Keys for Wireshark's IKEv1 decryption table (never the PSK). */
export interface SaKeysEvent {
  type: 'sa-keys';
  t: bigint;
  sa: string;
  initiatorCookie: string;
  encryptionKey: string;
  ikev2?: undefined;
}

/** One IKE SA's row of Wireshark's IKEv2 decryption table: SPIs, SK_e/SK_a both ways (hex), Wireshark's algorithm names. */
export interface Ikev2KeyMaterial {
  spiI: string;
  spiR: string;
  skEi: string;
  skEr: string;
  skAi: string;
  skAr: string;
  encryption: string;
  integrity: string;
}

/** Keys for Wireshark's IKEv2 decryption table (never the PSK). */
export interface Ikev2SaKeysEvent {
  type: 'sa-keys';
  t: bigint;
  sa: string;
  ikev2: Ikev2KeyMaterial;
}

/** One ESP SA's keys, for Wireshark's esp_sa table only (never results.json or report.html). */
export interface EspSaKeys {
  spi: number;
  /** src/crypto/cipher-suite.ts names: 'aes-cbc-128', 'hmac-sha1-96', … */
  suite: { encryption: string; integrity?: string };
  encryptionKey: Uint8Array;
  integrityKey: Uint8Array;
}

/** A child SA's ESP keys both ways: outbound packets go from `local` to `remote` (outer addresses; '*' when not yet known). */
export interface EspKeysEvent {
  type: 'esp-keys';
  t: bigint;
  sa: string;
  local: string;
  remote: string;
  outbound: EspSaKeys;
  inbound: EspSaKeys;
}

export interface SaStateEvent {
  type: 'sa-state';
  t: bigint;
  sa: string;
  phase: 1 | 2;
  state: 'negotiating' | 'established' | 'deleted' | 'expired' | 'failed';
  remote: Endpoint;
  detail?: string;
  /** Set when the state is 'failed' because the DUT answered with an error notify. */
  refusal?: { notify: string; notifyType: number; phase: 1 | 2; offered: string; hint: string };
}

/** A line from a lab DUT daemon's log, attached to the scenario in the report. */
export interface DaemonLogEvent {
  type: 'daemon-log';
  t: bigint;
  daemon: string;
  line: string;
}

/** Anything else the runner wants on the timeline (phase changes, behaviour switches). */
export interface MarkEvent {
  type: 'mark';
  t: bigint;
  label: string;
  /**
   * Set on the marks of an ICMP silence: the ICMP error the fake peer answered a dropped
   * datagram with, or why it could not. Checks count these rather than parse labels.
   */
  icmp?: { code: 'host' | 'port' | 'admin-prohibited'; sent: boolean };
}

export type HarnessEvent = DatagramEvent | SaKeysEvent | Ikev2SaKeysEvent | EspKeysEvent | SaStateEvent | DaemonLogEvent | MarkEvent;

/** Injected time source: tests pass a fake one. */
export interface Clock {
  /** Monotonic ns. */
  now(): bigint;
  /** Wall clock ms, for report headers only. */
  wall(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** Injected randomness: tests pass a seeded one. */
export interface Random {
  bytes(n: number): Uint8Array;
  /**
   * A uniform 32-bit unsigned integer, the big-endian reading of the next 4 bytes, without an
   * array per draw (every Informational takes a fresh message ID). When absent, bytes(4) is read.
   */
  uint32?(): number;
}
