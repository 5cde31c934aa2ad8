/**
 * Why an inbound message was refused, with what the engine could still say
 * about it (its summary once decrypted) and what the refusal caused (a failed
 * SA, a cached answer resent for a replay).
 */
import { IkeError, type ErrorCode } from '../errors.js';
import type { MessageSummary } from '../events.js';
import type { EngineEffect } from './engine-effects.js';

export class IkeRejection extends IkeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly summary?: MessageSummary,
    readonly effects: EngineEffect[] = [],
  ) {
    super(code, message);
  }
}
