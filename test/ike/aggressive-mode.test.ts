/**
 * Aggressive Mode with a pre-shared key (RFC 2409 §5.4) between two engines:
 * three messages, then Quick Mode and DPD on the phase-2 IVs it seeds.
 */
import { expect } from 'chai';
import { NO_HOOKS, type EngineEffect, type EngineEvent, type EngineHooks } from '../../src/ike/index.js';
import { phase1Transform } from '../../src/ike/phase1-proposal.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

const states = (events: EngineEvent[]): string[] =>
  events.filter((e): e is Extract<EngineEvent, { kind: 'state' }> => e.kind === 'state').map((e) => `${e.phase}:${e.state}`);

function aggressive(pair: EnginePair, quickMode: boolean): string {
  const { sa, effects } = pair.a.initiate({ from: INITIATOR, to: RESPONDER, quickMode, mode: 'aggressive' }, 0n);
  pair.run('a', effects);
  return sa;
}

describe('IkeEngine Aggressive Mode', () => {
  for (const [name, proposals] of [
    ['aes128-sha1-modp2048', [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 }]],
    ['aes256-sha256-ecp256', [{ cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 19, lifetimeSeconds: 28800 }]],
  ] as const) {
    it(`${name}: AM1-AM3 (AM3 encrypted), Quick Mode, DPD answered with the echoed seq, ISAKMP Delete`, () => {
      const pair = new EnginePair(baseConfig('am-a', { proposals: [...proposals] }), baseConfig('am-b', { proposals: [...proposals], autoAnswerDpd: true }));
      aggressive(pair, true);
      expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
      expect(pair.deliveries.map((d) => `${d.from}:${d.datagram.summary.kind}:${d.datagram.summary.step}`)).to.deep.equal([
        'a:aggressive-mode:1', 'b:aggressive-mode:2', 'a:aggressive-mode:3', 'a:quick-mode:1', 'b:quick-mode:2', 'a:quick-mode:3',
      ]);
      // AM3 has the E flag (byte 19, bit 0); AM1 and AM2 are clear.
      expect(pair.deliveries.slice(0, 3).map((d) => d.datagram.bytes[19] & 1)).to.deep.equal([0, 0, 1]);
      expect(states(pair.events.a)).to.deep.equal(['1:negotiating', '1:established', '2:established']);
      expect(states(pair.events.b)).to.deep.equal(['1:negotiating', '1:established', '2:established']);
      expect(pair.eventsOf('a', 'sa-keys')).to.deep.equal(pair.eventsOf('b', 'sa-keys'));

      const full = pair.a.list()[0];
      pair.run('a', pair.a.sendDpd(full, 0n, 0x1234));
      expect(pair.eventsOf('a', 'dpd-ack').map((e) => e.seq)).to.deep.equal([0x1234]);
      pair.run('a', pair.a.deleteSa(full, 'isakmp', 0n));
      expect(states(pair.events.b).slice(-1)).to.deep.equal(['1:deleted']);
      expect(pair.b.list()).to.deep.equal([]);
    });
  }

  it('a retransmitted AM1 (its AM2 lost) gets the same AM2 and creates no second SA', () => {
    const pair = new EnginePair(baseConfig('am-rt-a'), baseConfig('am-rt-b'));
    pair.connected = false;
    aggressive(pair, false);
    const am1 = pair.dropped[0].datagram.bytes;
    const sends = (effects: EngineEffect[]) => effects.flatMap((e) => (e.type === 'send' ? [e.datagram.bytes] : []));
    const first = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: am1 }, 0n);
    const again = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: am1 }, 0n);
    expect([first.rejected, again.rejected]).to.deep.equal([undefined, undefined]);
    expect(sends(first.effects)).to.have.length(1);
    expect(sends(again.effects)).to.deep.equal(sends(first.effects));
    expect(pair.b.list()).to.have.length(1);
  });

  it('the responder picks a transform in the group of the KE it got, as strongSwan offers several groups with the first one\'s KE', () => {
    const ecp256 = { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 19, lifetimeSeconds: 28800 } as const;
    const modp2048 = { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 } as const;
    // AM1 carries a modp2048 KE but lists an ecp256 transform first.
    const hooks: EngineHooks = {
      ...NO_HOOKS,
      mutate: (_sa, summary, m) =>
        summary.kind === 'aggressive-mode' && summary.step === 1
          ? {
              header: m.header,
              payloads: m.payloads.map((p) =>
                p.kind === 'sa' ? { ...p, proposals: [{ ...p.proposals[0], transforms: [phase1Transform(ecp256, 1), phase1Transform(modp2048, 2)] }] } : p,
              ),
            }
          : m,
    };
    const pair = new EnginePair(baseConfig('am-g-a', { proposals: [modp2048] }), baseConfig('am-g-b', { proposals: [ecp256, modp2048] }), { a: hooks });
    aggressive(pair, false);
    expect(pair.deliveries.map((d) => d.result.rejected?.code)).to.deep.equal([undefined, undefined, undefined]);
    expect(states(pair.events.b)).to.deep.equal(['1:negotiating', '1:established']);
  });

  it('different pre-shared keys: the initiator rejects AM2 (HASH_R) with ERR_IKE_AUTH_FAILED and fails', () => {
    const pair = new EnginePair(baseConfig('am-psk-a'), baseConfig('am-psk-b', { psk: () => new TextEncoder().encode('not the same') }));
    aggressive(pair, true);
    expect(pair.deliveries.map((d) => d.result.rejected?.code)).to.deep.equal([undefined, 'ERR_IKE_AUTH_FAILED']);
    expect(states(pair.events.a)).to.deep.equal(['1:negotiating', '1:failed']);
    expect(pair.a.list()).to.deep.equal([]);
  });

  it('an unanswered AM1 is retransmitted on the configured schedule', () => {
    const pair = new EnginePair(baseConfig('am-t-a', { retransmitMs: [700] }), baseConfig('am-t-b'));
    pair.connected = false;
    aggressive(pair, false);
    expect(pair.timers.a.map((t) => t.ms)).to.deep.equal([700]);
    pair.fire('a', 'retransmit');
    const sent = pair.dropped.map((d) => d.datagram.bytes);
    expect(sent).to.have.length(2);
    expect(sent[1]).to.deep.equal(sent[0]);
  });
});
