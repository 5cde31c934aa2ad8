/**
 * The reference DUT end to end on loopback: real IKE engine on both sides, real UDP,
 * the system clock. Short timers (allow_short_timers) keep it to a few seconds; the
 * assertions are about what happened (probes, sequence numbers, Delete, failover),
 * the timing itself is asserted on a fake clock in cisco-dpd-policy.test.ts.
 */
import { expect } from 'chai';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { DpdFaults } from '../../src/dut/keepalive-config.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import type { ScenarioTarget, TargetFactory } from '../../src/target/target.js';
import { waitUntil } from '../support/wait-until.js';
import { shortTimerProfile } from '../dut/short-timer-profile.js';

const TIMERS = { interval: 0.6, retryInterval: 0.2, failoverWithin: 2, toleranceAbsolute: 0.5 };
const profile = (faults: DpdFaults = {}) => profileFromSource(YamlSource.parse('t.yaml', shortTimerProfile('reference-target-test', { ...TIMERS, faults })));

const fromDut = (events: readonly HarnessEvent[], kind: string): DatagramEvent[] =>
  events.filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === kind);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


describe('target/reference-target (loopback, real engine)', function () {
  this.timeout(30_000);
  let factory: TargetFactory;
  let target: ScenarioTarget | undefined;

  before(async () => {
    factory = await createReferenceTargetFactory(profile(), systemClock);
  });
  afterEach(async () => {
    await target?.teardown();
    target = undefined;
  });
  after(async () => {
    await factory.close();
  });

  it('probes an answering peer with incrementing sequence numbers and keeps the SA', async () => {
    target = await factory.open('probe');
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    await waitUntil(() => fromDut(target!.events(), 'r-u-there').length >= 3, 'three R-U-THEREs', 15_000, 50);
    const seqs = fromDut(target.events(), 'r-u-there').map((e) => e.summary!.seq!);
    expect(seqs.slice(1, 3).map((s, i) => s - seqs[i]!)).to.deep.equal([1, 1]);
    expect(await target.dutHasSa(0)).to.equal(true);
  });

  it('answers the peer\'s R-U-THERE echoing its sequence number', async () => {
    target = await factory.open('responder');
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    await target.sendProbe({ kind: 'value', value: 123456 });
    await waitUntil(() => fromDut(target!.events(), 'r-u-there-ack').length > 0, 'the ACK', 5_000, 50);
    expect(fromDut(target.events(), 'r-u-there-ack')[0]!.summary!.seq).to.equal(123456);
  });

  it('silent peer: five probes, Delete, SA gone, Main Mode to the second listed peer', async () => {
    target = await factory.open('silence');
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    target.setBehaviour({ silence: 'both' });
    await waitUntil(async () => !(await target!.dutHasSa(0)), 'the DUT to drop the SA', 15_000, 50);
    await waitUntil(() => fromDut(target!.events(), 'main-mode').some((e) => e.local.address === '127.0.0.3'), 'Main Mode towards 127.0.0.3', 5_000, 50);
    const probesOnFirst = fromDut(target.events(), 'r-u-there').filter((e) => e.local.address === '127.0.0.2');
    const deletes = fromDut(target.events(), 'delete');
    expect(deletes.length).to.be.greaterThanOrEqual(1);
    const lastProbes = probesOnFirst.slice(-5);
    expect(lastProbes).to.have.length(5);
    expect(deletes[0]!.t > lastProbes[4]!.t).to.equal(true);
  });

  // The failover suite's own mutation runs wait on the runner (see docs/reference-dut.md); these show the faults on the wire.
  for (const [fault, expected] of [['failoverToWrongPeer', ['127.0.0.4']], ['noFailover', []]] as const) {
    it(`fault ${fault}: after the dead declaration, Main Mode to ${expected.length ? expected.join(', ') : 'nobody'}`, async () => {
      const faulty = await createReferenceTargetFactory(profile({ [fault]: true }), systemClock);
      const t = await faulty.open(fault);
      try {
        await t.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
        t.setBehaviour({ silence: 'both' });
        await waitUntil(async () => !(await t.dutHasSa(0)), 'the DUT to drop the SA', 15_000, 50);
        await sleep(1_000);
        const targets = [...new Set(fromDut(t.events(), 'main-mode').map((e) => e.local.address))].filter((a) => a !== '127.0.0.2');
        expect(targets).to.deep.equal(expected);
      } finally {
        await t.teardown();
        await faulty.close();
      }
    });
  }
});
