/**
 * Follows a log file a daemon writes (charon's filelog, pluto's logfile) by
 * polling its size: inotify is unreliable across the daemon's private mount
 * namespace, and polling every 100 ms is cheap next to DPD timers of seconds.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Clock } from '../events.js';

export class FileTail {
  private offset = 0;
  private timer: { cancel(): void } | undefined;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly onText: (text: string) => void,
    private readonly clock: Clock,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.schedule();
  }

  /** Reads what the daemon has written by now, after any read in progress. */
  async catchUp(): Promise<void> {
    await this.reading;
    await this.readNew();
  }

  /** Reads what is left and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.catchUp();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      // A failed read (permissions, a vanished directory) must not crash the harness: try again next tick.
      this.reading = this.readNew()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async readNew(): Promise<void> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(this.path, 'r');
      const { size } = await fh.stat();
      // The daemon recreated or truncated its log (charon with append = no on restart).
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      this.onText(buf.subarray(0, bytesRead).toString('utf8'));
    } catch (err) {
      // Not created yet: the daemon writes it once it has started.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    } finally {
      await fh?.close();
    }
  }
}
