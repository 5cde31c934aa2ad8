/**
 * Per-key state kept for the most recently used keys (cipher contexts in cbc-cipher.ts, HMAC key
 * pads in hash-algorithm.ts), looked up by the key array itself.
 */

/**
 * OpenSSL contexts kept for the most recently used keys only: each costs about 1.5 KB of native
 * memory (3 KB for a key's encrypt and decrypt pair), 30 MiB at 10,000 IKE SAs. Up to this many
 * SAs every message finds its context; beyond, the least recently used is dropped and rebuilt
 * when its key comes back, which costs what a fresh context per message did.
 */
const KEPT_KEYS = 1024;

/** A Map in use order (a hit moves its key to the end), bounded by KEPT_KEYS. */
export class RecentKeys<V> {
  private readonly entries = new Map<Uint8Array, V>();
  /** The key used last, already at the end: one SA's messages in a row need no reordering (a delete and a set per message). */
  private newest: Uint8Array | undefined;

  get(key: Uint8Array): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newest = key;
    }
    return value;
  }

  set(key: Uint8Array, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    if (this.entries.size > KEPT_KEYS) this.entries.delete(this.entries.keys().next().value as Uint8Array);
  }
}
