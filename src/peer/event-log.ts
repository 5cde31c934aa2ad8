/**
 * The fake peer's event stream: an in-memory log that reports and assertions
 * read after the fact, and an EventEmitter / async iterator for whoever watches
 * live (progress output, waitFor in scenarios).
 */
import { EventEmitter } from 'node:events';
import { HarnessError } from '../errors.js';
import type { Clock, DatagramEvent, HarnessEvent } from '../events.js';

export interface EventLogOptions {
  /**
   * Keep only about the last `retain` events (between `retain` and twice as many):
   * for runs at scale, where every datagram of thousands of SAs would otherwise stay
   * in memory. Listeners still see every event; reports built from the log see only
   * what is kept. Default: keep everything, which a scenario's pcap and timeline need.
   */
  retain?: number;
}

export class EventLog {
  readonly events: HarnessEvent[] = [];
  private readonly emitter = new EventEmitter();
  private closed = false;
  private readonly retain: number;
  private droppedCount = 0;

  constructor(options: EventLogOptions = {}) {
    // Every scenario may have a waiter and an iterator attached; the default cap of 10 is not a leak signal here.
    this.emitter.setMaxListeners(0);
    this.retain = options.retain ?? Infinity;
  }

  push(event: HarnessEvent): void {
    if (this.closed) return;
    this.events.push(event);
    // Trimmed in one splice per `retain` events, not one shift per event.
    if (this.events.length >= 2 * this.retain) {
      this.droppedCount += this.events.length - this.retain;
      this.events.splice(0, this.events.length - this.retain);
    }
    this.emitter.emit('event', event);
  }

  /** Events `retain` dropped so far (0 for a complete log): what a report built from `events` does not see. */
  get dropped(): number {
    return this.droppedCount;
  }

  on(listener: (event: HarnessEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Datagram events, optionally only those for one IKE SA. */
  datagrams(sa?: string): DatagramEvent[] {
    return this.events.filter((e): e is DatagramEvent => e.type === 'datagram' && (sa === undefined || e.sa === sa));
  }

  /** Ends live iteration; later pushes are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emitter.emit('close');
  }

  /**
   * Resolves with the first event (already logged at or after `since`, or still to come)
   * that matches; rejects with ERR_PEER_TIMEOUT after `timeoutMs` on `clock`.
   */
  waitFor<E extends HarnessEvent>(
    match: (event: HarnessEvent) => event is E,
    options: { clock: Clock; timeoutMs: number; since?: bigint; what?: string },
  ): Promise<E>;
  waitFor(match: (event: HarnessEvent) => boolean, options: { clock: Clock; timeoutMs: number; since?: bigint; what?: string }): Promise<HarnessEvent>;
  waitFor(match: (event: HarnessEvent) => boolean, options: { clock: Clock; timeoutMs: number; since?: bigint; what?: string }): Promise<HarnessEvent> {
    const since = options.since ?? -1n;
    const seen = this.events.find((e) => e.t >= since && match(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.t < since || !match(e)) return;
        off();
        timer.cancel();
        resolve(e);
      });
      const timer = options.clock.setTimeout(() => {
        off();
        reject(new HarnessError('ERR_PEER_TIMEOUT', `timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'an event'}`));
      }, options.timeoutMs);
    });
  }

  /** Replays what is logged, then follows live events until close(). */
  async *[Symbol.asyncIterator](): AsyncGenerator<HarnessEvent> {
    const queue: HarnessEvent[] = [...this.events];
    let wake: (() => void) | undefined;
    const off = this.on((e) => {
      queue.push(e);
      wake?.();
    });
    const onClose = (): void => wake?.();
    this.emitter.on('close', onClose);
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.closed) return;
        await new Promise<void>((r) => { wake = r; });
        wake = undefined;
      }
    } finally {
      off();
      this.emitter.off('close', onClose);
    }
  }
}
