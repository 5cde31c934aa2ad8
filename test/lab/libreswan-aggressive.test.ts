/**
 * Libreswan renders `aggressive: true` as `aggressive=yes` (libreswan-config.ts); this proves
 * pluto 4.10 then answers an IKEv1 Aggressive Mode + Quick Mode from the fake peer with a PSK.
 * Lab `lsam`, 198.51.100.176/29 (link), .184/30 and .188/30 (traffic selectors).
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { IkeEngine } from '../../src/ike/index.js';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { DEFAULT_CACHE_DIR, Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { quickModeSelector } from '../../src/target/engine-config.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { waitUntil } from '../support/wait-until.js';

const DUT_ADDRESS = '198.51.100.177';
const PEER_ADDRESS = '198.51.100.178';
const DUT_SUBNET = '198.51.100.184/30';
const PEER_SUBNET = '198.51.100.188/30';
const PSK = 'lsam-aggressive-psk';

describe('lab/libreswan aggressive=yes: pluto answers Aggressive Mode from the fake peer @root', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let peer: FakePeer | undefined;
  const logLines: string[] = [];

  before(async function () {
    requireRoot(this);
    const bin = join(DEFAULT_CACHE_DIR, 'libreswan/usr/libexec/ipsec');
    requireCommands(this, 'ip', 'unshare', join(bin, 'pluto'), join(bin, 'whack'), 'certutil');
    const spec = parseLabSpec(
      {
        name: 'lsam',
        kind: 'libreswan',
        subnet: '198.51.100.176/29',
        dut_address: DUT_ADDRESS,
        peer_addresses: [PEER_ADDRESS],
        dut_subnets: [DUT_SUBNET],
        peer_subnets: [PEER_SUBNET],
        psk: PSK,
        dut: {
          aggressive: true,
          ike_proposals: ['aes128-sha1-modp2048'],
          esp_proposals: ['aes128-sha1-modp2048'],
          dpd: { delay: 2, timeout: 10, action: 'clear' },
        },
      },
      { file: 'test/lab/libreswan-aggressive.test.ts' },
    );
    lab = await Lab.up(spec);
    void (async () => {
      for await (const l of (lab!.dut as DutAdapter).logLines()) logLines.push(l.line);
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
            trafficSelectors: [quickModeSelector({ local: PEER_SUBNET, remote: DUT_SUBNET })],
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
    if (this.currentTest?.state === 'failed') console.log(`--- pluto log (last 60 lines)\n${logLines.slice(-60).join('\n')}`);
  });

  it('the peer initiates Aggressive Mode + Quick Mode and pluto lists the SA in an Aggressive Mode state', async () => {
    const started = systemClock.now();
    const sa = peer!.initiate({ from: { address: PEER_ADDRESS, port: 500 }, to: { address: DUT_ADDRESS, port: 500 }, quickMode: true, mode: 'aggressive' });
    await peer!.waitForSaState({ sa, phase: 2, state: 'established' }, 20_000, started);
    const dut = lab!.dut as DutAdapter;
    await waitUntil(async () => (await dut.listSas()).some((s) => s.ike.established && s.children.some((c) => c.installed)), 'pluto lists the SA with an installed child', 10_000, 100);
    const sas = await dut.listSas();
    expect(sas.map((s) => s.ike.state)).to.deep.equal(['STATE_AGGR_R2']);
    const out = peer!.log.datagrams().filter((d) => d.direction === 'out' && d.t >= started);
    expect(out[0]!.summary?.exchangeType, 'first message: Aggressive Mode (exchange type 4)').to.equal(4);
  });
});
