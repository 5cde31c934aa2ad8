/**
 * What the strongSwan and Libreswan adapters share: writing their rendered
 * files, waiting for a control socket, and the daemon log as timestamped lines.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { Clock } from '../events.js';
import type { DaemonLogLine, DutAdapterContext } from './dut-adapter-types.js';
import { LabError } from '../errors.js';
import { DaemonConfigError, parseDaemonConfig, type DaemonConfig } from './daemon-config.js';
import type { DaemonHandle } from './supervisor.js';

/** The opaque profile mapping, typed; a bad field becomes a lab error naming it. */
export function daemonConfigOf(ctx: DutAdapterContext): DaemonConfig {
  try {
    return parseDaemonConfig(ctx.config);
  } catch (err) {
    if (err instanceof DaemonConfigError) {
      const section = ctx.role === 'dut' ? 'lab.dut' : 'lab.peer_daemon';
      throw new LabError('ERR_LAB_DAEMON', `${[section, ...err.path].join('.')}: ${err.message}`);
    }
    throw err;
  }
}

/** Files that hold the PSK are readable by root only. */
export function writeConfigFile(path: string, text: string, secret = false): void {
  writeFileSync(path, text, { mode: secret ? 0o600 : 0o644 });
}

export function removeStale(path: string): void {
  if (existsSync(path)) rmSync(path, { force: true });
}

/**
 * Polls `probe` until it resolves true; fails with the daemon's last log lines
 * when the daemon exits or the deadline passes, so a bad config says why.
 */
export async function waitUntilReady(
  clock: Clock,
  handle: DaemonHandle,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = clock.now() + BigInt(timeoutMs) * 1_000_000n;
  while (clock.now() < deadline) {
    if (!handle.running) break;
    if (await probe().catch(() => false)) return;
    await new Promise<void>((r) => clock.setTimeout(r, 100));
  }
  const tail = handle
    .snapshot()
    .slice(-15)
    .map((l) => `  ${l.line}`)
    .join('\n');
  const why = handle.running ? `not ready after ${timeoutMs} ms` : 'exited during start-up';
  throw new LabError('ERR_LAB_DAEMON', `${what} ${why}; last log lines:\n${tail}`);
}

export async function* daemonLogLines(handle: DaemonHandle | undefined): AsyncIterable<DaemonLogLine> {
  if (!handle) return;
  for await (const l of handle.lines()) yield { t: l.t, line: l.line };
}

/** LD_PRELOAD of the ESP-emulation shim when the kernel lacks ESP (docs/lab.md). */
export function shimEnv(ctx: DutAdapterContext): Record<string, string> {
  return ctx.dataPlane === 'emulated' && ctx.shimPath ? { LD_PRELOAD: ctx.shimPath } : {};
}
