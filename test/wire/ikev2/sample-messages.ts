/** IKEv2 messages shared by the codec tests and the tshark judge, built with the codec itself. */
import {
  DH_IDS,
  ENCR_IDS,
  IKEV2_ATTRIBUTE_TYPES,
  IKEV2_EXCHANGE_TYPES,
  IKEV2_NOTIFY_TYPES,
  IKEV2_PAYLOAD_TYPES,
  IKEV2_PROTOCOL_IDS,
  INTEG_IDS,
  PRF_IDS,
  TRANSFORM_TYPES,
  type Ikev2Message,
  type Ikev2SaPayload,
} from '../../../src/wire/ikev2/index.js';
import { hex } from '../helpers.js';

export const SPI_I = hex('0102030405060708');
export const SPI_R = hex('a1a2a3a4a5a6a7a8');
export const KE_DATA = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
export const NONCE = Uint8Array.from({ length: 32 }, (_, i) => 0xf0 ^ i);
export const NAT_SRC = hex('00112233445566778899aabbccddeeff00112233');
export const NAT_DST = hex('ffeeddccbbaa99887766554433221100ffeeddcc');
export const VENDOR_ID = hex('882fe56d6fd20dbc2251613b2ebe5beb');

/** Two proposals: AES-CBC-256/HMAC-SHA2-256-128/PRF-SHA2-256/ECP-256, then AES-GCM-16-128/PRF-SHA1/MODP-2048. */
export const SA_INIT_SA: Ikev2SaPayload = {
  kind: 'sa',
  proposals: [
    {
      proposalNumber: 1,
      protocolId: IKEV2_PROTOCOL_IDS.IKE,
      spi: new Uint8Array(0),
      transforms: [
        { transformType: TRANSFORM_TYPES.ENCR, transformId: ENCR_IDS.AES_CBC, attributes: [{ type: IKEV2_ATTRIBUTE_TYPES.KEY_LENGTH, value: 256 }] },
        { transformType: TRANSFORM_TYPES.INTEG, transformId: INTEG_IDS.HMAC_SHA2_256_128, attributes: [] },
        { transformType: TRANSFORM_TYPES.PRF, transformId: PRF_IDS.HMAC_SHA2_256, attributes: [] },
        { transformType: TRANSFORM_TYPES.DH, transformId: DH_IDS.ECP_256, attributes: [] },
      ],
    },
    {
      proposalNumber: 2,
      protocolId: IKEV2_PROTOCOL_IDS.IKE,
      spi: new Uint8Array(0),
      transforms: [
        { transformType: TRANSFORM_TYPES.ENCR, transformId: ENCR_IDS.AES_GCM_16, attributes: [{ type: IKEV2_ATTRIBUTE_TYPES.KEY_LENGTH, value: 128 }] },
        { transformType: TRANSFORM_TYPES.PRF, transformId: PRF_IDS.HMAC_SHA1, attributes: [] },
        { transformType: TRANSFORM_TYPES.DH, transformId: DH_IDS.MODP_2048, attributes: [] },
      ],
    },
  ],
};

export const SA_INIT_REQUEST: Ikev2Message = {
  initiatorSpi: SPI_I,
  responderSpi: new Uint8Array(8),
  exchangeType: IKEV2_EXCHANGE_TYPES.IKE_SA_INIT,
  flags: { initiator: true, response: false },
  messageId: 0,
  payloads: [
    SA_INIT_SA,
    { kind: 'ke', dhGroup: DH_IDS.ECP_256, data: KE_DATA },
    { kind: 'nonce', data: NONCE },
    { kind: 'notify', protocolId: 0, notifyType: IKEV2_NOTIFY_TYPES.NAT_DETECTION_SOURCE_IP, spi: new Uint8Array(0), data: NAT_SRC },
    { kind: 'notify', protocolId: 0, notifyType: IKEV2_NOTIFY_TYPES.NAT_DETECTION_DESTINATION_IP, spi: new Uint8Array(0), data: NAT_DST },
    { kind: 'vendor-id', data: VENDOR_ID },
    // CERTREQ is kept raw: one SHA-1 CA key hash, encoding 4 (X.509 signature).
    { kind: 'raw', payloadType: IKEV2_PAYLOAD_TYPES.CERTREQ, body: hex('04 0102030405060708090a0b0c0d0e0f1011121314') },
  ],
};

/** The responder's COOKIE answer (RFC 7296 §2.6). */
export const COOKIE_RESPONSE: Ikev2Message = {
  initiatorSpi: SPI_I,
  responderSpi: new Uint8Array(8),
  exchangeType: IKEV2_EXCHANGE_TYPES.IKE_SA_INIT,
  flags: { initiator: false, response: true },
  messageId: 0,
  payloads: [{ kind: 'notify', protocolId: 0, notifyType: IKEV2_NOTIFY_TYPES.COOKIE, spi: new Uint8Array(0), data: hex('c00c1e0123456789') }],
};

/** An IKE_AUTH request as the codec sees it before decryption: one SK payload whose first inner payload is IDi. */
export const AUTH_REQUEST: Ikev2Message = {
  initiatorSpi: SPI_I,
  responderSpi: SPI_R,
  exchangeType: IKEV2_EXCHANGE_TYPES.IKE_AUTH,
  flags: { initiator: true, response: false },
  messageId: 1,
  payloads: [{ kind: 'sk', firstPayload: IKEV2_PAYLOAD_TYPES.IDI, body: Uint8Array.from({ length: 48 }, (_, i) => i) }],
};
