/**
 * Socket buffer sizes a bind entry may ask for. Many SAs probed at high rates need more than
 * the kernel's default receive buffer (what a full one cannot take is dropped), but the kernel
 * caps what it gives at net.core.rmem_max / wmem_max, so what was asked and not given is said.
 */
import type { Socket } from 'node:dgram';
import type { Endpoint } from '../events.js';

/** Socket buffer sizes in bytes. */
export interface SocketBuffers {
  receive?: number;
  send?: number;
}

/** What one socket has (Linux reports twice what was set, its bookkeeping included). */
export interface SocketBufferSizes {
  local: Endpoint;
  receive: number;
  send: number;
}

export const bufferSizes = (socket: Socket): Omit<SocketBufferSizes, 'local'> => ({ receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() });

/**
 * The label of a socket given less than `asked`, or undefined when it got what it asked for.
 * Linux gives 2 × min(asked, max) and reports that, so a report under twice the ask is a cap
 * (compared with the ask itself, an ask between max and 2 × max would pass unremarked).
 */
export function cappedBuffers(local: Endpoint, asked: SocketBuffers, got: Omit<SocketBufferSizes, 'local'>): string | undefined {
  const given = (reported: number): number => Math.floor(reported / 2);
  const short = [
    asked.receive !== undefined && got.receive < 2 * asked.receive ? `receive ${given(got.receive)} of ${asked.receive} bytes asked (net.core.rmem_max caps it)` : '',
    asked.send !== undefined && got.send < 2 * asked.send ? `send ${given(got.send)} of ${asked.send} bytes asked (net.core.wmem_max caps it)` : '',
  ].filter(Boolean);
  return short.length > 0 ? `socket buffers on ${local.address}:${local.port} capped: ${short.join(', ')}` : undefined;
}
