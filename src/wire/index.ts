/** The ISAKMP (IKEv1) wire codec: pure encode/decode, no crypto, no I/O. */
export * from './types.js';
export * from './constants.js';
export * from './vendor-ids.js';
export type { Codec } from './codec.js';
export { attribute } from './attribute.js';
export { transform } from './transform.js';
export { proposal } from './proposal.js';
export { saPayload } from './sa-payload.js';
export { kePayload, hashPayload, noncePayload, vendorIdPayload } from './opaque-payload.js';
export { idPayload } from './id-payload.js';
export { notifyPayload } from './notify-payload.js';
export { deletePayload } from './delete-payload.js';
export { natDPayload } from './nat-d-payload.js';
export { rawPayload } from './raw-payload.js';
export { header, HEADER_LENGTH, ISAKMP_VERSION } from './header.js';
export { encodePayloads, decodePayloads, payloadTypeOf } from './payloads.js';
export { encodeMessage, decodeMessage, messageEncodingLength } from './message.js';
