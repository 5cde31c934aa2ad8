/**
 * The run files' writes: small ones at once, large ones in slices that let the event loop run
 * between them, the newest request winning, writeNow() taking over from a sliced write, no temp
 * files left, no surrogate pair split between slices, and a failed write reported.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFileWrites, SLICE_CHARS, type FileChunks } from '../../src/report/run-file-writes.js';

describe('report/run-file-writes: run files without stalling the event loop', () => {
  let dir: string;
  let errors: string[];
  let writes: RunFileWrites;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-file-writes-'));
    errors = [];
    writes = new RunFileWrites((err, path) => errors.push(`${path}: ${err.message}`));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, chunks: string[]): FileChunks => ({ path: join(dir, name), chunks });
  /** Eight slices' worth, in scenario-sized chunks. */
  const large = (mark: string): string[] => Array.from({ length: 32 }, (_, i) => `${mark}${i}:`.padEnd(SLICE_CHARS / 4, mark));
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const temps = (): string[] => readdirSync(dir).filter((f) => f.includes('.tmp-'));

  it('writes small files at once, before request() returns', () => {
    writes.request([file('junit.xml', ['<a>', '</a>']), file('results.json', ['{}'])]);
    expect(read('junit.xml')).to.equal('<a></a>');
    expect(read('results.json')).to.equal('{}');
    expect(temps()).to.deep.equal([]);
  });

  it('writes a large file in slices: the old file stays whole meanwhile, timers run between slices, then the new one replaces it', async () => {
    writeFileSync(join(dir, 'results.json'), 'old');
    const chunks = large('a');
    writes.request([file('results.json', chunks)]);
    expect(read('results.json')).to.equal('old');
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    await writes.settled();
    clearInterval(ticker);
    expect(read('results.json')).to.equal(chunks.join(''));
    expect(turns).to.be.greaterThan(2);
    expect(temps()).to.deep.equal([]);
  });

  it('the newest request wins over one still waiting', async () => {
    writes.request([file('results.json', large('a'))]);
    writes.request([file('results.json', large('b'))]);
    writes.request([file('results.json', large('c'))]);
    await writes.settled();
    expect(read('results.json')).to.equal(large('c').join(''));
  });

  it('writeNow() abandons a sliced write in progress: its content stays and no temp file is left', async () => {
    writes.request([file('results.json', large('a'))]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(temps()).to.have.length(1);
    writes.writeNow([file('results.json', ['final'])]);
    expect(temps()).to.deep.equal([]);
    await writes.settled();
    expect(read('results.json')).to.equal('final');
    expect(temps()).to.deep.equal([]);
  });

  it('never splits a surrogate pair between two slices', async () => {
    const text = `${'x'.repeat(SLICE_CHARS - 1)}😀${'y'.repeat(SLICE_CHARS)}😀`;
    writes.request([file('report.html', [text])]);
    await writes.settled();
    expect(read('report.html')).to.equal(text);
  });

  it('tells of a sliced write that failed and leaves no temp file', async () => {
    writes.request([file('missing/results.json', large('a'))]);
    await writes.settled();
    expect(errors).to.have.length(1);
    expect(errors[0]).to.contain('missing/results.json').and.contain('ENOENT');
    expect(existsSync(join(dir, 'missing'))).to.equal(false);
    expect(temps()).to.deep.equal([]);
  });
});
