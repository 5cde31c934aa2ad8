import { expect } from 'chai';
import { eventLine } from '../../src/peer/event-line.js';

const local = { address: '198.51.100.2', port: 500 };
const remote = { address: '198.51.100.1', port: 500 };

describe('peer/event-line', () => {
  it('prints a received R-U-THERE with time since t0, endpoints, seq and message ID', () => {
    const line = eventLine(
      { type: 'datagram', t: 2_500_000_000n, direction: 'in', local, remote, bytes: new Uint8Array(108), sa: 'ab'.repeat(16), summary: { exchangeType: 5, messageId: 0x5e3a91c7, kind: 'r-u-there', seq: 1733077984, notifyType: 36136 } },
      1_000_000_000n,
    );
    expect(line).to.equal(`+1.500000 in  198.51.100.1:500 -> 198.51.100.2:500 r-u-there seq=1733077984 msgid=5e3a91c7 sa=${'ab'.repeat(16)}`);
  });

  it('shows rejections and behaviours, and bytes when nothing could be decoded', () => {
    const line = eventLine({ type: 'datagram', t: 0n, direction: 'out', local, remote, bytes: new Uint8Array(12), behaviour: 'raw', rejected: { code: 'ERR_IKE_MALFORMED', message: 'short' } }, 0n);
    expect(line).to.equal('+0.000000 out 198.51.100.2:500 -> 198.51.100.1:500 12 bytes REJECTED ERR_IKE_MALFORMED: short [raw]');
  });

  it('never prints key material', () => {
    const line = eventLine({ type: 'sa-keys', t: 0n, sa: 'cd'.repeat(16), initiatorCookie: 'cd'.repeat(8), encryptionKey: 'f00dfeed'.repeat(4) }, 0n);
    expect(line).to.not.include('f00dfeed');
  });

  it('prints deletes with protocol and SPIs, state changes and marks', () => {
    expect(eventLine({ type: 'datagram', t: 0n, direction: 'in', local, remote, bytes: new Uint8Array(92), summary: { exchangeType: 5, messageId: 1, kind: 'delete', deleteProtocol: 3, deleteSpis: ['7c73a26b'] } }, 0n)).to.include('delete proto=3 spi=7c73a26b msgid=00000001');
    expect(eventLine({ type: 'sa-state', t: 0n, sa: 'x', phase: 2, state: 'established', remote }, 0n)).to.equal('+0.000000 sa  phase 2 established with 198.51.100.1:500 sa=x');
    expect(eventLine({ type: 'mark', t: -1_000_000n, label: 'silence-out' }, 0n)).to.equal('-0.001000 --- silence-out');
  });
});
