/**
 * Issue 15: the pcap holds only what was sent. A datagram the kernel refuses is never
 * logged as sent (so never in the pcap or on the timeline); a mark says why instead.
 */
import { expect } from 'chai';
import type { DatagramEvent } from '../../src/events.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { pcapFile, pcapFileHeader, datagramFromEvent } from '../../src/report/pcap-writer.js';
import { FakeClock } from '../support/fake-clock.js';
import { rejectionOf } from '../support/rejection-of.js';
import { ScriptedEngine } from '../support/scripted-engine.js';

describe('peer/fake-peer: a datagram that never left is not logged as sent', () => {
  it('a send the kernel refuses (broadcast without SO_BROADCAST) leaves a mark, no datagram event, an empty pcap', async () => {
    const clock = new FakeClock();
    const peer: FakePeer = await FakePeer.start({
      bind: [{ address: '127.0.0.1', port: 0 }],
      clock,
      createEngine: (hooks) => new ScriptedEngine(hooks, () => peer.endpoints[0]!),
    });
    try {
      const err = await rejectionOf(peer.sendRaw(peer.endpoints[0]!, { address: '255.255.255.255', port: 500 }, new Uint8Array(28)));
      expect(err).to.be.instanceOf(Error);
      const sent = peer.log.events.filter((e): e is DatagramEvent => e.type === 'datagram');
      expect(sent).to.deep.equal([]);
      expect(peer.log.events.some((e) => e.type === 'mark' && e.label.startsWith('not on the wire'))).to.equal(true);
      expect(pcapFile(sent.map((e) => datagramFromEvent(e, (t) => t)))).to.deep.equal(pcapFileHeader());
    } finally {
      await peer.close();
    }
  });
});
