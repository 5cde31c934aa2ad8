/**
 * The `raw-socket` addon, typed, for the ICMP injector and the raw capture.
 * It is CommonJS without type declarations, so it is loaded with
 * createRequire and described here by the part the harness uses. Opening a
 * raw socket needs CAP_NET_RAW; without it the addon throws a bare
 * "Operation not permitted", which becomes ERR_RAW_NOT_PERMITTED.
 */
import { createRequire } from 'node:module';
import { HarnessError } from '../errors.js';

/** The subset of raw-socket's Socket the harness uses (raw-socket README, "Socket"). */
export interface RawSocket {
  /** `beforeSend` runs right before sendto(2), when the socket is writable: the moment to read the clock. */
  send(buffer: Buffer, offset: number, length: number, address: string, beforeSend: () => void, afterSend: (error: Error | null, bytes: number) => void): unknown;
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  setOption(level: number, option: number, value: number): void;
  pauseRecv(): unknown;
  close(): unknown;
}

export type RawProtocol = 'icmp' | 'udp';

/** Opens an IPv4 raw socket; tests inject one that fails or records. */
export type RawSocketFactory = (protocol: RawProtocol, bufferSize: number) => RawSocket;

interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number; bufferSize: number }): RawSocket;
  Protocol: { ICMP: number; UDP: number };
  AddressFamily: { IPv4: number };
  SocketLevel: { IPPROTO_IP: number };
  SocketOption: { IP_HDRINCL: number };
}

let addon: RawSocketModule | undefined;
function rawSocketModule(): RawSocketModule {
  addon ??= createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  return addon;
}

export const systemRawSocket: RawSocketFactory = (protocol, bufferSize) => {
  const raw = rawSocketModule();
  return raw.createSocket({ protocol: protocol === 'icmp' ? raw.Protocol.ICMP : raw.Protocol.UDP, addressFamily: raw.AddressFamily.IPv4, bufferSize });
};

/** raw(7) IP_HDRINCL: the caller writes the IPv4 header, so the source address is its choice. */
export function includeIpHeader(socket: RawSocket): void {
  const raw = rawSocketModule();
  socket.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
}

/** Opens through `factory`, turning the addon's untyped failures into HarnessErrors. */
export function openRawSocket(protocol: RawProtocol, factory: RawSocketFactory, bufferSize = 65535): RawSocket {
  try {
    return factory(protocol, bufferSize);
  } catch (err) {
    throw rawSocketError(err, `open a raw IPv4 socket (protocol ${protocol})`);
  }
}

export function rawSocketError(err: unknown, doing: string): HarnessError {
  const message = err instanceof Error ? err.message : String(err);
  // The addon reports strerror() text only: EPERM and EACCES are the two ways the kernel refuses a raw socket.
  if (/operation not permitted|permission denied/i.test(message)) {
    return new HarnessError('ERR_RAW_NOT_PERMITTED', `cannot ${doing}: ${message}; raw sockets need root (CAP_NET_RAW)`, { cause: err });
  }
  return new HarnessError('ERR_RAW_SOCKET', `cannot ${doing}: ${message}`, { cause: err });
}
