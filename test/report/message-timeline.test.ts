import { expect } from 'chai';
import type { DatagramEvent } from '../../src/events.js';
import { formatEndpoint, messageTimeline } from '../../src/report/message-timeline.js';
import { DUT, PEER } from './synthetic-run.js';

describe('report: message timeline', () => {
  const base: DatagramEvent = { type: 'datagram', t: 0n, direction: 'in', local: PEER, remote: DUT, bytes: new Uint8Array(3) };

  it('orders by time whatever order the events were logged in, relative to the scenario start', () => {
    const events: DatagramEvent[] = [
      { ...base, t: 3_000_000_000n, summary: { exchangeType: 5, messageId: 2, kind: 'r-u-there-ack', seq: 1 } },
      { ...base, t: 2_500_000_000n, summary: { exchangeType: 5, messageId: 1, kind: 'r-u-there', seq: 1 } },
    ];
    const rows = messageTimeline({ startedAt: 1_000_000_000n, events });
    expect(rows.map((r) => [r.t, r.label])).to.deep.equal([
      [1.5, 'R-U-THERE'],
      [2, 'R-U-THERE-ACK'],
    ]);
  });

  it('a datagram nobody could summarise is kept, as unknown with nulls', () => {
    const [row] = messageTimeline({ startedAt: 0n, events: [{ ...base, rejected: { code: 'ERR_WIRE_TRUNCATED', message: 'short' }, behaviour: 'corrupt' }] });
    expect(row).to.deep.include({ kind: 'unknown', label: 'unknown', exchange: null, exchangeType: null, messageId: null, seq: null, bytes: 3, rejected: { code: 'ERR_WIRE_TRUNCATED', message: 'short' }, behaviour: 'corrupt' });
  });

  it('names exchanges as Wireshark does, and unknown types by number', () => {
    const exchange = (exchangeType: number): string | null => messageTimeline({ startedAt: 0n, events: [{ ...base, summary: { exchangeType, messageId: 0, kind: 'unknown' } }] })[0].exchange;
    expect([2, 4, 5, 32, 77].map(exchange)).to.deep.equal(['Identity Protection (Main Mode)', 'Aggressive', 'Informational', 'Quick Mode', 'UNKNOWN(77)']);
  });

  it('brackets IPv6 endpoints', () => {
    expect(formatEndpoint({ address: '2001:db8::2', port: 4500 })).to.equal('[2001:db8::2]:4500');
    expect(formatEndpoint(DUT)).to.equal('192.0.2.2:500');
  });
});
