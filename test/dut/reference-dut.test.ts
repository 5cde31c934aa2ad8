/**
 * The reference DUT's wiring of policy and engine, with a recording engine
 * double (the real IkeEngine is exercised by the engine's own tests) and a
 * FakeClock. The Main Mode message 1 is real ISAKMP (src/wire), so the RFC 3706
 * vendor ID detection is tested on bytes.
 */
import { expect } from 'chai';
import type { Endpoint } from '../../src/events.js';
import type { EngineEffect, EngineHooks, EnginePort, InitiateOptions, ReceiveResult } from '../../src/peer/engine-port.js';
import { ReferenceDut } from '../../src/dut/reference-dut.js';
import type { DpdFaults } from '../../src/dut/keepalive-config.js';
import { encodeMessage } from '../../src/wire/index.js';
import { DPD_VENDOR_ID } from '../../src/wire/vendor-ids.js';
import { FakeClock } from '../support/fake-clock.js';
import { seededRandom } from '../support/seeded-random.js';

const DUT: Endpoint = { address: '127.0.0.1', port: 500 };
const PEERS: Endpoint[] = [{ address: '127.0.0.2', port: 500 }, { address: '127.0.0.3', port: 500 }, { address: '127.0.0.4', port: 500 }];
const SA = '0102030405060708' + 'a1a2a3a4a5a6a7a8';

/** Records every command; `receive` returns what the test queued. */
class RecordingEngine implements EnginePort {
  readonly commands: string[] = [];
  queued: EngineEffect[] = [];
  held = new Set<string>();

  constructor(private readonly clock: FakeClock) {}

  private log(line: string): void {
    this.commands.push(`${Number(this.clock.now()) / 1e9} ${line}`);
  }

  receive(): ReceiveResult {
    const effects = this.queued;
    this.queued = [];
    return { effects };
  }
  timer(): EngineEffect[] {
    return [];
  }
  initiate(o: InitiateOptions): { sa: string; effects: EngineEffect[] } {
    this.log(`initiate ${o.to.address} qm=${o.quickMode}`);
    return { sa: 'ff'.repeat(8) + '00'.repeat(8), effects: [] };
  }
  quickMode(): EngineEffect[] {
    return [];
  }
  sendDpd(sa: string, _now: bigint, seq?: number): EngineEffect[] {
    this.log(`r-u-there ${sa.slice(0, 4)} seq=${seq}`);
    return [];
  }
  answerDpd(sa: string, ticket: unknown, seq: number): EngineEffect[] {
    this.log(`ack ${sa.slice(0, 4)} seq=${seq} ticket=${String(ticket)}`);
    return [];
  }
  deleteSa(sa: string, what: 'ipsec' | 'isakmp'): EngineEffect[] {
    this.log(`delete ${what}`);
    if (what === 'isakmp') this.held.delete(sa);
    return [];
  }
  sendInformational(): EngineEffect[] {
    return [];
  }
  list(): string[] {
    return [...this.held];
  }
}

function mainModeMessage1(withDpdVendorId: boolean): Uint8Array {
  return encodeMessage({
    initiatorCookie: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    responderCookie: new Uint8Array(8),
    exchangeType: 2,
    flags: { encryption: false, commit: false, authOnly: false },
    messageId: 0,
    payloads: withDpdVendorId ? [{ kind: 'vendor-id', data: DPD_VENDOR_ID }] : [{ kind: 'vendor-id', data: new Uint8Array(16).fill(0x42) }],
  });
}

function setup(faults: DpdFaults = {}, mode: 'periodic' | 'on-demand' = 'periodic') {
  const clock = new FakeClock(0n);
  const engine = new RecordingEngine(clock);
  let hooks: EngineHooks | undefined;
  const marks: string[] = [];
  const dut = new ReferenceDut({
    clock, random: seededRandom('reference-dut'), local: DUT, peerEndpoints: PEERS, peerOrder: [0, 1, 2],
    keepalive: { seconds: 10, retrySeconds: 2, mode }, onDead: 'failover', faults,
    createEngine: (h) => { hooks = h; return engine; },
    onEvent: (e) => { if (e.type === 'mark') marks.push(e.label); },
  }, () => {});
  /** The fake peer at PEERS[0] runs Main Mode; the engine reports phase 1 and 2 up. */
  const establish = (withDpdVendorId = true): void => {
    engine.held.add(SA);
    engine.queued = [
      { type: 'event', sa: SA, remote: PEERS[0]!, event: { kind: 'state', phase: 1, state: 'established' } },
      { type: 'event', sa: SA, remote: PEERS[0]!, event: { kind: 'state', phase: 2, state: 'established', detail: 'esp c0ffee01' } },
    ];
    dut.receive({ local: DUT, remote: PEERS[0]!, bytes: mainModeMessage1(withDpdVendorId) });
  };
  return { clock, engine, dut, marks, establish, hooks: () => hooks! };
}

const only = (commands: string[], word: string): string[] => commands.filter((c) => c.split(' ')[1] === word);

describe('dut/reference-dut', () => {
  it('advertises the DPD vendor ID in its own Main Mode', () => {
    const { hooks } = setup();
    expect(hooks().advertiseDpd(SA)).to.equal(true);
  });

  it('lists the SA in the lab adapters\' shape while it is up', () => {
    const { dut, establish } = setup();
    expect(dut.listSas()).to.deep.equal([]);
    establish();
    expect(dut.listSas()).to.deep.equal([{
      ike: { state: 'ESTABLISHED', peer: '127.0.0.2', established: true },
      children: [{ name: 'esp c0ffee01', state: 'INSTALLED', installed: true }],
    }]);
  });

  it('silent peer: R-U-THERE through the engine at 10, 12, 14, 16, 18 s with incrementing seq, Delete IPsec then IKE at 20 s, Main Mode to the next peer, SA gone', () => {
    const { clock, engine, dut, establish, marks } = setup();
    establish();
    clock.advance(25_000);
    const probes = only(engine.commands, 'r-u-there');
    expect(probes.map((c) => Number(c.split(' ')[0]))).to.deep.equal([10, 12, 14, 16, 18]);
    const seqs = probes.map((c) => Number(/seq=(\d+)/.exec(c)![1]));
    expect(seqs.slice(1).map((s, i) => s - seqs[i]!)).to.deep.equal([1, 1, 1, 1]);
    expect(seqs[0]!).to.be.below(2 ** 31);
    expect(engine.commands.filter((c) => !c.includes('r-u-there'))).to.deep.equal(['20 delete ipsec', '20 delete isakmp', '20 initiate 127.0.0.3 qm=true']);
    expect(dut.listSas()).to.deep.equal([]);
    expect(marks.some((m) => m.includes('peer 0 dead after 5'))).to.equal(true);
  });

  it('answers the peer\'s R-U-THERE through the engine, echoing the sequence number, with the engine\'s ticket', () => {
    const { engine, dut, establish } = setup();
    establish();
    engine.queued = [{ type: 'event', sa: SA, remote: PEERS[0]!, event: { kind: 'dpd-request', seq: 4242, messageId: 9, ticket: 'T1' } }];
    dut.receive({ local: DUT, remote: PEERS[0]!, bytes: new Uint8Array(40) });
    expect(only(engine.commands, 'ack')).to.deep.equal(['0 ack 0102 seq=4242 ticket=T1']);
  });

  it('an ACK echoing the probe keeps the SA; the next probe comes 10 s after the first', () => {
    const { clock, engine, dut, establish } = setup();
    establish();
    clock.advance(10_000);
    const seq = Number(/seq=(\d+)/.exec(only(engine.commands, 'r-u-there')[0]!)![1]);
    engine.queued = [{ type: 'event', sa: SA, remote: PEERS[0]!, event: { kind: 'dpd-ack', seq, messageId: 5 } }];
    dut.receive({ local: DUT, remote: PEERS[0]!, bytes: new Uint8Array(40) });
    clock.advance(12_500); // the 20 s probe goes unanswered: the retry follows 2 s later
    expect(only(engine.commands, 'r-u-there').map((c) => Number(c.split(' ')[0]))).to.deep.equal([10, 20, 22]);
    expect(dut.listSas()).to.have.length(1);
  });

  it('sends no probe when the peer\'s Main Mode lacked the DPD vendor ID', () => {
    const { clock, engine, establish } = setup();
    establish(false);
    clock.advance(60_000);
    expect(only(engine.commands, 'r-u-there')).to.deep.equal([]);
  });

  it('on-demand: probes only once the DUT has traffic to send', () => {
    const { clock, engine, dut, establish } = setup({}, 'on-demand');
    establish();
    clock.advance(30_000);
    expect(only(engine.commands, 'r-u-there')).to.deep.equal([]);
    dut.setOutboundTraffic(true);
    clock.advance(1_000);
    expect(only(engine.commands, 'r-u-there').map((c) => Number(c.split(' ')[0]))).to.deep.equal([30]);
  });

  it('no-Delete fault: the SA vanishes from the status with no Delete, and its datagrams are then dropped', () => {
    const { clock, engine, dut, establish } = setup({ noDelete: true });
    establish();
    clock.advance(21_000);
    expect(only(engine.commands, 'delete')).to.deep.equal([]);
    expect(dut.listSas()).to.deep.equal([]);
    engine.queued = [{ type: 'event', sa: SA, remote: PEERS[0]!, event: { kind: 'dpd-request', seq: 1, messageId: 9, ticket: 'T' } }];
    const toForgottenSa = new Uint8Array(40);
    toForgottenSa.set(Buffer.from(SA, 'hex'));
    dut.receive({ local: DUT, remote: PEERS[0]!, bytes: toForgottenSa });
    expect(only(engine.commands, 'ack')).to.deep.equal([]);
  });

  it('stops every timer when closed', () => {
    const { clock, dut, establish } = setup();
    establish();
    dut.close();
    expect(clock.pendingCount).to.equal(0);
  });
});
