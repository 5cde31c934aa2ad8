/**
 * Message IDs with a window of one (RFC 7296 §2.3): at most one own request
 * outstanding, retransmitted on the configured schedule (§2.1) until its
 * response or the end of the schedule; the peer's requests taken in order,
 * a retransmitted one answered with the cached response.
 */
import type { Ikev2ExchangeName, Ikev2Outbound, Ikev2Summary } from './ikev2-effects.js';

export const RETRANSMIT_TIMER = 'retransmit';

export interface Outstanding {
  messageId: number;
  exchange: Ikev2ExchangeName;
  bytes: Uint8Array;
  summary: Ikev2Summary;
  /** Transmissions so far, the first included. */
  sent: number;
}

export type RequestVerdict = 'new' | 'retransmit' | 'out-of-window';
/** `one-shot`: it answers a crafted request we sent outside the window, which the peer should have dropped. */
export type ResponseVerdict = 'expected' | 'one-shot' | 'unexpected';

export class MessageWindow {
  /** The ID our next request takes. */
  nextOwnId = 0;
  /** The ID the peer's next request must carry. */
  nextPeerId = 0;
  outstanding?: Outstanding;
  /** Our latest request, kept after its answer: what a retransmission of it must resend (§2.1). */
  last?: Outstanding;
  private cached?: { messageId: number; datagrams: Ikev2Outbound[] };
  /** The message ID of our latest one-shot request (a crafted one nobody should answer), so an answer to it is named. */
  private oneShotId?: number;

  constructor(private readonly scheduleMs: readonly number[]) {}

  /** Records a request we send; `messageId` overrides the counter (a fault knob), which then stays where it was. */
  open(exchange: Ikev2ExchangeName, bytes: Uint8Array, summary: Ikev2Summary, messageId: number): Outstanding {
    if (messageId === this.nextOwnId) this.nextOwnId = (this.nextOwnId + 1) >>> 0;
    this.outstanding = { messageId, exchange, bytes, summary, sent: 1 };
    this.last = this.outstanding;
    return this.outstanding;
  }

  /** The wait before the next retransmission (or before giving up), undefined once the schedule is spent. */
  waitMs(): number | undefined {
    return this.outstanding ? this.scheduleMs[this.outstanding.sent - 1] : undefined;
  }

  /** After a wait ran out: whether to retransmit (true) or give up (false, the request is closed). */
  expire(): boolean {
    const o = this.outstanding;
    if (!o) return false;
    if (o.sent < this.scheduleMs.length) {
      o.sent++;
      return true;
    }
    this.outstanding = undefined;
    return false;
  }

  judgeResponse(messageId: number): ResponseVerdict {
    if (this.outstanding?.messageId === messageId) return 'expected';
    return this.oneShotId === messageId ? 'one-shot' : 'unexpected';
  }

  sentOnce(messageId: number): void {
    this.oneShotId = messageId;
  }

  close(): Outstanding | undefined {
    const o = this.outstanding;
    this.outstanding = undefined;
    return o;
  }

  judgeRequest(messageId: number): RequestVerdict {
    if (messageId === this.nextPeerId) return 'new';
    if (this.cached?.messageId === messageId) return 'retransmit';
    return 'out-of-window';
  }

  /** Takes the peer's request `messageId` (§2.2: the counter moves on when we answer it, late answers included). */
  accept(messageId: number): void {
    this.nextPeerId = (messageId + 1) >>> 0;
  }

  cache(messageId: number, datagrams: Ikev2Outbound[]): void {
    this.cached = { messageId, datagrams };
  }

  cachedResponse(): Ikev2Outbound[] {
    return this.cached?.datagrams ?? [];
  }
}
