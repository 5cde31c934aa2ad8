/**
 * The harness's own `native/rx-stamp` addon, typed: a raw IPv4 UDP socket read
 * with recvmsg(2) so each packet comes with the kernel's SO_TIMESTAMPNS stamp
 * (socket(7)), which Node's dgram and the raw-socket addon both discard. It is
 * built by `npm ci` (the root install script) and loaded on first use; opening
 * needs CAP_NET_RAW like any raw socket.
 */
import { createRequire } from 'node:module';

export interface RxStampPacket {
  /** The whole IPv4 packet as received. */
  packet: Uint8Array;
  /** How long before the drain the kernel stamped it (ns); null when the kernel attached no stamp. */
  ageNs: bigint | null;
}

/** The addon's three calls; tests inject one that replays packets. */
export interface RxStampSocket {
  /** Every packet queued since the last drain, oldest first; never blocks. */
  drain(): RxStampPacket[];
  close(): void;
}

export type RxStampSocketFactory = () => RxStampSocket;

interface RxStampModule {
  open(): number;
  drain(fd: number): RxStampPacket[];
  close(fd: number): void;
}

/** From src/peer or dist/peer alike, the addon's build sits two folders up. */
const ADDON_PATH = '../../native/rx-stamp/build/Release/rx_stamp.node';

let addon: RxStampModule | undefined;

/** Throws the addon's own errors (strerror text), or Node's when the addon was never built. */
export const systemRxStampSocket: RxStampSocketFactory = () => {
  addon ??= createRequire(import.meta.url)(ADDON_PATH) as RxStampModule;
  const module = addon;
  const fd = module.open();
  let open = true;
  return {
    drain: () => module.drain(fd),
    close() {
      if (!open) return;
      open = false;
      module.close(fd);
    },
  };
};
