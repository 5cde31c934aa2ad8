import { expect } from 'chai';
import type { ScenarioResult } from '../../src/report/result-model.js';
import { runSpeed, speedLine } from '../../src/scenario/run-speed.js';

const result = (id: string, durationMs: number): ScenarioResult =>
  ({ id, suite: 's', title: id, status: 'passed', startedAt: 0n, startedWallMs: 0, durationMs, checks: [], events: [] });

describe('run speed line', () => {
  it('divides the wall time by the longest scenario', () => {
    const s = runSpeed([result('s/a', 4000), result('s/b', 10_000), result('s/c', 2000)], 15_000, 3);
    expect(s).to.deep.include({ longestId: 's/b', longestMs: 10_000, ratio: 1.5 });
    expect(speedLine(s)).to.equal('wall time 15.0 s with 3 jobs; longest scenario s/b 10.0 s; wall ÷ longest = 1.50');
  });

  it('has no ratio when nothing ran', () => {
    expect(speedLine(runSpeed([result('s/a', 0)], 20, 1))).to.equal('wall time 0.0 s with 1 job');
  });
});
