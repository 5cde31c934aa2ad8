import type { DatagramEvent } from '../../src/events.js';
import type { FakePeer } from '../../src/peer/fake-peer.js';

/** The peer's datagrams one way whose summary is `kind`. */
export const datagramsOf = (peer: FakePeer, direction: 'in' | 'out', kind: string): DatagramEvent[] =>
  peer.log.datagrams().filter((d) => d.direction === direction && d.summary?.kind === kind);
