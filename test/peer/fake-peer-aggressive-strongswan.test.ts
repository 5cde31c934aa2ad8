/**
 * Aggressive Mode against a real DUT: strongSwan 5.9 (charon) in a lab
 * namespace configured with `aggressive: true`. The fake peer initiates
 * Aggressive Mode + Quick Mode; charon lists the SA and the peer answers its
 * R-U-THEREs. charon may ignore the first Quick Mode message right after AM3
 * ("phase 1 is incomplete") and take the retransmission, hence the timeouts.
 */
import { expect } from 'chai';
import { IkeEngine } from '../../src/ike/index.js';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { subnetOf } from '../../src/scenario/engine-config.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const PSK = 'icy-aggressive-psk';
const DPD_DELAY_S = 2;
// This engineer's 203.0.113.144/28: the link in its lower /29, the traffic selectors in the upper one (the lab wants them apart).
const DUT_ADDRESS = '203.0.113.145';
const PEER_ADDRESS = '203.0.113.146';
const DUT_SUBNET = '203.0.113.152/30';
const PEER_SUBNET = '203.0.113.156/30';

async function poll(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('peer/fake-peer Aggressive Mode against a strongSwan DUT @root', function () {
  this.timeout(60_000);
  let lab: Lab;
  let dut: DutAdapter;
  let peer: FakePeer;
  const logLines: string[] = [];

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', '/usr/lib/ipsec/charon', 'swanctl');
    const spec = parseLabSpec(
      {
        name: 'icyam',
        kind: 'strongswan',
        subnet: '203.0.113.144/29',
        dut_address: DUT_ADDRESS,
        peer_addresses: [PEER_ADDRESS],
        dut_subnets: [DUT_SUBNET],
        peer_subnets: [PEER_SUBNET],
        psk: PSK,
        dut: {
          aggressive: true,
          ike_proposals: ['aes128-sha1-modp2048'],
          esp_proposals: ['aes128-sha1-modp2048'],
          dpd: { delay: DPD_DELAY_S, timeout: 10, action: 'clear' },
          retransmit: { tries: 2, timeout: 2.0, base: 1.5 },
        },
      },
      { file: 'test/peer/fake-peer-aggressive-strongswan.test.ts' },
    );
    lab = await Lab.up(spec);
    dut = lab.dut as DutAdapter;
    void (async () => {
      for await (const l of dut.logLines()) logLines.push(l.line);
    })();
    peer = await FakePeer.start({
      bind: [{ address: PEER_ADDRESS, port: 500 }],
      clock: systemClock,
      createEngine: (hooks) =>
        new IkeEngine(
          {
            random: systemRandom,
            psk: (remote) => (remote.address === DUT_ADDRESS ? new TextEncoder().encode(PSK) : undefined),
            proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 }],
            espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', pfsGroup: 14, lifetimeSeconds: 1200 }],
            trafficSelectors: { local: subnetOf(PEER_SUBNET), remote: subnetOf(DUT_SUBNET) },
            retransmitMs: [2000, 2000, 4000],
          },
          hooks,
        ),
    });
  });

  after(async () => {
    await peer?.close();
    await lab?.down();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`--- strongswan log (last 60 lines)\n${logLines.slice(-60).join('\n')}`);
  });

  it("the peer initiates Aggressive Mode + Quick Mode, charon lists the SA and its R-U-THEREs are answered with the echoed seq", async () => {
    const started = systemClock.now();
    const sa = peer.initiate({ from: { address: PEER_ADDRESS, port: 500 }, to: { address: DUT_ADDRESS, port: 500 }, quickMode: true, mode: 'aggressive' });
    await peer.waitForSaState({ sa, phase: 2, state: 'established' }, 20_000, started);
    await poll('strongSwan lists the SA with an installed child', 10_000, async () => (await dut.listSas()).some((s) => s.ike.established && s.children.some((c) => c.installed)));
    const out = peer.log.datagrams().filter((d) => d.direction === 'out' && d.t >= started);
    expect(out[0].summary?.exchangeType, 'first message: Aggressive Mode (exchange type 4)').to.equal(4);
    expect(peer.log.datagrams().filter((d) => d.rejected), 'datagrams the engine refused').to.deep.equal([]);

    const probe = await peer.log.waitFor((e) => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'r-u-there', { clock: systemClock, timeoutMs: (DPD_DELAY_S + 4) * 1000, since: started });
    const ack = await peer.log.waitFor((e) => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'r-u-there-ack', { clock: systemClock, timeoutMs: 2000, since: probe.t });
    expect(ack.type === 'datagram' && ack.summary?.seq).to.equal(probe.type === 'datagram' && probe.summary?.seq);
  });
});
