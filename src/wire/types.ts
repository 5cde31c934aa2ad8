/**
 * The decoded shapes of ISAKMP (RFC 2408) messages and payloads.
 *
 * Scapy-style: every length, count and next-payload field is optional. Left
 * out, the encoder computes it; set, the encoder writes it as given, so a test
 * or scenario can build a malformed packet on purpose. The decoder always fills
 * them in with what was on the wire.
 */

/** Generic payload header fields (RFC 2408 §3.2) every payload may override. */
export interface PayloadOverrides {
  /** Next-payload byte; computed from the following payload when absent. */
  nextPayload?: number;
  /** RESERVED byte after next-payload; 0 when absent. */
  reserved?: number;
  /** Payload length including the 4-byte generic header; computed when absent. */
  length?: number;
}

/** A data attribute (RFC 2408 §3.3): TV when `value` is a number that fits 16 bits and `form` is not 'tlv'. */
export interface Attribute {
  type: number;
  /** number → TV (or TLV of 4/8 bytes when larger than 0xffff), Uint8Array → TLV with those bytes. */
  value: number | Uint8Array;
  /** Force the encoding form; the decoder records what it saw. */
  form?: 'tv' | 'tlv';
}

export interface TransformPayload extends PayloadOverrides {
  transformNumber: number;
  transformId: number;
  reserved2?: number;
  attributes: Attribute[];
}

/** A proposal over its transform type: RFC 2408 §3.5 and RFC 7296 §3.3.1 share the layout. */
export interface ProposalFields<T> extends PayloadOverrides {
  proposalNumber: number;
  protocolId: number;
  /** SPI size byte; computed from spi.length when absent. */
  spiSize?: number;
  /** Number of transforms byte; computed when absent. */
  transformCount?: number;
  spi: Uint8Array;
  transforms: T[];
}

export type ProposalPayload = ProposalFields<TransformPayload>;

export interface SaPayload extends PayloadOverrides {
  kind: 'sa';
  doi: number;
  situation: number;
  proposals: ProposalPayload[];
}

export interface KePayload extends PayloadOverrides {
  kind: 'ke';
  data: Uint8Array;
}

export interface IdPayload extends PayloadOverrides {
  kind: 'id';
  idType: number;
  protocolId: number;
  port: number;
  data: Uint8Array;
}

export interface HashPayload extends PayloadOverrides {
  kind: 'hash';
  data: Uint8Array;
}

export interface NoncePayload extends PayloadOverrides {
  kind: 'nonce';
  data: Uint8Array;
}

export interface NotifyPayload extends PayloadOverrides {
  kind: 'notify';
  doi: number;
  protocolId: number;
  spiSize?: number;
  notifyType: number;
  spi: Uint8Array;
  data: Uint8Array;
}

export interface DeletePayload extends PayloadOverrides {
  kind: 'delete';
  doi: number;
  protocolId: number;
  spiSize: number;
  /** Number-of-SPIs field; computed when absent. */
  spiCount?: number;
  spis: Uint8Array[];
}

export interface VendorIdPayload extends PayloadOverrides {
  kind: 'vendor-id';
  data: Uint8Array;
}

export interface NatDPayload extends PayloadOverrides {
  kind: 'nat-d';
  /** 20 (RFC 3947) or 130 (draft-ietf-ipsec-nat-t-ike-02/03). */
  payloadType?: number;
  data: Uint8Array;
}

export interface NatOaPayload extends PayloadOverrides {
  kind: 'nat-oa';
  /** 21 (RFC 3947) or 131 (draft-ietf-ipsec-nat-t-ike-02/03). */
  payloadType?: number;
  /** ID_IPV4_ADDR (1) or ID_IPV6_ADDR (5), RFC 3947 §5.2. */
  idType: number;
  /** The 24-bit RESERVED field; 0 when absent. */
  reserved3?: number;
  address: Uint8Array;
}

/** Any payload type the codec does not model (and any we choose to keep opaque): round-trips its body bytes. */
export interface RawPayload extends PayloadOverrides {
  kind: 'raw';
  payloadType: number;
  body: Uint8Array;
}

export type Payload =
  | SaPayload
  | KePayload
  | IdPayload
  | HashPayload
  | NoncePayload
  | NotifyPayload
  | DeletePayload
  | VendorIdPayload
  | NatDPayload
  | NatOaPayload
  | RawPayload;

export interface IsakmpFlags {
  encryption: boolean;
  commit: boolean;
  authOnly: boolean;
  /** Bits 3–7, which IKEv1 leaves zero; kept so odd packets round-trip. */
  other?: number;
}

export interface IsakmpHeader {
  initiatorCookie: Uint8Array;
  responderCookie: Uint8Array;
  /** Type of the first payload; computed from payloads[0] when absent. */
  nextPayload?: number;
  /** 0x10 when absent. */
  version?: number;
  exchangeType: number;
  flags: IsakmpFlags;
  messageId: number;
  /** Whole message length; computed when absent. */
  length?: number;
}

/**
 * A whole ISAKMP message. When the E flag is set the payloads are not readable
 * without keys: the codec then leaves `payloads` empty and puts the ciphertext
 * in `encrypted`; src/ike decrypts it and calls decodePayloads().
 */
export interface IsakmpMessage extends IsakmpHeader {
  payloads: Payload[];
  encrypted?: Uint8Array;
  /** Bytes after `length` (decoder) or to append (encoder): some stacks send them, tests forge them. */
  trailing?: Uint8Array;
}
