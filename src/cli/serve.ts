/**
 * `dpd-harness serve --profile <file> [--listen <address>[:<port>]]…`: the fake
 * peer as a long-lived responder (manual interop checks, ike-scan). It accepts
 * the profile's IKE and ESP proposals and PSK (the same engine configuration
 * scenarios use), advertises DPD, answers R-U-THERE,
 * prints one line per event, and stops cleanly on SIGINT / SIGTERM.
 */
import { EXIT, UsageError } from '../errors.js';
import type { Clock, Endpoint } from '../events.js';
import { IkeEngine } from '../ike/index.js';
import { loadProfile } from '../profile/load-profile.js';
import type { EngineHooks, EnginePort } from '../peer/engine-port.js';
import { eventLine } from '../peer/event-line.js';
import { FakePeer } from '../peer/fake-peer.js';
import { parseListenAddress } from '../peer/listen-address.js';
import { systemClock } from '../peer/system-clock.js';
import { systemRandom } from '../peer/system-random.js';
import { engineConfigFor } from '../target/engine-config.js';
import { SERVE } from './commands.js';
import { parseCommandArgs } from './option-table.js';

export interface ServeArgs {
  profile: string;
  listen: Endpoint[];
}

export function parseServeArgs(args: string[]): ServeArgs {
  const parsed = parseCommandArgs(SERVE, args);
  if (parsed.positionals.length > 0) throw new UsageError(`serve: unexpected argument '${parsed.positionals[0]}'; see 'dpd-harness serve --help'`);
  const profile = parsed.string('profile');
  if (!profile) throw new UsageError("serve: --profile is required; see 'dpd-harness serve --help'");
  return { profile, listen: parsed.list('listen').map((l) => parseListenAddress(l)) };
}

export interface ServeOptions {
  listen: Endpoint[];
  clock: Clock;
  createEngine(hooks: EngineHooks): EnginePort;
  /** Where event lines go (stdout in the CLI). */
  print(line: string): void;
}

/** Starts answering; resolves with the running peer once every address is bound. */
export async function startServe(options: ServeOptions): Promise<FakePeer> {
  const peer = await FakePeer.start({ bind: options.listen, clock: options.clock, createEngine: options.createEngine });
  const t0 = options.clock.now();
  peer.log.on((e) => options.print(eventLine(e, t0)));
  for (const e of peer.endpoints) options.print(`listening on ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`);
  return peer;
}

/** Resolves when the process is asked to stop (SIGINT / SIGTERM), after the peer has closed. */
export function closeOnSignal(peer: FakePeer): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void peer.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serveCommand(args: string[]): Promise<number> {
  const { profile: file, listen } = parseServeArgs(args);
  const config = engineConfigFor(loadProfile(file), systemRandom);
  const peer = await startServe({
    listen,
    clock: systemClock,
    createEngine: (hooks) => new IkeEngine(config, hooks),
    print: (line) => process.stdout.write(`${line}\n`),
  });
  await closeOnSignal(peer);
  return EXIT.OK;
}

