/**
 * Rejection paths of the engine's inbound side, each provoked the way a DUT
 * would provoke it: a HASH that does not verify or is not first, cookies of no
 * SA, cleartext after phase 1, a truncated datagram, a replayed M-ID, a wrong
 * PSK, an offer we cannot accept, and a peer that never answers. Every case
 * checks the typed code, and that receive() returned instead of throwing.
 */
import { expect } from 'chai';
import { NO_HOOKS, type EngineHooks, type PlaintextMessage } from '../../src/ike/index.js';
import type { MessageKind, MessageSummary } from '../../src/events.js';
import { EXCHANGE_TYPES, NOTIFY_TYPES, PROTOCOL_IDS, DOI, encodeMessage } from '../../src/wire/index.js';
import { baseConfig, EnginePair, INITIATOR, RESPONDER } from './engine-pair.js';

/** Hooks that damage the outbound messages of one kind (and optional step) with `damage`. */
function damaging(kind: MessageKind, damage: (m: PlaintextMessage) => PlaintextMessage, step?: number): EngineHooks {
  return {
    ...NO_HOOKS,
    mutate: (_sa: string, summary: MessageSummary, m: PlaintextMessage) =>
      summary.kind === kind && (step === undefined || summary.step === step) ? damage(m) : m,
  };
}

const flipHashBit = (m: PlaintextMessage): PlaintextMessage => ({
  header: m.header,
  payloads: m.payloads.map((p) => (p.kind === 'hash' ? { ...p, data: p.data.map((b, i) => (i === 0 ? b ^ 0x80 : b)) } : p)),
});

const hashLast = (m: PlaintextMessage): PlaintextMessage => ({
  header: m.header,
  payloads: [...m.payloads.filter((p) => p.kind !== 'hash'), ...m.payloads.filter((p) => p.kind === 'hash')],
});

/** Two engines with phase 1 and one IPsec SA up; `a` initiated, `b` answers DPD on its own. */
function established(hooks: { a?: EngineHooks; b?: EngineHooks } = {}, retransmitMs?: number[]) {
  const extra = retransmitMs === undefined ? {} : { retransmitMs };
  const pair = new EnginePair(baseConfig('rej-a', extra), baseConfig('rej-b', { autoAnswerDpd: true, ...extra }), hooks);
  pair.initiate(true);
  const sa = pair.a.list()[0];
  return { pair, sa };
}

const rejections = (pair: EnginePair) => pair.deliveries.filter((d) => d.result.rejected).map((d) => d.result.rejected!.code);

describe('IkeEngine inbound rejections', () => {
  it('R-U-THERE whose HASH(1) does not verify: ERR_IKE_BAD_HASH, no dpd-request event, no ACK', () => {
    const { pair, sa } = established({ a: damaging('r-u-there', flipHashBit) });
    expect(rejections(pair)).to.deep.equal([]);
    const before = pair.deliveries.length;
    pair.run('a', pair.a.sendDpd(sa, 0n, 42));
    const delivered = pair.deliveries.slice(before);
    expect(delivered.map((d) => d.result.rejected?.code)).to.deep.equal(['ERR_IKE_BAD_HASH']);
    expect(pair.eventsOf('b', 'dpd-request')).to.deep.equal([]);
    expect(pair.eventsOf('a', 'dpd-ack')).to.deep.equal([]);
  });

  it('R-U-THERE with HASH after the notify (RFC 3706 diagram order): ERR_IKE_BAD_HASH, as strongSwan and Libreswan drop it', () => {
    const { pair, sa } = established({ a: damaging('r-u-there', hashLast) });
    pair.run('a', pair.a.sendDpd(sa, 0n, 7));
    expect(rejections(pair)).to.deep.equal(['ERR_IKE_BAD_HASH']);
    expect(pair.eventsOf('b', 'dpd-request')).to.deep.equal([]);
  });

  it('Quick Mode HASH(1) that does not verify: ERR_IKE_BAD_HASH and no IPsec SA on the responder', () => {
    const { pair } = established({ a: damaging('quick-mode', flipHashBit, 1) });
    expect(rejections(pair)).to.deep.equal(['ERR_IKE_BAD_HASH']);
    expect(pair.eventsOf('b', 'state').filter((e) => e.phase === 2)).to.deep.equal([]);
  });

  it('a datagram whose cookies name no SA, and which is not Main Mode message 1: ERR_IKE_UNKNOWN_SA', () => {
    const { pair } = established();
    const ack = pair.deliveries.find((d) => d.from === 'a' && d.datagram.summary.kind === 'quick-mode')!.datagram.bytes.slice();
    ack[0] ^= 0xff; // another initiator cookie
    const result = pair.inject('b', ack);
    expect(result.rejected?.code).to.equal('ERR_IKE_UNKNOWN_SA');
    expect(result.effects).to.deep.equal([]);
  });

  it('the right initiator cookie with a wrong responder cookie: ERR_IKE_UNKNOWN_SA', () => {
    const { pair } = established();
    const qm = pair.deliveries.find((d) => d.from === 'a' && d.datagram.summary.kind === 'quick-mode')!.datagram.bytes.slice();
    qm[15] ^= 0x01;
    expect(pair.inject('b', qm).rejected?.code).to.equal('ERR_IKE_UNKNOWN_SA');
  });

  it('an unencrypted R-U-THERE after phase 1: ERR_IKE_UNENCRYPTED (RFC 3706 §5.2), not answered', () => {
    const { pair, sa } = established();
    const cookies = Buffer.from(sa, 'hex');
    const clear = encodeMessage({
      initiatorCookie: cookies.subarray(0, 8),
      responderCookie: cookies.subarray(8, 16),
      exchangeType: EXCHANGE_TYPES.INFORMATIONAL,
      flags: { encryption: false, commit: false, authOnly: false },
      messageId: 0x01020304,
      payloads: [
        { kind: 'notify', doi: DOI.IPSEC, protocolId: PROTOCOL_IDS.ISAKMP, notifyType: NOTIFY_TYPES.R_U_THERE, spi: cookies, data: Uint8Array.of(0, 0, 0, 9) },
      ],
    });
    const result = pair.inject('b', clear);
    expect(result.rejected?.code).to.equal('ERR_IKE_UNENCRYPTED');
    expect(result.effects.filter((e) => e.type === 'send')).to.deep.equal([]);
    expect(pair.eventsOf('b', 'dpd-request')).to.deep.equal([]);
  });

  it('a truncated datagram: ERR_IKE_MALFORMED naming the byte offset, for every cut of a real message', () => {
    const { pair } = established();
    const mm1 = pair.deliveries[0].datagram.bytes;
    const fresh = new EnginePair(baseConfig('cut-a'), baseConfig('cut-b'));
    for (let cut = 0; cut < mm1.length; cut++) {
      const result = fresh.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: mm1.subarray(0, cut) }, 0n);
      expect(result.rejected?.code, `cut at ${cut}`).to.equal('ERR_IKE_MALFORMED');
      expect(result.rejected?.message, `cut at ${cut}`).to.match(/at byte \d+/);
    }
    expect(fresh.b.list()).to.deep.equal([]);
  });

  it('a replayed R-U-THERE: ERR_IKE_REPLAY, and the cached ACK goes out again byte for byte', () => {
    const { pair, sa } = established();
    pair.run('a', pair.a.sendDpd(sa, 0n, 1000));
    const probe = pair.deliveries.find((d) => d.datagram.summary.kind === 'r-u-there')!;
    const ack = pair.deliveries.find((d) => d.datagram.summary.kind === 'r-u-there-ack')!;
    const replay = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: probe.datagram.bytes }, 0n);
    expect(replay.rejected?.code).to.equal('ERR_IKE_REPLAY');
    const resent = replay.effects.flatMap((e) => (e.type === 'send' ? [e.datagram.bytes] : []));
    expect(resent).to.deep.equal([ack.datagram.bytes]);
    expect(pair.eventsOf('b', 'dpd-request')).to.have.length(1);
  });

  it('a retransmitted Main Mode message 5 (its MM6 lost) gets the same MM6 again and is not processed twice', () => {
    const pair = new EnginePair(baseConfig('rt5-a'), baseConfig('rt5-b'));
    pair.initiate(false);
    const mm5 = pair.deliveries.find((d) => d.datagram.summary.kind === 'main-mode' && d.datagram.summary.step === 5)!;
    const mm6 = pair.deliveries.find((d) => d.datagram.summary.kind === 'main-mode' && d.datagram.summary.step === 6)!;
    const result = pair.b.receive({ local: RESPONDER, remote: INITIATOR, bytes: mm5.datagram.bytes }, 0n);
    expect(result.rejected).to.equal(undefined);
    const resent = result.effects.flatMap((e) => (e.type === 'send' ? [e.datagram] : []));
    expect(resent.map((d) => d.bytes)).to.deep.equal([mm6.datagram.bytes]);
    expect(resent.map((d) => d.answer)).to.deep.equal([true]);
    expect(result.effects.filter((e) => e.type === 'event')).to.deep.equal([]);
  });

  it('different pre-shared keys: the responder rejects MM5 with ERR_IKE_AUTH_FAILED and its phase 1 fails', () => {
    const pair = new EnginePair(baseConfig('psk-a'), baseConfig('psk-b', { psk: () => new TextEncoder().encode('another key') }));
    pair.initiate(true);
    expect(rejections(pair)).to.deep.equal(['ERR_IKE_AUTH_FAILED']);
    expect(pair.eventsOf('b', 'state').map((e) => `${e.phase}:${e.state}`)).to.deep.equal(['1:negotiating', '1:failed']);
    expect(pair.eventsOf('a', 'state').map((e) => `${e.phase}:${e.state}`)).to.deep.equal(['1:negotiating']);
  });

  it('an offer with nothing acceptable: ERR_IKE_NO_PROPOSAL and no responder SA kept', () => {
    const pair = new EnginePair(
      baseConfig('np-a'),
      baseConfig('np-b', { proposals: [{ cipher: '3des-cbc', keyLength: 24, hash: 'sha256', group: 19, lifetimeSeconds: 3600 }] }),
    );
    pair.initiate(false);
    expect(rejections(pair)).to.deep.equal(['ERR_IKE_NO_PROPOSAL']);
    expect(pair.b.list()).to.deep.equal([]);
  });

  it('Informational or Quick Mode before phase 1, and commands on an SA not yet up, are refused with typed errors', () => {
    const pair = new EnginePair(baseConfig('early-a', { retransmitMs: [1000] }), baseConfig('early-b'));
    pair.connected = false;
    const sa = pair.initiate(false);
    expect(() => pair.a.sendDpd(sa, 0n)).to.throw().with.property('code', 'ERR_IKE_UNEXPECTED');
    expect(() => pair.a.quickMode(sa, 0n)).to.throw().with.property('code', 'ERR_IKE_UNEXPECTED');
    expect(() => pair.a.sendDpd('00'.repeat(16), 0n)).to.throw().with.property('code', 'ERR_IKE_UNKNOWN_SA');
  });

  it('an unanswered Main Mode message 1 is retransmitted on the configured schedule, then phase 1 fails', () => {
    const pair = new EnginePair(baseConfig('rt-a', { retransmitMs: [500, 1000] }), baseConfig('rt-b'));
    pair.connected = false;
    pair.initiate(false);
    expect(pair.timers.a.map((t) => t.ms)).to.deep.equal([500]);
    pair.fire('a', 'retransmit');
    expect(pair.timers.a.map((t) => t.ms)).to.deep.equal([1000]);
    pair.fire('a', 'retransmit');
    pair.fire('a', 'retransmit');
    const sent = pair.dropped.filter((d) => d.from === 'a').map((d) => d.datagram.bytes);
    expect(sent).to.have.length(3);
    expect(sent[1]).to.deep.equal(sent[0]);
    expect(sent[2]).to.deep.equal(sent[0]);
    expect(pair.eventsOf('a', 'state').map((e) => e.state)).to.deep.equal(['negotiating', 'failed']);
    expect(pair.a.list()).to.deep.equal([]);
  });
});
