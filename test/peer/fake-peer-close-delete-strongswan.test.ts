/**
 * The closing Delete on the wire: a scenario that releases a live SA
 * (PeerScenarioTarget.teardown: peer.deleteSa, then release → peer.close)
 * must get its Delete onto the link, not only into the event log. A kernel
 * capture (tcpdump on the fake peer's side of the lab link) must see the
 * Delete's message ID, and charon must log that it received the Delete,
 * in each of 3 runs.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatagramEvent } from '../../src/events.js';
import { labNames } from '../../src/lab/topology.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { PeerScenarioTarget } from '../../src/target/peer-target.js';
import { requireCommands } from '../support/environment.js';
import { startTcpdump, stopTcpdump } from '../support/tcpdump.js';
import { waitUntil } from '../support/wait-until.js';
import { DUT_ADDRESS, PEER_ADDRESS, strongswanLabPeer } from './strongswan-lab-peer-fixture.js';

const LAB = 'icydel';
const PEER = { address: PEER_ADDRESS, port: 500 };
const DUT = { address: DUT_ADDRESS, port: 500 };

/** Message IDs of the packets in the capture, as tshark reads them. */
function messageIdsIn(file: string): number[] {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'isakmp.messageid'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => Number(l));
}

describe('peer/fake-peer closing Delete against a strongSwan DUT @root', function () {
  this.timeout(120_000);
  const fixture = strongswanLabPeer({
    lab: LAB,
    psk: 'icy-closing-delete-psk',
    file: 'test/peer/fake-peer-close-delete-strongswan.test.ts',
    dpd: { delay: 30, timeout: 120 },
    retransmitMs: [2000, 2000, 4000],
  });
  let dir: string;

  before(function () {
    requireCommands(this, 'tcpdump', 'tshark');
    dir = mkdtempSync(join(tmpdir(), 'dpd-close-delete-'));
  });
  after(function () {
    // A failure keeps the captures for a look with tshark.
    if (!this.test?.parent?.tests.some((t) => t.state === 'failed')) rmSync(dir, { recursive: true, force: true });
    else console.log(`captures kept in ${dir}`);
  });

  for (const run of [1, 2, 3]) {
    it(`run ${run}: the Delete sent on teardown is seen on the link and received by charon`, async () => {
      if (run > 1) fixture.peer = await fixture.startPeer();
      const peer = fixture.peer;
      const target = new PeerScenarioTarget({
        peer, clock: systemClock, random: systemRandom, dut: DUT, peerEndpoints: [PEER],
        control: { hasSa: async () => (await fixture.dut.listSas()).length > 0 },
        release: () => peer.close(),
      });
      await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 20_000 });
      const file = join(dir, `run-${run}.pcap`);
      const tcpdump = await startTcpdump(labNames(LAB).peerLink, file, `udp and src host ${PEER_ADDRESS} and dst host ${DUT_ADDRESS} and port 500`);
      const logFrom = fixture.logLines.length;
      try {
        await target.teardown();
        await waitUntil(async () => fixture.logLines.slice(logFrom).some((l) => /received DELETE/i.test(l)), 'charon logs the received Delete', 5_000, 50);
      } finally {
        await stopTcpdump(tcpdump);
      }
      const deletes = peer.log.events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'delete');
      expect(deletes, 'Deletes on the timeline').to.have.length(1);
      expect(messageIdsIn(file), 'message IDs tcpdump saw from the fake peer').to.include(deletes[0]!.summary!.messageId);
      await waitUntil(async () => (await fixture.dut.listSas()).length === 0, 'charon drops the SA', 5_000, 100);
    });
  }
});
