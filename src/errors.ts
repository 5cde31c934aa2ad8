/**
 * The one error hierarchy of dpd-harness. Every error carries a stable `code`
 * (documented in docs/errors.md); tests assert codes, never message text.
 */

export type ErrorCode =
  // wire codec (src/wire): always with the byte offset where decoding stopped
  | 'ERR_WIRE_TRUNCATED'
  | 'ERR_WIRE_BAD_LENGTH'
  | 'ERR_WIRE_BAD_VERSION'
  | 'ERR_WIRE_BAD_VALUE'
  | 'ERR_WIRE_TRAILING_BYTES'
  // crypto (src/crypto)
  | 'ERR_CRYPTO_UNSUPPORTED'
  | 'ERR_CRYPTO_BAD_INPUT'
  // IKE engine (src/ike): why an inbound message was rejected
  | 'ERR_IKE_UNKNOWN_SA'
  | 'ERR_IKE_BAD_HASH'
  | 'ERR_IKE_UNENCRYPTED'
  | 'ERR_IKE_MALFORMED'
  | 'ERR_IKE_UNEXPECTED'
  | 'ERR_IKE_NO_PROPOSAL'
  | 'ERR_IKE_AUTH_FAILED'
  | 'ERR_IKE_REPLAY'
  // configuration: profiles and suites, always with file:line:col
  | 'ERR_CONFIG_SYNTAX'
  | 'ERR_CONFIG_SCHEMA'
  | 'ERR_CONFIG_EXPRESSION'
  | 'ERR_CONFIG_SECRET'
  | 'ERR_CONFIG_IOS'
  | 'ERR_CONFIG_DUT'
  // lab (src/lab)
  | 'ERR_LAB_NOT_ROOT'
  | 'ERR_LAB_MISSING_PACKAGE'
  | 'ERR_LAB_NAME_BUSY'
  | 'ERR_LAB_COMMAND_FAILED'
  | 'ERR_LAB_TIMEOUT'
  | 'ERR_LAB_DAEMON'
  | 'ERR_LAB_SUBNET_BUSY'
  // report pcap writer (src/report/pcap-writer.ts)
  | 'ERR_PCAP_BAD_DATAGRAM'
  // report writer (src/report/report-writer.ts)
  | 'ERR_REPORT_WRITE'
  // reading a finished run back (src/report/results-reader.ts): diff, merge
  | 'ERR_RESULTS_FORMAT'
  | 'ERR_RESULTS_VERSION'
  | 'ERR_RESULTS_MERGE'
  // ICMP and raw sockets (src/peer/icmp-*.ts, src/peer/raw-capture*.ts): packet errors carry the byte offset
  | 'ERR_ICMP_TRUNCATED'
  | 'ERR_ICMP_BAD_LENGTH'
  | 'ERR_ICMP_BAD_VALUE'
  | 'ERR_ICMP_UNSUPPORTED'
  | 'ERR_RAW_NOT_PERMITTED'
  | 'ERR_RAW_SOCKET'
  // peer / runner / cli
  | 'ERR_PEER_SOCKET'
  | 'ERR_PEER_TIMEOUT'
  | 'ERR_SCENARIO_ABORTED'
  | 'ERR_TARGET_UNAVAILABLE'
  // set-up against the DUT: the scenario could not start (not a DPD verdict)
  | 'ERR_DUT_REFUSED'
  | 'ERR_CONTROL_COMMAND'
  | 'ERR_CONTROL_PARSE'
  | 'ERR_USAGE';

export class HarnessError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A packet that cannot be decoded: `offset` is the byte where the codec gave up. */
export class WireError extends HarnessError {
  readonly offset: number;
  constructor(code: ErrorCode, offset: number, message: string) {
    super(code, `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

export class CryptoError extends HarnessError {}

/** Why the IKE engine rejected an inbound message; the peer records it, never throws it at a socket. */
export class IkeError extends HarnessError {}

/** A problem in a profile or suite file, located as file:line:col. */
export class ConfigError extends HarnessError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The offending source line, shown under the message. */
  readonly excerpt: string | undefined;
  constructor(code: ErrorCode, where: { file: string; line: number; col: number; excerpt?: string }, message: string) {
    super(code, `${where.file}:${where.line}:${where.col}: ${message}`);
    this.file = where.file;
    this.line = where.line;
    this.col = where.col;
    this.excerpt = where.excerpt;
  }
}

export class LabError extends HarnessError {}

export class UsageError extends HarnessError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Exit codes shared by every CLI command. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;
