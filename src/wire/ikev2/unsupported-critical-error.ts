/**
 * RFC 7296 §2.5: a payload of a type the receiver does not know with the
 * critical bit set rejects the whole message, and the answer is an
 * UNSUPPORTED_CRITICAL_PAYLOAD notify carrying that type, so the error keeps it.
 */
import { WireError } from '../../errors.js';

export class UnsupportedCriticalPayloadError extends WireError {
  constructor(
    readonly payloadType: number,
    offset: number,
  ) {
    super('ERR_WIRE_BAD_VALUE', offset, `payload type ${payloadType} is unknown and marked critical`);
  }
}
