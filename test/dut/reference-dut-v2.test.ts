// The IKEv2 reference DUT (Cisco IOS XE `crypto ikev2 dpd`) against the IKEv2 fake peer over
// loopback UDP, with timers scaled down (interval 0.4 s, retry-interval 0.15 s): the healthy
// DUT passes every check of ikev2-dut-rig.ts, and each fault switch is caught by the check
// meant for it (measured against expected), which is the mutation evidence for the IKEv2 mode.
import { expect } from 'chai';
import type { Ikev2DpdFaults } from '../../src/dut/cisco-ikev2-dpd-policy.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { waitUntil } from '../support/wait-until.js';
import {
  checkAnswersHonoured, checkAnswersPeer, checkDeleted, checkInterval, checkTransmissions,
  livenessIn, openRig, TIMERS, TOLERANCE_S, type Rig, type Verdict,
} from './ikev2-dut-rig.js';

type Check = (rig: Rig) => Promise<Verdict>;

const CHECKS: Record<string, Check> = {
  interval: checkInterval,
  transmissions: checkTransmissions,
  deleted: checkDeleted,
  answersHonoured: checkAnswersHonoured,
  answersPeer: checkAnswersPeer,
};

/** Fault → the check that must catch it. */
const MUTANTS: Array<{ faults: Ikev2DpdFaults; caughtBy: keyof typeof CHECKS }> = [
  { faults: { intervalSeconds: 2 * TIMERS.interval }, caughtBy: 'interval' },
  { faults: { retransmissions: 2 }, caughtBy: 'transmissions' },
  { faults: { retransmissions: 7 }, caughtBy: 'transmissions' },
  { faults: { retransmissions: 2 }, caughtBy: 'deleted' },
  { faults: { noDeleteOnDeath: true }, caughtBy: 'deleted' },
  { faults: { ignoreLivenessResponses: true }, caughtBy: 'answersHonoured' },
  { faults: { answerWrongMessageId: true }, caughtBy: 'answersPeer' },
  { faults: { noLivenessAnswer: true }, caughtBy: 'answersPeer' },
];

async function judge(check: Check, faults: Ikev2DpdFaults = {}): Promise<Verdict> {
  const rig = await openRig({ faults });
  try {
    return await check(rig);
  } finally {
    await rig.close();
  }
}

describe('IKEv2 reference DUT (Cisco crypto ikev2 dpd) over loopback', function () {
  this.timeout(20_000);

  describe('the healthy DUT passes every check', () => {
    for (const [name, check] of Object.entries(CHECKS)) {
      it(name, async () => {
        const v = await judge(check);
        expect(v.ok, `${v.check}: expected ${v.expected}, measured ${v.measured}`).to.equal(true);
      });
    }
  });

  describe('each fault switch is caught', () => {
    for (const { faults, caughtBy } of MUTANTS) {
      it(`${JSON.stringify(faults)} fails '${caughtBy}'`, async () => {
        const v = await judge(CHECKS[caughtBy]!, faults);
        expect(v.ok, `${v.check}: expected ${v.expected}, measured ${v.measured}`).to.equal(false);
      });
    }
  });

  it('periodic: the next liveness request is one interval after the last answer', async () => {
    const rig = await openRig();
    try {
      const peer = rig.peers[0]!;
      await waitUntil(() => livenessIn(peer, rig.upAt).length >= 2, 'two liveness requests', 3000);
      const answered = peer.log.events.find((e) => e.type === 'datagram' && e.direction === 'out' && e.summary?.kind === 'liveness-response');
      const second = livenessIn(peer, rig.upAt)[1]!;
      expect(answered).to.not.equal(undefined);
      expect(Number(second.t - answered!.t) / 1e9).to.be.closeTo(TIMERS.interval, TOLERANCE_S);
    } finally {
      await rig.close();
    }
  });

  it('on-demand: no liveness request while idle; with outbound traffic and nothing inbound for interval, one at once', async () => {
    const rig = await openRig({ mode: 'on-demand' });
    try {
      const peer = rig.peers[0]!;
      await new Promise((r) => setTimeout(r, 3 * TIMERS.interval * 1000));
      expect(livenessIn(peer, rig.upAt)).to.have.length(0);
      const from = systemClock.now();
      rig.dut.setOutboundTraffic(true);
      await waitUntil(() => livenessIn(peer, from).length > 0, 'an on-demand liveness request', 2000);
      expect(Number(livenessIn(peer, from)[0]!.t - from) / 1e9).to.be.lessThan(TOLERANCE_S);
    } finally {
      await rig.close();
    }
  });

  it('failover: the dead peer is given up and IKE_SA_INIT goes to the next set peer, which comes up', async () => {
    const rig = await openRig({ peers: 2, onDead: 'failover' });
    try {
      rig.peers[0]!.setBehaviour({ silence: 'both' });
      const second = rig.peers[1]!;
      await second.waitForSaState(2, 'established', 5000);
      // The responder is up before the DUT has read the IKE_AUTH response.
      await waitUntil(() => rig.dut.listSas().some((s) => s.children.length === 1), 'the DUT listing the new SA', 1000);
      expect(rig.dut.listSas().map((s) => s.ike.peer)).to.deep.equal([second.endpoints[0]!.address]);
      expect(rig.marks.some((m) => m.type === 'mark' && /peer 0 dead: liveness request unanswered after 5 transmissions/.test(m.label))).to.equal(true);
    } finally {
      await rig.close();
    }
  });

  it('failover past an unreachable peer: IKE_SA_INIT to the second goes unanswered, the third comes up', async () => {
    const rig = await openRig({ peers: 3, onDead: 'failover' });
    try {
      rig.peers[0]!.setBehaviour({ silence: 'both' });
      rig.peers[1]!.setBehaviour({ silence: 'both' });
      await rig.peers[2]!.waitForSaState(2, 'established', 6000);
      await waitUntil(() => rig.dut.listSas().some((s) => s.children.length === 1), 'the DUT listing the SA with the third peer', 1000);
      expect(rig.marks.some((m) => m.type === 'mark' && m.label.startsWith('reference-dut: peer 1 unreachable'))).to.equal(true);
      expect(livenessIn(rig.peers[1]!)).to.have.length(0);
    } finally {
      await rig.close();
    }
  });

  it("a peer's Delete removes the IKE SA and its CHILD_SA from the DUT's list", async () => {
    const rig = await openRig();
    try {
      expect(rig.dut.listSas()[0]!.children).to.have.length(1);
      rig.peers[0]!.deleteIke(rig.sa);
      await waitUntil(() => rig.dut.listSas().length === 0, 'the SA gone after Delete', 2000);
    } finally {
      await rig.close();
    }
  });
});
