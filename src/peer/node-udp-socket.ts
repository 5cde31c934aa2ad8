/**
 * A PeerSocket on Node's dgram: one sendmsg and callback per datagram sent,
 * one 'message' event per datagram received, receive times from the event loop.
 */
import { createSocket, type Socket } from 'node:dgram';
import { HarnessError } from '../errors.js';
import type { Endpoint } from '../events.js';
import type { PeerSocket, PeerSocketHandlers } from './peer-socket.js';
import { bufferSizes, type SocketBuffers } from './socket-buffers.js';

export function openNodeUdpSocket(want: Endpoint, handlers: PeerSocketHandlers): Promise<PeerSocket> {
  const socket = createSocket({ type: want.address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      socket.close();
      reject(new HarnessError('ERR_PEER_SOCKET', `cannot bind UDP ${want.address}:${want.port}: ${err.message}`, { cause: err }));
    };
    socket.once('error', onBindError);
    socket.bind(want.port, want.address, () => {
      socket.off('error', onBindError);
      const a = socket.address();
      const local: Endpoint = { address: a.address, port: a.port };
      socket.on('message', (msg, rinfo) => {
        handlers.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port }, undefined);
      });
      socket.on('error', (err) => handlers.onError(new HarnessError('ERR_PEER_SOCKET', `socket ${local.address}:${local.port}: ${err.message}`, { cause: err })));
      resolve(nodeUdpSocket(socket, local));
    });
  });
}

function nodeUdpSocket(socket: Socket, local: Endpoint): PeerSocket {
  return {
    local,
    sendsAtOnce: true,
    send: (bytes, to) =>
      new Promise<void>((resolve, reject) => {
        socket.send(bytes, to.port, to.address, (err) => {
          if (err) reject(new HarnessError('ERR_PEER_SOCKET', `send ${local.address}:${local.port} → ${to.address}:${to.port} failed: ${err.message}`, { cause: err }));
          else resolve();
        });
      }),
    setBuffers(buffers: SocketBuffers) {
      if (buffers.receive !== undefined) socket.setRecvBufferSize(buffers.receive);
      if (buffers.send !== undefined) socket.setSendBufferSize(buffers.send);
    },
    bufferSizes: () => bufferSizes(socket),
    close: () =>
      new Promise((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          // Already closed: nothing left to release.
          resolve();
        }
      }),
  };
}
