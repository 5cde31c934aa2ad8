import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from '../../src/lab/file-tail.js';
import { FakeClock } from '../support/fake-clock.js';

describe('lab: FileTail (following a daemon log file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dpd-file-tail-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('catchUp reads what was written since the last read without waiting for the poll, each byte once', async () => {
    const path = join(dir, 'pluto.log');
    const seen: string[] = [];
    // The fake clock never advances: no poll happens, only catchUp reads.
    const tail = new FileTail(path, (t) => seen.push(t), new FakeClock());
    tail.start();
    await tail.catchUp();
    expect(seen, 'no file yet').to.deep.equal([]);
    writeFileSync(path, 'first line\n');
    await tail.catchUp();
    appendFileSync(path, 'second line\n');
    await tail.catchUp();
    await tail.catchUp();
    expect(seen).to.deep.equal(['first line\n', 'second line\n']);
    // Recreated shorter (charon with append = no after a restart): read again from the start.
    writeFileSync(path, 'new\n');
    await tail.stop();
    expect(seen.at(-1)).to.equal('new\n');
  });
});
