import { expect } from 'chai';
import fc from 'fast-check';
import { assignShards, parseShard, selectShard, type ShardItem } from '../../src/scenario/shard-plan.js';

const items = (durations: readonly number[]): ShardItem[] => durations.map((d, i) => ({ id: `suite-${i % 5}/scenario-${i}`, durationS: d }));
const durationsArb = fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 80 });

describe('scenario: shard plan', () => {
  it('parses i/n and refuses anything else with ERR_USAGE', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2']) expect(() => parseShard(bad), bad).to.throw().with.property('code', 'ERR_USAGE');
  });

  it('puts every scenario in exactly one shard, the union of the shards being the plan', () => {
    fc.assert(fc.property(durationsArb, fc.integer({ min: 1, max: 8 }), (durations, n) => {
      const all = items(durations);
      const shards = Array.from({ length: n }, (_, i) => selectShard(all, { index: i + 1, count: n }, (s) => s.durationS));
      const ids = shards.flat().map((s) => s.id);
      expect(ids).to.have.length(all.length);
      expect(new Set(ids)).to.deep.equal(new Set(all.map((s) => s.id)));
    }));
  });

  it('balances expected durations: no shard beyond 15 % over an even share, or the longest scenario when that is more', () => {
    fc.assert(fc.property(durationsArb, fc.integer({ min: 1, max: 8 }), (durations, n) => {
      const assigned = assignShards(items(durations), n);
      const load = new Array<number>(n + 1).fill(0);
      for (const s of items(durations)) load[assigned.get(s.id)!]! += s.durationS;
      const total = durations.reduce((a, b) => a + b, 0);
      const bound = Math.max((total / n) * 1.15, Math.max(...durations)) + Math.max(...durations);
      for (let i = 1; i <= n; i++) expect(load[i]).to.be.at.most(bound);
    }));
  });

  it('is stable when a scenario is added: on average under 12 % of the scenarios change shard, and in most plans under 10 %', () => {
    const moved: number[] = [];
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 20, maxLength: 80 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 60 }), (durations, n, added) => {
      const before = assignShards(items(durations), n);
      const after = assignShards([...items(durations), { id: 'new-suite/new-scenario', durationS: added }], n);
      expect(after.size).to.equal(before.size + 1);
      moved.push([...before].filter(([id, shard]) => after.get(id) !== shard).length / before.size);
    }), { numRuns: 300, seed: 13 });
    const mean = moved.reduce((a, b) => a + b, 0) / moved.length;
    expect(mean).to.be.below(0.12);
    expect(moved.filter((f) => f < 0.1).length).to.be.above(moved.length / 2);
  });

  it('gives the same split for the same plan, whatever order the plan lists it in', () => {
    const all = items([5, 30, 12, 12, 0, 44, 7, 19, 3, 25]);
    expect(assignShards([...all].reverse(), 3)).to.deep.equal(assignShards(all, 3));
  });
});
