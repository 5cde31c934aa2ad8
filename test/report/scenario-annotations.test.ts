import { expect } from 'chai';
import { daemonLogsOf, daemonLogWindow, scenarioNotes } from '../../src/report/scenario-annotations.js';
import { deadPeer } from './synthetic-run.js';

describe('report: scenario annotations', () => {
  it("a daemon's log is cut to the scenario's time span, bounds included", () => {
    const lines = [10n, 20n, 30n, 40n].map((t) => ({ t, line: `at ${t}`, source: 'log' as const }));
    expect(daemonLogWindow('charon', lines, 20n, 30n)).to.deep.equal({
      daemon: 'charon',
      lines: [
        { t: 20n, line: 'at 20' },
        { t: 30n, line: 'at 30' },
      ],
    });
  });

  it('daemon logs: the runner-collected ones win over daemon-log events, never both', () => {
    expect(daemonLogsOf(deadPeer).map((d) => [d.daemon, d.lines.length])).to.deep.equal([['charon', 3]]);
    const collected = { ...deadPeer, daemonLogs: [{ daemon: 'pluto', lines: [] }] };
    expect(daemonLogsOf(collected).map((d) => d.daemon)).to.deep.equal(['pluto']);
  });

  it('notes: marks and SA state changes in time order, in words', () => {
    expect(scenarioNotes(deadPeer).map((n) => `${n.t} ${n.kind} ${n.text}`)).to.deep.equal([
      '0.006 sa-state phase 1 SA established with 192.0.2.2:500',
      '0.5 mark behaviour: silence both ways',
      '19.6 sa-state phase 1 SA deleted with 192.0.2.2:500 (Delete from DUT)',
    ]);
  });
});
