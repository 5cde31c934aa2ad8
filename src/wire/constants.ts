/**
 * Named ISAKMP/IKEv1 numbers, each table usable both ways:
 * `PAYLOAD_TYPES.SA === 1` and `nameOf(PAYLOAD_TYPES, 1) === 'SA'`.
 * Sources are cited per table; values outside a table print as `UNKNOWN(n)`.
 */

export type Table = Readonly<Record<string, number>>;

const reverse = new WeakMap<Table, Map<number, string>>();

function reverseOf(table: Table): Map<number, string> {
  let map = reverse.get(table);
  if (!map) {
    // First name wins, so aliases listed later never shadow the canonical one.
    map = new Map();
    for (const [name, value] of Object.entries(table)) if (!map.has(value)) map.set(value, name);
    reverse.set(table, map);
  }
  return map;
}

/** The table's name for `value`, or `UNKNOWN(value)`. */
export function nameOf(table: Table, value: number): string {
  return reverseOf(table).get(value) ?? `UNKNOWN(${value})`;
}

/** The value for `name`, or undefined when the table has no such name. */
export function valueOf(table: Table, name: string): number | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** RFC 2408 §3.1 next-payload values; 20/21 RFC 3947 §3.2/§5.2; 130/131 NAT-T drafts; 132 Cisco/MS IKE fragment (strongSwan payload.h PLV1_FRAGMENT). */
export const PAYLOAD_TYPES = {
  NONE: 0,
  SA: 1,
  PROPOSAL: 2,
  TRANSFORM: 3,
  KE: 4,
  ID: 5,
  CERT: 6,
  CERT_REQUEST: 7,
  HASH: 8,
  SIGNATURE: 9,
  NONCE: 10,
  NOTIFY: 11,
  DELETE: 12,
  VENDOR_ID: 13,
  ATTRIBUTE: 14,
  NAT_D: 20,
  NAT_OA: 21,
  NAT_D_DRAFT: 130,
  NAT_OA_DRAFT: 131,
  FRAGMENT: 132,
} as const satisfies Table;

/** RFC 2408 §3.1 exchange types (2 is "Identity Protection", i.e. RFC 2409 Main Mode); 32/33 RFC 2409 §5.5/§5.6; 6 draft-ietf-ipsec-isakmp-mode-cfg. */
export const EXCHANGE_TYPES = {
  NONE: 0,
  BASE: 1,
  MAIN_MODE: 2,
  AUTHENTICATION_ONLY: 3,
  AGGRESSIVE_MODE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6,
  QUICK_MODE: 32,
  NEW_GROUP_MODE: 33,
} as const satisfies Table;

/** ISAKMP header flag bits (RFC 2408 §3.1). */
export const HEADER_FLAGS = {
  ENCRYPTION: 0x01,
  COMMIT: 0x02,
  AUTHENTICATION_ONLY: 0x04,
} as const satisfies Table;

/**
 * Notify message types: errors 1–30 RFC 2408 §3.14.1; CONNECTED RFC 2408 §3.14.1;
 * 24576–24578 RFC 2407 §4.6.3; 36136/36137 RFC 3706 §5.3; Cisco and NetScreen
 * private values as Libreswan 4.10 names them (include/ietf_constants.h).
 */
export const NOTIFY_TYPES = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  SITUATION_NOT_SUPPORTED: 3,
  INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_MINOR_VERSION: 6,
  INVALID_EXCHANGE_TYPE: 7,
  INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9,
  INVALID_PROTOCOL_ID: 10,
  INVALID_SPI: 11,
  INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13,
  NO_PROPOSAL_CHOSEN: 14,
  BAD_PROPOSAL_SYNTAX: 15,
  PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17,
  INVALID_ID_INFORMATION: 18,
  INVALID_CERT_ENCODING: 19,
  INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21,
  INVALID_CERT_AUTHORITY: 22,
  INVALID_HASH_INFORMATION: 23,
  AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25,
  ADDRESS_NOTIFICATION: 26,
  NOTIFY_SA_LIFETIME: 27,
  CERTIFICATE_UNAVAILABLE: 28,
  UNSUPPORTED_EXCHANGE_TYPE: 29,
  UNEQUAL_PAYLOAD_LENGTHS: 30,
  CONNECTED: 16384,
  RESPONDER_LIFETIME: 24576,
  REPLAY_STATUS: 24577,
  INITIAL_CONTACT: 24578,
  CISCO_HELLO: 30000,
  CISCO_WWTEBR: 30001,
  CISCO_SHUT_UP: 30002,
  IOS_KEEP_ALIVE_REQ: 32768,
  IOS_KEEP_ALIVE_ACK: 32769,
  R_U_THERE: 36136,
  R_U_THERE_ACK: 36137,
  NETSCREEN_NHTB_INFORM: 40001,
  CISCO_LOAD_BALANCE: 40501,
  CISCO_UNKNOWN_40502: 40502,
  CISCO_PRESHARED_KEY_HASH: 40503,
} as const satisfies Table;

/** Protocol ids (RFC 2407 §4.4.1). */
export const PROTOCOL_IDS = {
  RESERVED: 0,
  ISAKMP: 1,
  IPSEC_AH: 2,
  IPSEC_ESP: 3,
  IPCOMP: 4,
} as const satisfies Table;

/** Domains of interpretation (RFC 2408 §3.4: 0 = generic ISAKMP; RFC 2407 §4.2: 1 = IPsec). */
export const DOI = {
  ISAKMP: 0,
  IPSEC: 1,
} as const satisfies Table;

/** IPsec DOI situation bits (RFC 2407 §4.2). */
export const SITUATIONS = {
  IDENTITY_ONLY: 0x01,
  SECRECY: 0x02,
  INTEGRITY: 0x04,
} as const satisfies Table;

/** Identification types (RFC 2407 §4.6.2.1). */
export const ID_TYPES = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  IPV6_ADDR_RANGE: 8,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const satisfies Table;

/** Transform ids inside a phase-1 (PROTO_ISAKMP) proposal (RFC 2407 §4.4.2). */
export const ISAKMP_TRANSFORM_IDS = {
  KEY_IKE: 1,
} as const satisfies Table;

/** ESP transform ids (RFC 2407 §4.4.4; 12 RFC 3602; 13 RFC 3686; 14–16 RFC 4309; 18–20 RFC 4106; 23 RFC 4543). */
export const ESP_TRANSFORM_IDS = {
  DES_IV64: 1,
  DES: 2,
  '3DES': 3,
  RC5: 4,
  IDEA: 5,
  CAST: 6,
  BLOWFISH: 7,
  '3IDEA': 8,
  DES_IV32: 9,
  RC4: 10,
  NULL: 11,
  AES_CBC: 12,
  AES_CTR: 13,
  AES_CCM_8: 14,
  AES_CCM_12: 15,
  AES_CCM_16: 16,
  AES_GCM_8: 18,
  AES_GCM_12: 19,
  AES_GCM_16: 20,
  NULL_AUTH_AES_GMAC: 23,
} as const satisfies Table;

/** AH transform ids (RFC 2407 §4.4.3; 5–7 RFC 4868). */
export const AH_TRANSFORM_IDS = {
  MD5: 2,
  SHA: 3,
  DES: 4,
  SHA2_256: 5,
  SHA2_384: 6,
  SHA2_512: 7,
} as const satisfies Table;

/**
 * Phase-1 attribute classes (RFC 2409 Appendix A). There is no table of PRF
 * values: Appendix A defines none, so peers leave the PRF attribute out and
 * use HMAC with the negotiated hash.
 */
export const IKE_ATTRIBUTE_TYPES = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  GROUP_TYPE: 5,
  GROUP_PRIME: 6,
  GROUP_GENERATOR_ONE: 7,
  GROUP_GENERATOR_TWO: 8,
  GROUP_CURVE_A: 9,
  GROUP_CURVE_B: 10,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  PRF: 13,
  KEY_LENGTH: 14,
  FIELD_SIZE: 15,
  GROUP_ORDER: 16,
} as const satisfies Table;

/** Phase-1 encryption algorithms (RFC 2409 Appendix A; 7 RFC 3602 §5 / IANA; 8 RFC 4312). */
export const IKE_ENCRYPTION_ALGORITHMS = {
  DES_CBC: 1,
  IDEA_CBC: 2,
  BLOWFISH_CBC: 3,
  RC5_R16_B64_CBC: 4,
  '3DES_CBC': 5,
  CAST_CBC: 6,
  AES_CBC: 7,
  CAMELLIA_CBC: 8,
} as const satisfies Table;

/** Phase-1 hash algorithms (RFC 2409 Appendix A; 4–6 RFC 4868 / IANA). */
export const IKE_HASH_ALGORITHMS = {
  MD5: 1,
  SHA1: 2,
  TIGER: 3,
  SHA2_256: 4,
  SHA2_384: 5,
  SHA2_512: 6,
} as const satisfies Table;

/** Phase-1 authentication methods (RFC 2409 Appendix A; 9–11 RFC 4754; 65001+ draft-ietf-ipsec-isakmp-xauth-06 §4). */
export const IKE_AUTHENTICATION_METHODS = {
  PRE_SHARED_KEY: 1,
  DSS_SIGNATURES: 2,
  RSA_SIGNATURES: 3,
  RSA_ENCRYPTION: 4,
  REVISED_RSA_ENCRYPTION: 5,
  ECDSA_SHA256_P256: 9,
  ECDSA_SHA384_P384: 10,
  ECDSA_SHA512_P521: 11,
  XAUTH_INIT_PRE_SHARED: 65001,
  XAUTH_RESP_PRE_SHARED: 65002,
  XAUTH_INIT_DSS: 65003,
  XAUTH_RESP_DSS: 65004,
  XAUTH_INIT_RSA: 65005,
  XAUTH_RESP_RSA: 65006,
} as const satisfies Table;

/** Diffie-Hellman groups, shared by phase 1 and PFS (RFC 2409 §6; 5 and 14–18 RFC 3526; 19–21 RFC 5903; 22–24 RFC 5114; 25–26 RFC 5903/5114). */
export const DH_GROUPS = {
  MODP768: 1,
  MODP1024: 2,
  EC2N155: 3,
  EC2N185: 4,
  MODP1536: 5,
  MODP2048: 14,
  MODP3072: 15,
  MODP4096: 16,
  MODP6144: 17,
  MODP8192: 18,
  ECP256: 19,
  ECP384: 20,
  ECP521: 21,
  MODP1024_S160: 22,
  MODP2048_S224: 23,
  MODP2048_S256: 24,
  ECP192: 25,
  ECP224: 26,
} as const satisfies Table;

/** Life types, the same numbers in phase 1 (RFC 2409 App. A) and the IPsec DOI (RFC 2407 §4.5). */
export const LIFE_TYPES = {
  SECONDS: 1,
  KILOBYTES: 2,
} as const satisfies Table;

/** IPsec DOI SA attributes for Quick Mode (RFC 2407 §4.5; 10 RFC 3168 §9.2; 11 RFC 4304 §2). */
export const IPSEC_ATTRIBUTE_TYPES = {
  SA_LIFE_TYPE: 1,
  SA_LIFE_DURATION: 2,
  GROUP_DESCRIPTION: 3,
  ENCAPSULATION_MODE: 4,
  AUTHENTICATION_ALGORITHM: 5,
  KEY_LENGTH: 6,
  KEY_ROUNDS: 7,
  COMPRESS_DICTIONARY_SIZE: 8,
  COMPRESS_PRIVATE_ALGORITHM: 9,
  ECN_TUNNEL: 10,
  EXTENDED_SEQUENCE_NUMBER: 11,
} as const satisfies Table;

/** Encapsulation modes (RFC 2407 §4.5; 3/4 RFC 3947 §5.1; 61443/61444 draft-ietf-ipsec-nat-t-ike-02). */
export const ENCAPSULATION_MODES = {
  TUNNEL: 1,
  TRANSPORT: 2,
  UDP_TUNNEL: 3,
  UDP_TRANSPORT: 4,
  UDP_TUNNEL_DRAFT: 61443,
  UDP_TRANSPORT_DRAFT: 61444,
} as const satisfies Table;

/** IPsec DOI authentication algorithms (RFC 2407 §4.5; 5–7 RFC 4868 §2.4; 8 RFC 2857; 9 RFC 3566; 11–13 RFC 4543). */
export const IPSEC_AUTHENTICATION_ALGORITHMS = {
  HMAC_MD5: 1,
  HMAC_SHA1: 2,
  DES_MAC: 3,
  KPDK: 4,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
  HMAC_RIPEMD: 8,
  AES_XCBC_MAC: 9,
  AES_128_GMAC: 11,
  AES_192_GMAC: 12,
  AES_256_GMAC: 13,
} as const satisfies Table;

/** Extended Sequence Number attribute values (RFC 4304 §2). */
export const ESN_VALUES = {
  SEQUENCE_64_BIT: 1,
} as const satisfies Table;
