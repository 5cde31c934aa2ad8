/**
 * One bound UDP socket of the fake peer as UdpTransport sees it, whichever I/O
 * backend carries it: Node's dgram (a system call, a wrap and a callback per
 * datagram) or the batched addon (recvmmsg/sendmmsg, one callback per batch).
 */
import type { HarnessError } from '../errors.js';
import type { Endpoint } from '../events.js';
import type { SocketBuffers, SocketBufferSizes } from './socket-buffers.js';

/** `node`: Node's dgram; `batched`: native/rx-stamp's udp_batch (IPv4 only, kernel receive stamps on the socket). */
export type PeerSocketIo = 'node' | 'batched';

export interface PeerSocketHandlers {
  /** `ageNs`: how long before this call the kernel stamped it, when the socket has its own stamps. */
  onMessage(bytes: Uint8Array, remote: Endpoint, ageNs: bigint | undefined): void;
  onError(error: HarnessError): void;
}

export interface PeerSocket {
  readonly local: Endpoint;
  /**
   * true: send() hands the datagram to the kernel in the call (dgram tries the write at once);
   * false: at a later flush (batched: one sendmmsg per loop turn), when send's promise settles.
   */
  readonly sendsAtOnce: boolean;
  /** Settles once the kernel has the datagram; rejects with ERR_PEER_SOCKET. */
  send(bytes: Uint8Array, to: Endpoint): Promise<void>;
  /** Sets what is asked for, then reports what the kernel gave. */
  setBuffers(buffers: SocketBuffers): void;
  bufferSizes(): Omit<SocketBufferSizes, 'local'>;
  /** Datagrams already handed to send leave first. */
  close(): Promise<void>;
}
