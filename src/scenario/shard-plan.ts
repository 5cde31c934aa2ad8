/**
 * `run --shard i/n`: which planned scenarios shard i of n runs, computed by
 * every CI job on its own, without talking to the others. Two goals pull
 * apart: shards of similar wall time, and a split that barely moves when a
 * scenario is added (so a shard's history stays comparable). Consistent
 * hashing with bounded loads gives both: each scenario prefers the shards in
 * the order of a hash of (id, shard), and takes the first one not yet over
 * its share of the expected total duration. Longest scenarios are placed
 * first, so the short ones fill the gaps.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

export interface ShardItem {
  id: string;
  /** Expected seconds (expected-duration.ts). */
  durationS: number;
}

/** How far over an even share a shard may go before a scenario tries its next preference. */
const LOAD_SLACK = 1.15;

/** `i/n` with 1 ≤ i ≤ n. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard needs i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${text}`);
  return { index, count };
}

function preference(id: string, shard: number): string {
  return createHash('sha256').update(`${shard}\u0000${id}`).digest('hex');
}

/** The 1-based shard of every item; the same input gives the same answer on every machine. */
export function assignShards(items: readonly ShardItem[], count: number): Map<string, number> {
  const total = items.reduce((n, s) => n + s.durationS, 0);
  const longest = Math.max(0, ...items.map((s) => s.durationS));
  // Never below the longest single scenario, or that one could fit nowhere.
  const cap = Math.max((total / count) * LOAD_SLACK, longest);
  const load = new Array<number>(count + 1).fill(0);
  const order = [...items].sort((a, b) => b.durationS - a.durationS || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const assigned = new Map<string, number>();
  for (const item of order) {
    const shards = Array.from({ length: count }, (_, i) => ({ shard: i + 1, rank: preference(item.id, i + 1) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : 1))
      .map((p) => p.shard);
    // Zero-length items (skipped scenarios) go to their first preference: they cost no time anywhere.
    const fits = shards.find((s) => load[s]! + item.durationS <= cap + 1e-9) ?? shards.reduce((best, s) => (load[s]! < load[best]! ? s : best));
    load[fits]! += item.durationS;
    assigned.set(item.id, fits);
  }
  return assigned;
}

/** The items of shard `spec`, in their original order. */
export function selectShard<T extends { id: string }>(items: readonly T[], spec: ShardSpec, durationS: (item: T) => number): T[] {
  const assigned = assignShards(items.map((s) => ({ id: s.id, durationS: durationS(s) })), spec.count);
  return items.filter((s) => assigned.get(s.id) === spec.index);
}
