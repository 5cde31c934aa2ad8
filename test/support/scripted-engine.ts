import type { Endpoint, MessageSummary } from '../../src/events.js';
import type { EngineEffect, EngineHooks, EnginePort } from '../../src/peer/engine-port.js';

/**
 * A scripted stand-in for the IKE engine, speaking a toy format so the test
 * controls exactly which effects the peer must carry out:
 *   16 bytes "SA id" ‖ 1 byte type (1 = R-U-THERE, 2 = ACK, 3 = handshake) ‖ 4 bytes seq
 *   ‖ 1 byte: the last byte of the HASH payload after the mutate hook (0 unless corrupted).
 */
export class ScriptedEngine implements EnginePort {
  received: Uint8Array[] = [];
  timerCalls: string[] = [];
  constructor(readonly hooks: EngineHooks, private readonly local: () => Endpoint) {}

  static packet(sa: string, type: number, seq: number, hashTail = 0): Uint8Array {
    const b = Buffer.alloc(22);
    Buffer.from(sa, 'hex').copy(b, 0);
    b[16] = type;
    b.writeUInt32BE(seq >>> 0, 17);
    b[21] = hashTail;
    return new Uint8Array(b);
  }

  private summary(type: number, seq: number): MessageSummary {
    return { exchangeType: type === 3 ? 2 : 5, messageId: type === 3 ? 0 : 0x1000 + seq, kind: type === 1 ? 'r-u-there' : type === 2 ? 'r-u-there-ack' : 'main-mode', seq };
  }

  private build(sa: string, to: Endpoint, type: number, seq: number, answer: boolean): EngineEffect {
    const summary = this.summary(type, seq);
    const plain = this.hooks.mutate(sa, summary, {
      header: { initiatorCookie: new Uint8Array(8), responderCookie: new Uint8Array(8), exchangeType: summary.exchangeType, flags: { encryption: true, commit: false, authOnly: false }, messageId: summary.messageId },
      payloads: [{ kind: 'hash', data: new Uint8Array(4) }],
    });
    const hash = plain.payloads[0];
    const bytes = ScriptedEngine.packet(sa, type, seq, hash.kind === 'hash' ? hash.data[3] : 0xee);
    return { type: 'send', datagram: { sa, from: this.local(), to, bytes, summary, answer } };
  }

  receive(d: { remote: Endpoint; bytes: Uint8Array }) {
    this.received.push(d.bytes);
    const sa = Buffer.from(d.bytes.subarray(0, 16)).toString('hex');
    const type = d.bytes[16];
    const seq = Buffer.from(d.bytes).readUInt32BE(17);
    const effects: EngineEffect[] =
      type === 1 ? [{ type: 'event', sa, remote: d.remote, event: { kind: 'dpd-request', seq, messageId: 0x1000 + seq, ticket: d.remote } }]
      : type === 3 ? [{ type: 'event', sa, remote: d.remote, event: { kind: 'state', phase: 1, state: 'established' } }]
      : [];
    return { sa, summary: this.summary(type, seq), effects };
  }
  timer(sa: string, id: string): EngineEffect[] {
    this.timerCalls.push(`${sa}/${id}`);
    return [];
  }
  initiate(o: { to: Endpoint }) {
    const sa = '11'.repeat(8) + '00'.repeat(8);
    return { sa, effects: [this.build(sa, o.to, 3, 0, false), { type: 'set-timer' as const, sa, id: 'retransmit', ms: 500 }] };
  }
  quickMode(): EngineEffect[] {
    return [];
  }
  sendDpd(sa: string, _now: bigint, seq = 7): EngineEffect[] {
    return [{ type: 'cancel-timer', sa, id: 'retransmit' }];
  }
  answerDpd(sa: string, ticket: unknown, seq: number): EngineEffect[] {
    return [this.build(sa, ticket as Endpoint, 2, seq, true)];
  }
  deleteSa(): EngineEffect[] {
    return [];
  }
  sendInformational(): EngineEffect[] {
    return [];
  }
  list(): string[] {
    return [];
  }
}
