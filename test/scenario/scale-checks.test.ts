/**
 * The dpd_at_scale judgement over hand-made observations: exact numbers pass, and each
 * kind of deviation (one SA's interval, a silent SA's retry count, an answered SA dropped,
 * a silent SA kept) fails its own check with the SA named and the observed number.
 */
import { expect } from 'chai';
import { judgeScale, percentile, type ScaleObservation } from '../../src/scenario/scale-checks.js';
import { silentPositions } from '../../src/scenario/dpd-at-scale.js';
import type { ScaleStep } from '../../src/scenario/plan.js';

const s = (x: number): bigint => BigInt(Math.round(x * 1e9));
const step: ScaleStep = { kind: 'dpd-at-scale', sas: 4, silent: 1, interval: 10, retryInterval: 2, probesBeforeDead: 5, deadAt: 10, windowS: 22, timeoutS: 60 };
const tolerance = { absolute: 0.5, relative: 0.05 };
const answered = (local: string, times: number[]): ScaleObservation => ({ local, silent: false, probes: times.map(s) });
const silent = (local: string, times: number[], gone?: number): ScaleObservation => ({ local, silent: true, probes: times.map(s), ...(gone === undefined ? {} : { goneAt: s(gone) }) });
const good = (): ScaleObservation[] => [
  answered('a:1', [10, 20]), answered('a:2', [10.1, 20.1]), answered('a:3', [10.2, 20.3]),
  silent('a:4', [10, 12, 14, 16, 18], 20.1),
];
const byName = (checks: ReturnType<typeof judgeScale>['checks'], name: string) => checks.find((c) => c.name === name)!;

describe('scenario/scale-checks: dpd_at_scale judgement', () => {
  it('passes a DUT that keeps interval, retries and dead time on every SA, with the numbers', () => {
    const { checks, perSa } = judgeScale(step, 4, good(), tolerance);
    expect(checks.filter((c) => !c.pass)).to.deep.equal([]);
    expect(byName(checks, 'probe interval mean')).to.include({ expected: 10, observed: 10.033, tolerance: 1 });
    expect(byName(checks, 'dead time p50')).to.include({ expected: 10, observed: 10.1 });
    expect(byName(checks, 'R-U-THEREs before dead per silent SA (p50)')).to.include({ expected: 5, observed: 5 });
    expect(perSa).to.have.length(4);
    expect(perSa[3]).to.equal('scale a:4 silent: 5 R-U-THERE, retries [2, 2, 2, 2] s, dead 10.1 s after the first unanswered R-U-THERE');
  });

  it('fails the interval checks and names the SA whose interval drifted', () => {
    const obs = good();
    obs[1] = answered('a:2', [10, 23]);
    const { checks } = judgeScale(step, 4, obs, tolerance);
    const perSa = byName(checks, 'answered SAs probed with every interval in tolerance');
    expect(perSa).to.include({ pass: false, expected: 3, observed: 2 });
    expect(perSa.detail).to.contain('a:2 (13 s)');
    expect(byName(checks, 'probe interval p99')).to.include({ pass: false, observed: 13 });
  });

  it('fails retries and dead time of a silent SA declared dead after 3 probes', () => {
    const obs = good();
    obs[3] = silent('a:4', [10, 12, 14], 16);
    const { checks } = judgeScale(step, 4, obs, tolerance);
    expect(byName(checks, 'R-U-THEREs before dead per silent SA (p50)')).to.include({ pass: false, observed: 3 });
    expect(byName(checks, 'dead time mean')).to.include({ pass: false, observed: 6 });
  });

  it('a probe in the instant of death is no retry; a probe before it is, and a DUT that then dies late fails its dead time', () => {
    const obs = good();
    obs[3] = silent('a:4', [10, 12, 14, 16, 18, 20], 20.1);
    const { checks, perSa } = judgeScale(step, 4, obs, tolerance);
    expect(checks.filter((c) => !c.pass)).to.deep.equal([]);
    expect(perSa[3]).to.contain('5 R-U-THERE, retries [2, 2, 2, 2] s, 1 more at the dead instant');
    obs[3] = silent('a:4', [10, 12, 14, 16, 18, 20, 22], 22.1);
    const late = judgeScale(step, 4, obs, tolerance).checks;
    expect(byName(late, 'dead time mean')).to.include({ pass: false, observed: 12.1 });
  });

  it('fails when an answered SA is dropped, a silent one kept, or not all came up', () => {
    const obs = good();
    obs[0] = { ...obs[0]!, goneAt: s(15) };
    obs[3] = silent('a:4', [10, 12, 14, 16, 18]);
    const { checks } = judgeScale(step, 3, obs, tolerance);
    expect(byName(checks, 'SAs up at once')).to.include({ pass: false, expected: 4, observed: 3 });
    expect(byName(checks, 'answered SAs still listed by the DUT')).to.include({ pass: false, observed: 2 });
    expect(byName(checks, 'silent SAs removed from the DUT status')).to.include({ pass: false, observed: 0 });
    expect(byName(checks, 'dead time')).to.include({ pass: false, observed: null });
  });

  it('tells a late harness from a late DUT: its answer latency, and the DUT\'s interval from the ACK to its next probe', () => {
    // A DUT that times from the last inbound message: each probe comes 10 s after our ACK.
    const timed = (local: string, acks: number[]): ScaleObservation => {
      const probes = [10];
      for (const lag of acks) probes.push(probes[probes.length - 1]! + lag + 10);
      return { local, silent: false, probes: probes.map(s), answers: probes.slice(0, acks.length).map((p, i) => s(p + acks[i]!)) };
    };
    const prompt = [timed('a:1', [0.001, 0.002]), timed('a:2', [0.001, 0.001]), timed('a:3', [0.003, 0.001]), good()[3]!];
    const ok = judgeScale(step, 4, prompt, tolerance).checks;
    expect(byName(ok, 'harness answer latency p99')).to.include({ pass: true, expected: '≤ 1', observed: 0.003 });
    expect(byName(ok, 'probe interval from our answer p99')).to.include({ pass: true, expected: 10, observed: 10 });

    const late = [timed('a:1', [1.5, 0.001]), timed('a:2', [0.001, 0.001]), timed('a:3', [0.001, 0.001]), good()[3]!];
    const checks = judgeScale(step, 4, late, tolerance).checks;
    expect(byName(checks, 'probe interval p99')).to.include({ pass: false, observed: 11.5 });
    expect(byName(checks, 'harness answer latency p99')).to.include({ pass: false, observed: 1.5 });
    expect(byName(checks, 'harness answer latency p99').detail).to.contain('max 1.5 s over 6 answered R-U-THEREs');
    expect(byName(checks, 'probe interval from our answer p99')).to.include({ pass: true, observed: 10 });

    const unanswered = [{ ...timed('a:1', [0.001]), answers: [] }, good()[3]!];
    expect(byName(judgeScale(step, 4, unanswered, tolerance).checks, 'harness answer latency p99')).to.include({ pass: false, observed: null });
  });

  it('nearest-rank percentiles, and silent SAs spread evenly', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).to.equal(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).to.equal(99);
    expect([...silentPositions(100, 10)]).to.deep.equal([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    expect([...silentPositions(3, 3)]).to.deep.equal([0, 1, 2]);
  });
});
