/**
 * `--listen` values: `address`, `address:port`, `[v6]`, `[v6]:port`. The port
 * defaults to 500 (IKE); 0 asks for an ephemeral one (unprivileged runs, tests).
 */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import type { Endpoint } from '../events.js';

export const IKE_PORT = 500;

export function parseListenAddress(text: string): Endpoint {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const m = bracketed ?? plain;
  const address = m?.[1];
  if (!m || !address) {
    // A bare IPv6 address has colons of its own: accept it whole.
    if (isIP(text) === 6) return { address: text, port: IKE_PORT };
    throw new UsageError(`--listen ${JSON.stringify(text)}: expected <address>[:<port>] (IPv6 as [addr]:port)`);
  }
  if (isIP(address) === 0) throw new UsageError(`--listen ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IP address`);
  const port = m[2] === undefined ? IKE_PORT : Number(m[2]);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--listen ${JSON.stringify(text)}: port must be 0–65535`);
  return { address, port };
}
