import { expect } from 'chai';
import { plainProgress, ttyProgress } from '../../src/scenario/progress-output.js';
import { FakeClock } from '../support/fake-clock.js';

describe('scenario/progress-output', () => {
  it('plain: one line per phase change, repeats of the same phase (wait countdown) suppressed', () => {
    const lines: string[] = [];
    const p = plainProgress((l) => lines.push(l));
    p.update({ scenario: 'silence/a', phase: '1/3 bring up SA' });
    p.update({ scenario: 'silence/a', phase: '2/3 wait 5 s', waitEndsAt: 1n });
    p.update({ scenario: 'silence/a', phase: '2/3 wait 5 s', waitEndsAt: 1n });
    p.update({ scenario: 'silence/b', phase: '1/3 bring up SA' });
    expect(lines).to.deep.equal(['[silence/a] 1/3 bring up SA\n', '[silence/a] 2/3 wait 5 s\n', '[silence/b] 1/3 bring up SA\n']);
  });

  it('tty: one rewritten status line with the time left in each wait, cleared on stop', async () => {
    const clock = new FakeClock();
    const written: string[] = [];
    const stream = { columns: 200, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
    const p = ttyProgress(stream, clock);
    p.update({ scenario: 'silence/a', phase: '2/3 wait 5 s', waitEndsAt: clock.now() + 3_500_000_000n });
    p.update({ scenario: 'silence/b', phase: '1/3 bring up SA' });
    await new Promise((r) => setTimeout(r, 300));
    p.update({ scenario: 'silence/b', phase: 'done' });
    p.stop();
    expect(written).to.include('\r\x1b[2Ksilence/a: 2/3 wait 5 s 3.5 s left | silence/b: 1/3 bring up SA');
    expect(written.at(-1)).to.equal('\r\x1b[2K');
  });
});
