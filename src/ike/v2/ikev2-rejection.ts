/** Why the IKEv2 engine refused an inbound message, with what it could still say about it and what the refusal caused. */
import { IkeError, type ErrorCode } from '../../errors.js';
import type { Ikev2Effect, Ikev2Summary } from './ikev2-effects.js';

export class Ikev2Rejection extends IkeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly summary?: Ikev2Summary,
    readonly effects: Ikev2Effect[] = [],
  ) {
    super(code, message);
  }
}
