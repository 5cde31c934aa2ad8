/**
 * A PeerSocket on the harness's own `native/rx-stamp` udp_batch addon (built by
 * `npm ci` with rx_stamp): datagrams come in a batch per readable event, with
 * the kernel's SO_TIMESTAMPNS stamp each, and the sends of one event-loop turn
 * leave together in one sendmmsg(2). A datagram's send time is therefore read
 * when it is queued, up to one turn of the loop before the kernel has it.
 * IPv4 only: an IPv6 address is refused with ERR_PEER_SOCKET.
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { HarnessError } from '../errors.js';
import type { Endpoint } from '../events.js';
import { parseIpv4 } from '../wire/ip-address.js';
import type { PeerSocket, PeerSocketHandlers } from './peer-socket.js';
import type { SocketBuffers } from './socket-buffers.js';

/** Per received datagram in `meta`: offset, length, IPv4 source, source port, age ns (-1: none). */
const FIELDS = 5;
/** Per datagram sent: offset, length, IPv4 destination, destination port. */
const SEND_FIELDS = 4;

type Handle = object;

interface UdpBatchModule {
  open(address: string, port: number, onBatch: (payloads: Buffer, meta: Float64Array, count: number, errno: number) => void): Handle;
  address(handle: Handle): [string, number];
  buffers(handle: Handle, receive: number, send: number): [number, number];
  send(handle: Handle, payloads: Buffer, meta: Int32Array, count: number): Int32Array;
  close(handle: Handle): void;
  receiveBufferBytes(): number;
}

/** From src/peer or dist/peer alike, the addon's build sits two folders up. */
const ADDON_PATH = '../../native/rx-stamp/build/Release/udp_batch.node';

let addon: UdpBatchModule | undefined;

interface Queued {
  bytes: Uint8Array;
  to: Endpoint;
  address: number;
  resolve(): void;
  reject(error: HarnessError): void;
}

/** An IPv4 address as the 32-bit number the addon takes, or undefined for anything else. */
function ipv4Number(address: string): number | undefined {
  const b = parseIpv4(address);
  return b && ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
const errnoName = (n: number): string => ERRNO_NAMES.get(n) ?? `errno ${n}`;

const ipv4Text = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** The addon's errors carry errno names as codes; they leave as ERR_PEER_SOCKET. */
function socketError(err: unknown, doing: string): HarnessError {
  const e = err as { code?: string; message?: string };
  return new HarnessError('ERR_PEER_SOCKET', `${doing}: ${e.code ?? ''} ${e.message ?? String(err)}`.trim(), { cause: err });
}

/**
 * Bytes of receive buffers the batched sockets of this thread hold: one set (64 × 64 KiB) however
 * many sockets are open, from the first open on; 0 before.
 */
export function batchedReceiveBufferBytes(): number {
  return addon?.receiveBufferBytes() ?? 0;
}

export async function openBatchedUdpSocket(want: Endpoint, handlers: PeerSocketHandlers): Promise<PeerSocket> {
  if (ipv4Number(want.address) === undefined) {
    throw new HarnessError('ERR_PEER_SOCKET', `cannot bind UDP ${want.address}:${want.port}: batched I/O takes IPv4 addresses only (use io 'node')`);
  }
  let module: UdpBatchModule;
  let handle: Handle;
  try {
    module = addon ??= createRequire(import.meta.url)(ADDON_PATH) as UdpBatchModule;
    handle = module.open(want.address, want.port, (payloads, meta, count, errno) => {
      if (errno !== 0) {
        handlers.onError(new HarnessError('ERR_PEER_SOCKET', `socket ${local.address}:${local.port}: recvmmsg failed: ${errnoName(errno)}`));
        return;
      }
      for (let i = 0; i < count; i++) {
        const f = i * FIELDS;
        const age = meta[f + 4];
        handlers.onMessage(
          new Uint8Array(payloads.buffer, payloads.byteOffset + meta[f], meta[f + 1]),
          { address: ipv4Text(meta[f + 2]), port: meta[f + 3] },
          age < 0 ? undefined : BigInt(age),
        );
      }
    });
  } catch (err) {
    throw socketError(err, `cannot bind UDP ${want.address}:${want.port} (native/rx-stamp udp_batch, built by npm ci)`);
  }
  const [address, port] = module.address(handle);
  const local: Endpoint = { address, port };
  return new BatchedUdpSocket(module, handle, local);
}

class BatchedUdpSocket implements PeerSocket {
  private queue: Queued[] = [];
  private closed = false;
  readonly sendsAtOnce = false;

  constructor(
    private readonly module: UdpBatchModule,
    private readonly handle: Handle,
    readonly local: Endpoint,
  ) {}

  send(bytes: Uint8Array, to: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      const address = ipv4Number(to.address);
      const refuse = (why: string): void => reject(new HarnessError('ERR_PEER_SOCKET', `send ${this.local.address}:${this.local.port} → ${to.address}:${to.port} failed: ${why}`));
      if (this.closed) return refuse('socket closed');
      if (address === undefined || !Number.isInteger(to.port) || to.port < 0 || to.port > 65535) return refuse('not an IPv4 address and port');
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ bytes, to, address, resolve, reject });
    });
  }

  setBuffers(buffers: SocketBuffers): void {
    this.module.buffers(this.handle, buffers.receive ?? -1, buffers.send ?? -1);
  }

  bufferSizes(): { receive: number; send: number } {
    const [receive, send] = this.module.buffers(this.handle, -1, -1);
    return { receive, send };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.module.close(this.handle);
    // libuv closes the descriptor on its next turn.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0 || this.closed) return;
    this.queue = [];
    let total = 0;
    for (const q of batch) total += q.bytes.byteLength;
    const payloads = Buffer.allocUnsafe(total);
    const meta = new Int32Array(batch.length * SEND_FIELDS);
    let offset = 0;
    batch.forEach((q, i) => {
      payloads.set(q.bytes, offset);
      meta.set([offset, q.bytes.byteLength, q.address | 0, q.to.port], i * SEND_FIELDS);
      offset += q.bytes.byteLength;
    });
    let errors: Int32Array;
    try {
      errors = this.module.send(this.handle, payloads, meta, batch.length);
    } catch (err) {
      const error = socketError(err, `send from ${this.local.address}:${this.local.port} failed`);
      for (const q of batch) q.reject(error);
      return;
    }
    batch.forEach((q, i) => {
      if (errors[i] === 0) q.resolve();
      else q.reject(new HarnessError('ERR_PEER_SOCKET', `send ${this.local.address}:${this.local.port} → ${q.to.address}:${q.to.port} failed: ${errnoName(errors[i])}`));
    });
  }
}
