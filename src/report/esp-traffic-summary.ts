/**
 * What the ESP a scenario carried amounts to, read from its event stream: the counts
 * results.json reports (src/peer/esp-traffic.ts puts a verdict on every ESP datagram), and
 * the Wireshark key rows for its esp_sa file.
 */
import type { CipherSuite } from '../crypto/cipher-suite.js';
import type { EspSaKeys, HarnessEvent } from '../events.js';
import type { EspKeyEntry } from './esp-key-table.js';

export interface EspCounts {
  /** ESP the fake peer sent (its echo requests and the replies to the DUT's). */
  sent: number;
  /** ESP that came in from the DUT, whatever became of it. */
  received: number;
  /** Echo replies to the fake peer's own requests, authenticated and fresh. */
  replies: number;
  /** Echo requests from the DUT's traffic source. */
  requests: number;
  /** Refused by the replay window (RFC 4303 §3.4.3). */
  replayDropped: number;
  /** ICV did not verify, or the decrypted trailer did not parse (§3.4.4). */
  authFailed: number;
  /** An SPI the fake peer holds no keys for. */
  unknownSpi: number;
}

/** Null when no ESP crossed in either direction. */
export function espCounts(events: readonly HarnessEvent[]): EspCounts | null {
  const esp = events.filter((e) => e.type === 'datagram' && e.udpEncapsulation === 'esp');
  if (esp.length === 0) return null;
  const c: EspCounts = { sent: 0, received: 0, replies: 0, requests: 0, replayDropped: 0, authFailed: 0, unknownSpi: 0 };
  for (const e of esp) {
    if (e.type !== 'datagram') continue;
    if (e.direction === 'out') {
      c.sent += 1;
      continue;
    }
    c.received += 1;
    if (e.esp?.verdict === 'replay') c.replayDropped += 1;
    else if (e.esp?.verdict === 'auth-failed') c.authFailed += 1;
    else if (e.esp?.verdict === 'unknown-spi') c.unknownSpi += 1;
    else if (e.esp?.inner === 'echo-reply') c.replies += 1;
    else if (e.esp?.inner === 'echo-request') c.requests += 1;
  }
  return c;
}

const sa = (k: EspSaKeys): EspKeyEntry['sa'] =>
  // The names are src/crypto's own: the peer copied them from the negotiated suite.
  ({ spi: k.spi, suite: { ...k.suite } as CipherSuite, keys: { encryption: k.encryptionKey, integrity: k.integrityKey } });

/** Both directions of every child SA whose keys the fake peer recorded. */
export function espKeyEntriesOf(events: readonly HarnessEvent[]): EspKeyEntry[] {
  return events.flatMap((e) =>
    e.type === 'esp-keys'
      ? [
          { source: e.local, destination: e.remote, sa: sa(e.outbound) },
          { source: e.remote, destination: e.local, sa: sa(e.inbound) },
        ]
      : [],
  );
}
