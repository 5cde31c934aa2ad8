/**
 * Cleans up running labs on every way the harness process can end:
 *  - SIGINT / SIGTERM / SIGHUP: stop daemons gracefully, tear down, then let the
 *    signal take its course (re-raised, so the exit status still says which);
 *  - a crash (uncaught exception, unhandled rejection) or process.exit(): the
 *    'exit' event, where only synchronous work runs: SIGKILL and sync teardown;
 *  - SIGKILL, which no handler sees: the lab's state file lets the next start
 *    with the same name remove what was left (src/lab/lab-state.ts).
 * Handlers are installed only while a lab is up, so they never change how a
 * process without a lab reacts to signals.
 */

export interface Guarded {
  stop(): Promise<void>;
  stopSync(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A graceful stop that takes longer than this is cut short by the synchronous path. */
const GRACEFUL_LIMIT_MS = 20_000;

const active = new Set<Guarded>();
let handling = false;

function onExit(): void {
  for (const g of active) g.stopSync();
  active.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (handling) {
    // A second Ctrl-C: no more patience.
    onExit();
    process.exit(128 + signalNumber(signal));
  }
  handling = true;
  const all = [...active];
  const limit = new Promise<void>((resolve) => setTimeout(resolve, GRACEFUL_LIMIT_MS).unref());
  void Promise.race([Promise.allSettled(all.map((g) => g.stop())), limit]).then(() => {
    onExit();
    uninstall();
    handling = false;
    // Other listeners were called alongside this one and own the exit policy;
    // alone, re-raise so the process ends the way the signal asked.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1;
}

function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
}

/** Registers a lab for cleanup; the returned function unregisters it (after a normal down()). */
export function guardExit(g: Guarded): () => void {
  if (active.size === 0) install();
  active.add(g);
  return () => {
    active.delete(g);
    if (active.size === 0 && !handling) uninstall();
  };
}
