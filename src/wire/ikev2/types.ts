/**
 * The decoded shapes of IKEv2 (RFC 7296) messages and payloads. As in ../types.ts,
 * every length, count and next-payload field is optional: absent, the encoder
 * computes it; present, it is written as given, so tests can build broken packets.
 */
import type { Attribute, ProposalFields, RawPayload } from '../types.js';

/** RFC 7296 §3.2 generic payload header: next payload, C bit, 7 reserved bits, length. */
export interface Ikev2PayloadOverrides {
  nextPayload?: number;
  /** The critical bit; false when absent. */
  critical?: boolean;
  /** The 7 RESERVED bits after the critical bit; 0 when absent. */
  reserved?: number;
  length?: number;
}

/** RFC 7296 §3.3.2: substructure header is Last Substruc (0 or 3), RESERVED, Transform Length. */
export interface Ikev2Transform {
  nextPayload?: number;
  reserved?: number;
  length?: number;
  transformType: number;
  reserved2?: number;
  transformId: number;
  /** Key Length (type 14, TV) for variable-key ciphers (RFC 7296 §3.3.5). */
  attributes: Attribute[];
}

/** RFC 7296 §3.3.1. */
export type Ikev2Proposal = ProposalFields<Ikev2Transform>;

export interface Ikev2SaPayload extends Ikev2PayloadOverrides {
  kind: 'sa';
  proposals: Ikev2Proposal[];
}

/** RFC 7296 §3.4. */
export interface Ikev2KePayload extends Ikev2PayloadOverrides {
  kind: 'ke';
  dhGroup: number;
  reserved2?: number;
  data: Uint8Array;
}

/** RFC 7296 §3.5: IDi and IDr share one layout. */
export interface Ikev2IdPayload extends Ikev2PayloadOverrides {
  kind: 'idi' | 'idr';
  idType: number;
  /** The 3 RESERVED bytes as one 24-bit number. */
  reserved2?: number;
  data: Uint8Array;
}

/** RFC 7296 §3.8. */
export interface Ikev2AuthPayload extends Ikev2PayloadOverrides {
  kind: 'auth';
  authMethod: number;
  reserved2?: number;
  data: Uint8Array;
}

/** RFC 7296 §3.9 Nonce, §3.12 Vendor ID: opaque bodies. */
export interface Ikev2OpaquePayload extends Ikev2PayloadOverrides {
  kind: 'nonce' | 'vendor-id';
  data: Uint8Array;
}

/** RFC 7296 §3.10. */
export interface Ikev2NotifyPayload extends Ikev2PayloadOverrides {
  kind: 'notify';
  protocolId: number;
  spiSize?: number;
  notifyType: number;
  spi: Uint8Array;
  data: Uint8Array;
}

/** RFC 7296 §3.11. */
export interface Ikev2DeletePayload extends Ikev2PayloadOverrides {
  kind: 'delete';
  protocolId: number;
  spiSize: number;
  spiCount?: number;
  spis: Uint8Array[];
}

/** RFC 7296 §3.13.1: one address range with a protocol and a port range. */
export interface TrafficSelector {
  tsType: number;
  ipProtocol: number;
  /** Selector Length; computed when absent. */
  length?: number;
  startPort: number;
  endPort: number;
  /** 4 bytes for TS_IPV4_ADDR_RANGE, 16 for TS_IPV6_ADDR_RANGE. */
  startAddress: Uint8Array;
  endAddress: Uint8Array;
}

/** RFC 7296 §3.13. */
export interface Ikev2TsPayload extends Ikev2PayloadOverrides {
  kind: 'tsi' | 'tsr';
  tsCount?: number;
  reserved2?: number;
  selectors: TrafficSelector[];
}

/**
 * RFC 7296 §3.14 Encrypted payload. Its next-payload byte names the first
 * payload inside (`firstPayload`), and it is the last payload of a message;
 * `body` is IV ‖ ciphertext ‖ ICV, which src/crypto/ikev2-sk-protection.ts seals and opens.
 */
export interface Ikev2SkPayload extends Ikev2PayloadOverrides {
  kind: 'sk';
  firstPayload: number;
  body: Uint8Array;
}

/** Any other type (CERTREQ, CERT, CP, EAP, SKF, unknown non-critical): byte 1 (C bit and reserved) is `reserved`. */
export type Ikev2RawPayload = RawPayload;

export type Ikev2Payload =
  | Ikev2SaPayload
  | Ikev2KePayload
  | Ikev2IdPayload
  | Ikev2AuthPayload
  | Ikev2OpaquePayload
  | Ikev2NotifyPayload
  | Ikev2DeletePayload
  | Ikev2TsPayload
  | Ikev2SkPayload
  | Ikev2RawPayload;

export interface Ikev2Flags {
  initiator: boolean;
  /** "Version" flag: the sender could speak a higher major version. */
  higherVersion?: boolean;
  response: boolean;
  /** Bits 0-2 and 6-7, which must be zero; kept so odd packets round-trip. */
  other?: number;
}

/** RFC 7296 §3.1. */
export interface Ikev2Header {
  initiatorSpi: Uint8Array;
  responderSpi: Uint8Array;
  nextPayload?: number;
  /** 0x20 (2.0) when absent. */
  version?: number;
  exchangeType: number;
  flags: Ikev2Flags;
  messageId: number;
  length?: number;
}

export interface Ikev2Message extends Ikev2Header {
  payloads: Ikev2Payload[];
  /** Bytes after `length` (decoder) or to append (encoder). */
  trailing?: Uint8Array;
}
