/** A fake raw socket for the ICMP injector: records every send, option and state change, and never touches the kernel. */
import type { RawSocket, RawSocketFactory } from '../../src/peer/raw-capture-socket.js';

export interface SendCall {
  buffer: Buffer;
  address: string;
  before: () => void;
  after: (error: Error | null, bytes: number) => void;
}

/** A raw socket that records what the injector does with it. */
export function recordingSocket(): { factory: RawSocketFactory; sends: SendCall[]; options: number[][]; state: { paused: boolean; closed: boolean; protocol?: string } } {
  const sends: SendCall[] = [];
  const options: number[][] = [];
  const state: { paused: boolean; closed: boolean; protocol?: string } = { paused: false, closed: false };
  const socket: RawSocket = {
    send: (buffer, _offset, _length, address, before, after) => sends.push({ buffer, address, before, after }),
    on: () => socket,
    setOption: (level, option, value) => void options.push([level, option, value]),
    pauseRecv: () => (state.paused = true),
    close: () => (state.closed = true),
  };
  return {
    factory: (protocol) => {
      state.protocol = protocol;
      return socket;
    },
    sends,
    options,
    state,
  };
}
