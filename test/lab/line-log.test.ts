import { expect } from 'chai';
import { LineLog } from '../../src/lab/line-log.js';
import { FakeClock } from '../support/fake-clock.js';

describe('lab/line-log', () => {
  it('stamps complete lines with the clock and keeps partial lines until their newline', () => {
    const clock = new FakeClock(0n);
    const log = new LineLog(clock);
    log.write('stdout', 'first\nsec');
    clock.advance(5);
    log.write('stdout', 'ond\r\n');
    log.write('log', 'from file');
    log.close();
    expect(log.snapshot()).to.deep.equal([
      { t: 0n, line: 'first', source: 'stdout' },
      { t: 5_000_000n, line: 'second', source: 'stdout' },
      { t: 5_000_000n, line: 'from file', source: 'log' },
    ]);
  });

  it('gives every reader the history, then live lines, and ends when closed', async () => {
    const log = new LineLog(new FakeClock());
    log.write('stderr', 'a\n');
    const seen: string[] = [];
    const reading = (async () => {
      for await (const l of log.follow()) seen.push(l.line);
    })();
    await new Promise((r) => setImmediate(r));
    log.write('stderr', 'b\n');
    await new Promise((r) => setImmediate(r));
    log.write('stderr', 'c\n');
    log.close();
    await reading;
    expect(seen).to.deep.equal(['a', 'b', 'c']);
    const late: string[] = [];
    for await (const l of log.follow()) late.push(l.line);
    expect(late).to.deep.equal(['a', 'b', 'c']);
  });

  it('keeps the last `capacity` lines in order, and a reader left behind goes on from the oldest kept', async () => {
    const log = new LineLog(new FakeClock(), 3);
    log.write('log', 'a\nb\n');
    const reader = log.follow();
    expect((await reader.next()).value?.line).to.equal('a');
    log.write('log', 'c\nd\ne\nf\n');
    expect(log.snapshot().map((l) => l.line)).to.deep.equal(['d', 'e', 'f']);
    log.close();
    const rest: string[] = [];
    for (let r = await reader.next(); !r.done; r = await reader.next()) rest.push(r.value.line);
    expect(rest).to.deep.equal(['d', 'e', 'f']);
  });
});
