/**
 * Live progress of a run. On a terminal: one status line on stderr, rewritten
 * in place, naming each running scenario, its phase and the time left in its
 * current wait (cleared before anything else is printed). Elsewhere: one plain
 * line per phase change.
 */
import type { Clock } from '../events.js';
import type { Progress } from './execute-scenario.js';

export interface ProgressOutput {
  update(p: Progress): void;
  /** Call before other output goes to the terminal. */
  clear(): void;
  stop(): void;
}

export function plainProgress(write: (line: string) => void): ProgressOutput {
  const last = new Map<string, string>();
  return {
    update(p) {
      if (last.get(p.scenario) === p.phase) return;
      last.set(p.scenario, p.phase);
      write(`[${p.scenario}] ${p.phase}\n`);
    },
    clear() {},
    stop() {},
  };
}

export function ttyProgress(stream: NodeJS.WriteStream, clock: Clock): ProgressOutput {
  const running = new Map<string, Progress>();
  let shown = false;
  const render = (): void => {
    const now = clock.now();
    const parts = [...running.values()].map((p) => {
      const left = p.waitEndsAt === undefined ? '' : ` ${Math.max(0, Number(p.waitEndsAt - now) / 1e9).toFixed(1)} s left`;
      return `${p.scenario}: ${p.phase}${left}`;
    });
    const text = parts.join(' | ').slice(0, Math.max(20, (stream.columns ?? 100) - 1));
    stream.write(`\r\x1b[2K${text}`);
    shown = text.length > 0;
  };
  const timer = setInterval(render, 250);
  return {
    update(p) {
      if (p.phase.startsWith('done')) running.delete(p.scenario);
      else running.set(p.scenario, p);
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
    stop() {
      clearInterval(timer);
      this.clear();
    },
  };
}
