import { expect } from 'chai';
import { countByStatus, scenarioFileStem, secondsSinceStart, wallNsOf } from '../../src/report/result-model.js';
import { syntheticRun } from './synthetic-run.js';

describe('report: result model helpers', () => {
  it('relative seconds and wall-clock ns come from the (monotonic, wall) pair taken at scenario start', () => {
    const start = { startedAt: 7_000_000_000n, startedWallMs: 1_800_000_000_123 };
    expect(secondsSinceStart(start, 9_500_000_001n)).to.equal(2.500000001);
    expect(wallNsOf(start, 9_500_000_001n)).to.equal(1_800_000_000_123_000_000n + 2_500_000_001n);
    expect(wallNsOf(start, 7_000_000_000n)).to.equal(1_800_000_000_123_000_000n);
  });

  it('file stems: safe ids unchanged, others made safe and told apart by a hash of the id', () => {
    expect(scenarioFileStem({ id: 'dead-peer.v2_a' })).to.equal('dead-peer.v2_a');
    const a = scenarioFileStem({ id: 'suite/dead peer' });
    const b = scenarioFileStem({ id: 'suite/dead:peer' });
    expect(a).to.match(/^suite-dead-peer-[0-9a-f]{8}$/);
    expect(b).to.match(/^suite-dead-peer-[0-9a-f]{8}$/);
    expect(a).not.to.equal(b);
    expect(scenarioFileStem({ id: '../../etc/passwd' })).to.match(/^etc-passwd-[0-9a-f]{8}$/);
    expect(scenarioFileStem({ id: '///' })).to.match(/^scenario-[0-9a-f]{8}$/);
    expect(scenarioFileStem({ id: 'x'.repeat(300) }).length).to.be.at.most(89);
  });

  it('counts every status, zero included', () => {
    expect(countByStatus(syntheticRun())).to.deep.equal({ passed: 1, failed: 1, error: 0, 'expected-fail': 1, 'unexpected-pass': 1, skipped: 1, interrupted: 1 });
    expect(countByStatus({ ...syntheticRun(), suites: [] })).to.deep.equal({ passed: 0, failed: 0, error: 0, 'expected-fail': 0, 'unexpected-pass': 0, skipped: 0, interrupted: 0 });
  });
});
