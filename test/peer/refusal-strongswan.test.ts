/**
 * A bring-up the DUT refuses ends at once with ERR_DUT_REFUSED naming the DUT's
 * notify, against a real charon: mismatching traffic selectors, an ESP proposal
 * it does not have, and a wrong pre-shared key. Each must end well within the
 * bring-up timeout (30 s in the suites), not at it.
 */
import { expect } from 'chai';
import { HarnessError } from '../../src/errors.js';
import { IkeEngine, type IkeEngineConfig } from '../../src/ike/index.js';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { quickModeSelector } from '../../src/target/engine-config.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { DUT_ADDRESS, PEER_ADDRESS, fakePeerEngineConfig, strongswanLabSpec } from './strongswan-lab-peer-fixture.js';

const OPTIONS = { lab: 'refusal', psk: 'refusal-test-key-1', file: 'test/peer/refusal-strongswan.test.ts', dpd: { delay: 30, timeout: 120 }, retransmitMs: [2000, 4000, 8000] };

describe('fake peer: the DUT refuses a bring-up (strongSwan 5.9) @root', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  const log: string[] = [];

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', '/usr/lib/ipsec/charon', 'swanctl');
    lab = await Lab.up(strongswanLabSpec(OPTIONS));
    void (async () => {
      for await (const l of (lab!.dut as DutAdapter).logLines()) log.push(l.line);
    })();
  });
  after(async () => {
    await lab?.down();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`--- charon log (last 40 lines)\n${log.slice(-40).join('\n')}`);
  });

  async function bringUp(change: Partial<IkeEngineConfig>): Promise<{ error: HarnessError | undefined; seconds: number }> {
    const peer = await FakePeer.start({
      bind: [{ address: PEER_ADDRESS, port: 500 }],
      clock: systemClock,
      createEngine: (hooks) => new IkeEngine({ ...fakePeerEngineConfig(OPTIONS), ...change }, hooks),
    });
    const start = performance.now();
    try {
      const sa = peer.initiate({ from: { address: PEER_ADDRESS, port: 500 }, to: { address: DUT_ADDRESS, port: 500 }, quickMode: true });
      await peer.waitForSaState({ sa, phase: 2, state: 'established' }, 30_000);
      return { error: undefined, seconds: (performance.now() - start) / 1000 };
    } catch (err) {
      return { error: err as HarnessError, seconds: (performance.now() - start) / 1000 };
    } finally {
      await peer.close();
    }
  }

  it('the matching config comes up (control)', async () => {
    const r = await bringUp({});
    expect(r.error, r.error?.message).to.equal(undefined);
  });

  it('traffic selectors outside the DUT policy: INVALID-ID-INFORMATION, named with the offered selectors', async () => {
    const r = await bringUp({ trafficSelectors: [quickModeSelector({ local: '198.51.100.0/25', remote: '198.51.100.128/25' })] });
    expect(r.error?.code, r.error?.message).to.equal('ERR_DUT_REFUSED');
    expect(r.error!.message).to.match(/INVALID-ID-INFORMATION/);
    expect(r.error!.message).to.include('198.51.100.0/25 <-> 198.51.100.128/25');
    expect(r.error!.message).to.include('ike.traffic_selectors');
    expect(r.seconds).to.be.below(10);
  });

  it('an ESP proposal the DUT lacks: NO-PROPOSAL-CHOSEN, named with the offered proposal', async () => {
    const r = await bringUp({ espProposals: [{ cipher: 'aes-cbc', keyLength: 32, integrity: 'sha512', pfsGroup: 14, lifetimeSeconds: 1200 }] });
    expect(r.error?.code, r.error?.message).to.equal('ERR_DUT_REFUSED');
    expect(r.error!.message).to.match(/NO-PROPOSAL-CHOSEN/);
    expect(r.error!.message).to.include('aes-cbc-256/sha512');
    expect(r.error!.message).to.include('ike.esp_proposals');
    expect(r.seconds).to.be.below(10);
  });

  it('a wrong pre-shared key: a set-up error naming the PSK, within seconds', async () => {
    const r = await bringUp({ psk: () => new TextEncoder().encode('not-the-key') });
    expect(r.error?.code, r.error?.message).to.be.oneOf(['ERR_DUT_REFUSED', 'ERR_IKE_AUTH_FAILED']);
    expect(r.error!.message).to.match(/psk|pre-shared key/i);
    expect(r.seconds).to.be.below(10);
  });
});
