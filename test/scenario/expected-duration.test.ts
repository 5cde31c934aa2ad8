import { expect } from 'chai';
import { expectedDurationS } from '../../src/scenario/expected-duration.js';
import type { PlannedScenario, Step } from '../../src/scenario/plan.js';

const scenario = (steps: Step[], skip?: string): PlannedScenario => ({
  id: 's/x', suite: 's', title: 'x', steps: steps.map((step) => ({ step, where: 's.yaml:1' })), tolerance: { absolute: 0.5, relative: 0.05 }, peerAddresses: ['127.0.0.2'], firstProbeWithinS: 21, ikeVersion: 1,
  ...(skip === undefined ? {} : { skip }),
});
const context = { firstProbeS: 10 };
const bringUp: Step = { kind: 'bring-up', initiator: 'peer', peerIndex: 0, timeoutS: 30 };
const silence: Step = { kind: 'behave', change: { silence: 'both' }, label: 'silence' };

describe('scenario: expected duration', () => {
  it('adds bring-up and waits, and runs an expectation to its expected time or window end', () => {
    expect(expectedDurationS(scenario([bringUp, { kind: 'wait', seconds: 3 }]), context)).to.equal(4);
    expect(expectedDurationS(scenario([bringUp, { kind: 'expect-message', message: 'r-u-there', direction: 'in', present: true, timing: { kind: 'window', from: 1, to: 12, origin: 'step' } }]), context)).to.equal(13);
  });

  it('counts first-probe timings from the behaviour change plus the time to the first probe', () => {
    const gone: Step = { kind: 'expect-sa-gone', gone: true, timing: { kind: 'at', at: 10, origin: 'first-probe' } };
    expect(expectedDurationS(scenario([bringUp, silence, gone]), context)).to.equal(21);
    expect(expectedDurationS(scenario([bringUp, silence, gone]), { firstProbeS: 2 })).to.equal(13);
  });

  it('phase timings do not add up when later steps count from the same phase', () => {
    const at = (t: number): Step => ({ kind: 'expect-message', message: 'delete', direction: 'in', present: true, timing: { kind: 'at', at: t, origin: 'phase' } });
    expect(expectedDurationS(scenario([bringUp, silence, at(5), at(8)]), context)).to.equal(9);
  });

  it('is 0 for a scenario the plan skips', () => {
    expect(expectedDurationS(scenario([bringUp, { kind: 'wait', seconds: 30 }], 'no raw socket'), context)).to.equal(0);
  });
});
