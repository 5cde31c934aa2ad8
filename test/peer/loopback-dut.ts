/**
 * A UDP socket on 127.0.0.1 in the DUT's place, for the fake peer tests that
 * script the DUT by hand: it sends datagrams to the peer and keeps every one
 * it receives, in order.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { Endpoint } from '../../src/events.js';

export class LoopbackDut {
  readonly received: Buffer[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => this.received.push(m));
  }

  static async open(): Promise<LoopbackDut> {
    const dut = new LoopbackDut(createSocket('udp4'));
    dut.socket.bind(0, '127.0.0.1');
    await once(dut.socket, 'listening');
    return dut;
  }

  /** Where the peer reaches this DUT. */
  get endpoint(): Endpoint {
    return { address: '127.0.0.1', port: this.socket.address().port };
  }

  send(bytes: Uint8Array, to: Endpoint): void {
    this.socket.send(bytes, to.port, to.address);
  }

  close(): void {
    this.socket.close();
  }
}
