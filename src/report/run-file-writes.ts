/**
 * Writing the run-level report files (junit.xml, results.json, report.html, README.md) after each
 * scenario without stalling the harness. The writer runs on the harness's only thread, beside the
 * scenarios of other jobs whose timers and answers are being measured: a long run's results.json
 * and report.html reach tens of MB (daemon logs), and writing them at once held the event loop for
 * tenths of a second. Small files are written at once, so a run killed at any moment leaves complete
 * files covering what finished; larger ones are written in slices between event-loop turns into a
 * temp file, renamed over the old one when complete. writeNow() (finish(), a Ctrl-C handler) always
 * writes at once and abandons a sliced write still in progress.
 */
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface FileChunks {
  path: string;
  /** The file's text in pieces, in order (each scenario's kept text is one). */
  chunks: readonly string[];
}

/** Characters written in one go: about a millisecond of writeSync on this VM (docs/performance.md). */
export const SLICE_CHARS = 512 * 1024;

/** Writes `file` through a temp file and a rename, so a reader never sees half of it. */
export function writeChunksAtomically(file: { path: string; chunks: readonly (string | Uint8Array)[] }, temp = `${file.path}.tmp-${process.pid}`): void {
  const fd = openSync(temp, 'w');
  try {
    // writeFileSync on a descriptor appends at its position and loops until all of it is written.
    for (const chunk of file.chunks) writeFileSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file.path);
}

/** `text` in pieces of about SLICE_CHARS, never between the two halves of a surrogate pair (each piece is encoded on its own). */
function* slices(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + SLICE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(at, end);
    at = end;
  }
}

const size = (files: readonly FileChunks[]): number => files.reduce((n, f) => n + f.chunks.reduce((m, c) => m + c.length, 0), 0);

export class RunFileWrites {
  /** Bumped by writeNow(): a sliced write that sees it changed stops without renaming. */
  private generation = 0;
  private pending: readonly FileChunks[] | undefined;
  private draining: Promise<void> | undefined;
  private inProgress: { fd: number; temp: string } | undefined;

  /** @param onError told of a failed sliced write; the next write (finish() at the latest) tries again. */
  constructor(private readonly onError: (err: Error, path: string) => void) {}

  /** The newest files to write: at once when they are small and nothing is in progress, else sliced, superseding an older request not yet started. */
  request(files: readonly FileChunks[]): void {
    if (this.draining === undefined && size(files) <= SLICE_CHARS) {
      this.writeNow(files);
      return;
    }
    this.pending = files;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves when no sliced write is left in progress or pending. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Writes `files` now, synchronously, abandoning a sliced write in progress (its temp file is removed). */
  writeNow(files: readonly FileChunks[]): void {
    this.generation++;
    this.pending = undefined;
    this.abandon();
    for (const file of files) writeChunksAtomically(file);
  }

  private abandon(): void {
    if (!this.inProgress) return;
    const { fd, temp } = this.inProgress;
    this.inProgress = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already closed by a failed write.
    }
    rmSync(temp, { force: true });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const files = this.pending;
      this.pending = undefined;
      const generation = this.generation;
      for (const file of files) {
        try {
          if (!(await this.writeSliced(file, generation))) return;
        } catch (err) {
          this.abandon();
          this.onError(err as Error, file.path);
        }
      }
    }
  }

  /** false when writeNow() took over meanwhile. */
  private async writeSliced(file: FileChunks, generation: number): Promise<boolean> {
    const temp = `${file.path}.tmp-${process.pid}-sliced`;
    this.inProgress = { fd: openSync(temp, 'w'), temp };
    let since = 0;
    for (const chunk of file.chunks) {
      for (const piece of slices(chunk)) {
        writeFileSync(this.inProgress.fd, piece);
        since += piece.length;
        if (since < SLICE_CHARS) continue;
        since = 0;
        await nextTurn();
        if (generation !== this.generation) return false;
      }
    }
    closeSync(this.inProgress.fd);
    this.inProgress = undefined;
    renameSync(temp, file.path);
    return true;
  }
}
