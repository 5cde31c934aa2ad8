/**
 * Sealing and opening whole IKEv2 messages under an IKE SA's SK keys (RFC 7296 §3.14):
 * the original initiator sends under SK_ei/SK_ai, the original responder under
 * SK_er/SK_ar, whatever the exchange. Fault knobs seal nothing, or break the ICV.
 */
import { openSkBody, sealSkBody, skBodyLength, skIvLength } from '../../crypto/ikev2-sk-protection.js';
import type { Random } from '../../events.js';
import { IKEV2_PAYLOAD_TYPES } from '../../wire/ikev2/constants.js';
import { IKEV2_HEADER_LENGTH } from '../../wire/ikev2/header.js';
import { encodeIkev2Message } from '../../wire/ikev2/message.js';
import { decodeIkev2Payloads, encodeIkev2Payloads, ikev2PayloadTypeOf } from '../../wire/ikev2/payloads.js';
import type { Ikev2Header, Ikev2Message, Ikev2Payload } from '../../wire/ikev2/types.js';
import { IkeError } from '../../errors.js';
import type { IkeSaCrypto } from './ikev2-keys.js';

/** 'sealed': as RFC 7296 says; 'clear': the payloads without SK; 'bad-icv': sealed, then one ICV bit flipped. */
export type Protection = 'sealed' | 'clear' | 'bad-icv';

const keysFor = (crypto: IkeSaCrypto, fromInitiator: boolean) =>
  fromInitiator ? { encryption: crypto.keys.skEi, integrity: crypto.keys.skAi } : { encryption: crypto.keys.skEr, integrity: crypto.keys.skAr };

export function sealMessage(crypto: IkeSaCrypto, random: Random, header: Ikev2Header, payloads: Ikev2Payload[], protection: Protection = 'sealed'): Uint8Array {
  if (protection === 'clear') return encodeIkev2Message({ ...header, payloads });
  const plaintext = encodeIkev2Payloads(payloads);
  const firstPayload = payloads[0] ? ikev2PayloadTypeOf(payloads[0]) : IKEV2_PAYLOAD_TYPES.NONE;
  const bodyLength = skBodyLength(crypto.suite, plaintext.length);
  const bytes = encodeIkev2Message({ ...header, payloads: [{ kind: 'sk', firstPayload, body: new Uint8Array(bodyLength) }] });
  const prefixEnd = bytes.length - bodyLength;
  const iv = random.bytes(skIvLength(crypto.suite));
  const body = sealSkBody(crypto.suite, keysFor(crypto, header.flags.initiator), iv, bytes.subarray(0, prefixEnd), plaintext);
  bytes.set(body, prefixEnd);
  if (protection === 'bad-icv') bytes[bytes.length - 1] ^= 0x01;
  return bytes;
}

/**
 * The inner payloads of a decoded message: SK opened under the sender's keys
 * (RFC 7296 §2.21.2: a message that fails is dropped). A message without SK is
 * refused as ERR_IKE_UNENCRYPTED: after IKE_SA_INIT nothing travels in the clear.
 */
export function openMessage(crypto: IkeSaCrypto, msg: Ikev2Message, bytes: Uint8Array): Ikev2Payload[] {
  const sk = msg.payloads[msg.payloads.length - 1];
  if (!sk || sk.kind !== 'sk') throw new IkeError('ERR_IKE_UNENCRYPTED', 'message after IKE_SA_INIT carries no SK payload');
  const end = msg.length as number;
  const prefix = bytes.subarray(0, end - sk.body.length);
  const plaintext = openSkBody(crypto.suite, keysFor(crypto, msg.flags.initiator), prefix, sk.body);
  return decodeIkev2Payloads(sk.firstPayload, plaintext, IKEV2_HEADER_LENGTH);
}
