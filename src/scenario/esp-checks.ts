/**
 * Judgement of a scenario's ESP (suite step expect_esp) from the counts results.json reports:
 * minimums per direction and kind, and nothing refused by the ICV or the replay window, which
 * would mean the fake peer and the DUT disagree on keys or sequence numbers.
 */
import type { HarnessEvent } from '../events.js';
import { espCounts } from '../report/esp-traffic-summary.js';
import type { Check } from '../report/result-model.js';
import type { Step } from './plan.js';

export function checkEsp(step: Extract<Step, { kind: 'expect-esp' }>, events: readonly HarnessEvent[]): Check[] {
  const c = espCounts(events) ?? { sent: 0, received: 0, replies: 0, requests: 0, replayDropped: 0, authFailed: 0, unknownSpi: 0 };
  const atLeast = (name: string, expected: number, observed: number): Check[] =>
    expected > 0 ? [{ name, expected: `>= ${expected}`, observed, unit: 'packets', pass: observed >= expected }] : [];
  return [
    ...atLeast('ESP sent by the fake peer', step.minSent, c.sent),
    ...atLeast('ESP received from the DUT', step.minReceived, c.received),
    ...atLeast('echo replies in ESP to the fake peer’s requests', step.minReplies, c.replies),
    ...atLeast('echo requests in ESP from the DUT’s traffic source', step.minRequests, c.requests),
    { name: 'ESP from the DUT failing the ICV or the replay window', expected: 0, observed: c.authFailed + c.replayDropped, unit: 'packets', pass: c.authFailed + c.replayDropped === 0 },
  ];
}
