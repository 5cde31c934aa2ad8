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
import { optionValue } from './option-value.js';

export const SERVE_USAGE = `usage: dpd-harness serve --profile <file> [--listen <address>[:<port>]]…
  --listen   address (and port, default 500; 0 = any free port) to answer on;
             repeat for several; default 127.0.0.1:500`;

export interface ServeArgs {
  profile: string;
  listen: Endpoint[];
}

export function parseServeArgs(args: string[]): ServeArgs {
  let profile: string | undefined;
  const listen: Endpoint[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--profile') profile = optionValue(args, ++i, SERVE_USAGE);
    else if (a === '--listen') listen.push(parseListenAddress(optionValue(args, ++i, SERVE_USAGE)));
    else throw new UsageError(`unknown option '${a}'\n${SERVE_USAGE}`);
  }
  if (!profile) throw new UsageError(`--profile is required\n${SERVE_USAGE}`);
  return { profile, listen: listen.length > 0 ? listen : [{ address: '127.0.0.1', port: 500 }] };
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

