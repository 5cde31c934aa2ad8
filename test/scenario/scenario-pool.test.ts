import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import type { PlannedScenario } from '../../src/scenario/plan.js';
import { runPool } from '../../src/scenario/scenario-pool.js';
import type { TargetFactory } from '../../src/target/target.js';
import { FakeClock } from '../support/fake-clock.js';

const clock = new FakeClock();

function scenario(id: string, skip?: string): PlannedScenario {
  return { id: `pool/${id}`, suite: 'pool', title: id, steps: [], tolerance: { absolute: 0, relative: 0 }, peerAddresses: [], firstProbeWithinS: 0, ikeVersion: 1, ...(skip ? { skip } : {}) };
}

/** A factory whose targets never open: the pool records a set-up error, and the order of open() calls is the start order. */
function refusingFactory(opened: string[]): TargetFactory {
  return {
    clock,
    capabilities: { saStatus: 'wire', initiate: false, traffic: false, esp: false, maxSas: 1 },
    maxJobs: 8,
    dataPlane: 'emulated',
    async open(id) {
      opened.push(id);
      throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'refused by the test');
    },
    async close() {},
  };
}

async function startOrder(jobs: number, withDurations: boolean): Promise<string[]> {
  const durations: Record<string, number> = { 'pool/a': 2, 'pool/b': 15, 'pool/c': 2, 'pool/d': 9, 'pool/e': 30 };
  const scenarios = ['a', 'b', 'c', 'd', 'e'].map((id) => scenario(id, id === 'e' ? 'skipped by the plan' : undefined));
  const opened: string[] = [];
  const results = runPool(scenarios, {
    factory: refusingFactory(opened),
    clock,
    jobs,
    signal: new AbortController().signal,
    onFinished: () => {},
    ...(withDurations ? { durationS: (s: PlannedScenario) => durations[s.id]! } : {}),
  });
  const all = await Promise.all(results.values());
  expect(all.map((r) => r.status)).to.deep.equal(['error', 'error', 'error', 'error', 'skipped']);
  return opened;
}

describe('scenario/scenario-pool start order', () => {
  it('with several jobs starts the longest expected scenarios first, equal estimates in suite order', async () => {
    expect(await startOrder(2, true)).to.deep.equal(['pool/b', 'pool/d', 'pool/a', 'pool/c']);
  });
  it('keeps suite order with one job (the order a reader of the suite expects) or without estimates', async () => {
    expect(await startOrder(1, true)).to.deep.equal(['pool/a', 'pool/b', 'pool/c', 'pool/d']);
    expect(await startOrder(3, false)).to.deep.equal(['pool/a', 'pool/b', 'pool/c', 'pool/d']);
  });
});
