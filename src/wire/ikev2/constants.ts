/**
 * Named IKEv2 numbers (IANA "Internet Key Exchange Version 2 (IKEv2) Parameters",
 * RFC 7296 §3), usable both ways through nameOf/valueOf from ../constants.js.
 */
import type { Table } from '../constants.js';

/** RFC 7296 §3.2; 53 (SKF) RFC 7383 §2.5. */
export const IKEV2_PAYLOAD_TYPES = {
  NONE: 0,
  SA: 33,
  KE: 34,
  IDI: 35,
  IDR: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  NONCE: 40,
  NOTIFY: 41,
  DELETE: 42,
  VENDOR_ID: 43,
  TSI: 44,
  TSR: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const satisfies Table;

/** RFC 7296 §3.1. */
export const IKEV2_EXCHANGE_TYPES = {
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
} as const satisfies Table;

/** RFC 7296 §3.1 header flags: bit 3 Initiator, bit 4 Version, bit 5 Response. */
export const IKEV2_FLAGS = { INITIATOR: 0x08, VERSION: 0x10, RESPONSE: 0x20 } as const satisfies Table;

/** RFC 7296 §3.3.1 protocol IDs (proposals, Notify, Delete). */
export const IKEV2_PROTOCOL_IDS = { NONE: 0, IKE: 1, AH: 2, ESP: 3 } as const satisfies Table;

/** RFC 7296 §3.3.2 transform types. */
export const TRANSFORM_TYPES = { ENCR: 1, PRF: 2, INTEG: 3, DH: 4, ESN: 5 } as const satisfies Table;

/** RFC 7296 §3.3.5: the only attribute IKEv2 defines, always TV. */
export const IKEV2_ATTRIBUTE_TYPES = { KEY_LENGTH: 14 } as const satisfies Table;

/** Transform type 1 (IANA): 12 RFC 3602, 20 RFC 5282/4106 with a 16-octet ICV. */
export const ENCR_IDS = { DES: 2, '3DES': 3, NULL: 11, AES_CBC: 12, AES_CTR: 13, AES_GCM_8: 18, AES_GCM_12: 19, AES_GCM_16: 20 } as const satisfies Table;

/** Transform type 2 (IANA): 5 RFC 4868. */
export const PRF_IDS = { HMAC_MD5: 1, HMAC_SHA1: 2, AES128_XCBC: 4, HMAC_SHA2_256: 5, HMAC_SHA2_384: 6, HMAC_SHA2_512: 7 } as const satisfies Table;

/** Transform type 3 (IANA): 2 RFC 2404, 12 RFC 4868. */
export const INTEG_IDS = { NONE: 0, HMAC_MD5_96: 1, HMAC_SHA1_96: 2, AES_XCBC_96: 5, HMAC_SHA2_256_128: 12, HMAC_SHA2_384_192: 13, HMAC_SHA2_512_256: 14 } as const satisfies Table;

/** Transform type 4 (IANA): MODP RFC 3526, ECP RFC 5903. */
export const DH_IDS = { NONE: 0, MODP_1024: 2, MODP_1536: 5, MODP_2048: 14, MODP_3072: 15, MODP_4096: 16, ECP_256: 19, ECP_384: 20 } as const satisfies Table;

/** Transform type 5, RFC 7296 §3.3.2. */
export const ESN_IDS = { NO_ESN: 0, ESN: 1 } as const satisfies Table;

/** RFC 7296 §3.5. */
export const IKEV2_ID_TYPES = { ID_IPV4_ADDR: 1, ID_FQDN: 2, ID_RFC822_ADDR: 3, ID_IPV6_ADDR: 5, ID_DER_ASN1_DN: 9, ID_DER_ASN1_GN: 10, ID_KEY_ID: 11 } as const satisfies Table;

/** RFC 7296 §3.8; 14 RFC 7427. */
export const AUTH_METHODS = { RSA_SIGNATURE: 1, SHARED_KEY_MIC: 2, DSS_SIGNATURE: 3, DIGITAL_SIGNATURE: 14 } as const satisfies Table;

/** RFC 7296 §3.13.1. */
export const TS_TYPES = { TS_IPV4_ADDR_RANGE: 7, TS_IPV6_ADDR_RANGE: 8 } as const satisfies Table;

/** RFC 7296 §3.10.1: error types below 16384, status types from 16384; 16430 RFC 7383. */
export const IKEV2_NOTIFY_TYPES = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  IKEV2_FRAGMENTATION_SUPPORTED: 16430,
} as const satisfies Table;
