/** The IKEv2 (RFC 7296) wire codec: pure encode/decode, no crypto, no I/O. */
export * from './types.js';
export * from './constants.js';
export { ikev2Header, IKEV2_HEADER_LENGTH, IKEV2_VERSION } from './header.js';
export { ikev2PayloadElement, CRITICAL_BIT, GENERIC_HEADER_LENGTH } from './generic-payload.js';
export { ikev2Transform } from './transform.js';
export { ikev2Proposal } from './proposal.js';
export { ikev2SaPayload } from './sa-payload.js';
export { ikev2KePayload } from './ke-payload.js';
export { idiPayload, idrPayload, authPayload } from './typed-data-payload.js';
export { ikev2NoncePayload, ikev2VendorIdPayload } from './opaque-payload.js';
export { ikev2NotifyPayload } from './notify-payload.js';
export { ikev2DeletePayload } from './delete-payload.js';
export { trafficSelector } from './traffic-selector.js';
export { tsiPayload, tsrPayload } from './ts-payload.js';
export { skPayload } from './sk-payload.js';
export { UnsupportedCriticalPayloadError } from './unsupported-critical-error.js';
export { decodeIkev2Payloads, encodeIkev2Payloads, ikev2PayloadsLength, ikev2PayloadTypeOf, writeIkev2Payloads } from './payloads.js';
export { decodeIkev2Message, encodeIkev2Message, ikev2MessageEncodingLength } from './message.js';
