/**
 * A strongSwan 5.9 (charon) DUT in a lab namespace and a fake peer in the root
 * namespace that can initiate Main or Aggressive Mode + Quick Mode to it, for
 * the root tests that watch the fake peer against a real DUT. Both sides use
 * one proposal (aes128-sha1-modp2048) and this engineer's 203.0.113.144/28, so
 * the tests using it run one after the other, never side by side.
 */
import { IkeEngine, type IkeEngineConfig } from '../../src/ike/index.js';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec, type LabSpec } from '../../src/lab/lab-spec.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { KernelReceiveStamps } from '../../src/peer/kernel-receive-stamps.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { quickModeSelector } from '../../src/target/engine-config.js';
import { requireCommands, requireRoot } from '../support/environment.js';

export const DUT_ADDRESS = '203.0.113.145';
export const PEER_ADDRESS = '203.0.113.146';
// The link in the lower /29, the traffic selectors in the upper one (the lab wants them apart).
const LINK_SUBNET = '203.0.113.144/29';
const DUT_SUBNET = '203.0.113.152/30';
const PEER_SUBNET = '203.0.113.156/30';

export interface StrongswanLabPeerOptions {
  /** Lab name (≤ 10 chars), distinct per test file so a killed run's leftovers are told apart. */
  lab: string;
  psk: string;
  /** The test file, named in lab spec errors. */
  file: string;
  /** charon's DPD, seconds. */
  dpd: { delay: number; timeout: number };
  /** charon accepts Aggressive Mode with a PSK. */
  aggressive?: boolean;
  /** The fake peer's retransmission schedule. */
  retransmitMs: number[];
}

export interface StrongswanLabPeer {
  lab: Lab;
  dut: DutAdapter;
  peer: FakePeer;
  /** charon's log so far. */
  logLines: string[];
  /**
   * Another fake peer like `peer` (bind it only once `peer`, or the last one started, is closed);
   * with `kernelStamps`, its receive times are the kernel's (src/peer/kernel-receive-stamps.ts).
   */
  startPeer(options?: { kernelStamps?: boolean }): Promise<FakePeer>;
}

/** The lab spec of the charon DUT: one proposal, subnets of this fixture. */
export function strongswanLabSpec(options: StrongswanLabPeerOptions): LabSpec {
  return parseLabSpec(
    {
      name: options.lab,
      kind: 'strongswan',
      subnet: LINK_SUBNET,
      dut_address: DUT_ADDRESS,
      peer_addresses: [PEER_ADDRESS],
      dut_subnets: [DUT_SUBNET],
      peer_subnets: [PEER_SUBNET],
      psk: options.psk,
      dut: {
        aggressive: options.aggressive ?? false,
        ike_proposals: ['aes128-sha1-modp2048'],
        esp_proposals: ['aes128-sha1-modp2048'],
        dpd: { ...options.dpd, action: 'clear' },
        retransmit: { tries: 2, timeout: 2.0, base: 1.5 },
      },
    },
    { file: options.file },
  );
}

/** The fake peer's engine config that matches the DUT (tests change single fields to mismatch it). */
export function fakePeerEngineConfig(options: Pick<StrongswanLabPeerOptions, 'psk' | 'retransmitMs'>): IkeEngineConfig {
  return {
    random: systemRandom,
    psk: (remote) => (remote.address === DUT_ADDRESS ? new TextEncoder().encode(options.psk) : undefined),
    proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 }],
    espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', pfsGroup: 14, lifetimeSeconds: 1200 }],
    trafficSelectors: [quickModeSelector({ local: PEER_SUBNET, remote: DUT_SUBNET })],
    retransmitMs: options.retransmitMs,
  };
}

/**
 * Registers before/after hooks in the calling describe that bring the lab and
 * the peer up and down; the returned object is filled in by the before hook.
 */
export function strongswanLabPeer(options: StrongswanLabPeerOptions): StrongswanLabPeer {
  const fixture = { logLines: [] } as unknown as StrongswanLabPeer;

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', '/usr/lib/ipsec/charon', 'swanctl');
    const spec = strongswanLabSpec(options);
    fixture.lab = await Lab.up(spec);
    fixture.dut = fixture.lab.dut as DutAdapter;
    void (async () => {
      for await (const l of fixture.dut.logLines()) fixture.logLines.push(l.line);
    })();
    fixture.startPeer = (peer = {}) => FakePeer.start({
      bind: [{ address: PEER_ADDRESS, port: 500 }],
      clock: systemClock,
      createEngine: (hooks) => new IkeEngine(fakePeerEngineConfig(options), hooks),
      ...(peer.kernelStamps ? { openReceiveStamps: () => KernelReceiveStamps.open({ clock: systemClock, addresses: [PEER_ADDRESS] }) } : {}),
    });
    fixture.peer = await fixture.startPeer();
  });

  after(async () => {
    await fixture.peer?.close();
    await fixture.lab?.down();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`--- strongswan log (last 60 lines)\n${fixture.logLines.slice(-60).join('\n')}`);
  });

  return fixture;
}
