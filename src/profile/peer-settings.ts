/**
 * The profile's `peer` section: how the fake peer itself runs, not what the DUT is: its sockets'
 * buffer sizes and I/O backend, for runs with many SAs probed fast (a full receive buffer drops
 * datagrams; one system call and callback per datagram costs more CPU than the engine's answer).
 */
import type { PeerSocketIo } from '../peer/peer-socket.js';
import type { SocketBuffers } from '../peer/socket-buffers.js';

export interface PeerSettings {
  /** Asked for on every socket the fake peer binds for a scenario; absent: the kernel's defaults. */
  socketBuffers?: SocketBuffers;
  /** The I/O backend of every socket the fake peer binds for a scenario; absent: Node's dgram ('node'). */
  io?: PeerSocketIo;
}

type Fail = (path: (string | number)[], message: string) => never;

const UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 * 1024 };

/** A byte count: an integer, or digits with KiB or MiB ("2MiB"). The schema has already refused integers below 1. */
export function parseByteSize(value: number | string, path: (string | number)[], bad: Fail): number {
  if (typeof value === 'number') return value;
  const fail = (why: string): never => bad(path, `${path.join('.')}: ${JSON.stringify(value)} ${why}`);
  const m = /^(\d+)\s*([A-Za-z]*)$/.exec(value.trim());
  if (!m) fail('is not a byte count (an integer, or a number with KiB or MiB, e.g. 2MiB)');
  const unit = UNITS[m![2]!];
  if (unit === undefined) fail(`has an unknown unit ${JSON.stringify(m![2])} (KiB or MiB, or none for bytes)`);
  const bytes = Number(m![1]) * unit!;
  if (bytes < 1) fail('must be at least 1 byte');
  // setsockopt takes an int: anything past it could not be asked for.
  if (bytes > 2 ** 31 - 1) fail('is more than a socket option can hold (2147483647 bytes)');
  return bytes;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema check has vouched for the shape of `peer` */
export function loadPeerSettings(peer: any, bad: Fail): PeerSettings {
  const b = peer?.socket_buffers;
  const size = (side: 'receive' | 'send'): SocketBuffers =>
    b[side] === undefined ? {} : { [side]: parseByteSize(b[side], ['peer', 'socket_buffers', side], bad) };
  return {
    ...(b === undefined ? {} : { socketBuffers: { ...size('receive'), ...size('send') } }),
    ...(peer?.io === undefined ? {} : { io: peer.io as PeerSocketIo }),
  };
}
