import { expect } from 'chai';
import type { EngineEvent, IkeEngineConfig } from '../../src/ike/index.js';
import { baseConfig, EnginePair } from './engine-pair.js';

type Suite = { name: string; a: Partial<IkeEngineConfig>; b: Partial<IkeEngineConfig> };

const SUITES: Suite[] = [
  { name: 'aes128-sha1-modp2048, no PFS', a: {}, b: {} },
  {
    name: 'aes256-sha256-modp2048, PFS modp2048',
    a: {
      proposals: [{ cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 14, lifetimeSeconds: 28800 }],
      espProposals: [{ cipher: 'aes-cbc', keyLength: 32, integrity: 'sha256', pfsGroup: 14, lifetimeSeconds: 3600 }],
    },
    b: {
      // The responder accepts more than it is offered and picks what the initiator offered.
      proposals: [
        { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 28800 },
        { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 14, lifetimeSeconds: 28800 },
      ],
      espProposals: [{ cipher: 'aes-cbc', keyLength: 32, integrity: 'sha256', pfsGroup: 14, lifetimeSeconds: 3600 }],
    },
  },
  {
    name: '3des-sha256-ecp256, PFS ecp256',
    a: {
      proposals: [{ cipher: '3des-cbc', keyLength: 24, hash: 'sha256', group: 19, lifetimeSeconds: 86400 }],
      espProposals: [{ cipher: '3des-cbc', keyLength: 24, integrity: 'sha1', pfsGroup: 19, lifetimeSeconds: 3600 }],
    },
    b: {
      proposals: [{ cipher: '3des-cbc', keyLength: 24, hash: 'sha256', group: 19, lifetimeSeconds: 86400 }],
      espProposals: [{ cipher: '3des-cbc', keyLength: 24, integrity: 'sha1', pfsGroup: 19, lifetimeSeconds: 3600 }],
    },
  },
];

const states = (events: EngineEvent[]): string[] =>
  events.filter((e): e is Extract<EngineEvent, { kind: 'state' }> => e.kind === 'state').map((e) => `${e.phase}:${e.state}`);

describe('IkeEngine, two engines back to back', () => {
  for (const suite of SUITES) {
    describe(suite.name, () => {
      it('completes Main Mode and Quick Mode, runs DPD both ways, and deletes IPsec then ISAKMP', () => {
        const pair = new EnginePair(baseConfig('initiator', suite.a), baseConfig('responder', { autoAnswerDpd: true, ...suite.b }));
        const sa = pair.initiate(true);

        expect(pair.deliveries.map((d) => d.result.rejected)).to.deep.equal(pair.deliveries.map(() => undefined));
        expect(pair.deliveries.map((d) => `${d.from}:${d.datagram.summary.kind}:${d.datagram.summary.step}`)).to.deep.equal([
          'a:main-mode:1', 'b:main-mode:2', 'a:main-mode:3', 'b:main-mode:4', 'a:main-mode:5', 'b:main-mode:6',
          'a:quick-mode:1', 'b:quick-mode:2', 'a:quick-mode:3',
        ]);
        expect(states(pair.events.a)).to.deep.equal(['1:negotiating', '1:established', '2:established']);
        expect(states(pair.events.b)).to.deep.equal(['1:negotiating', '1:established', '2:established']);
        const full = pair.a.list()[0];
        expect(full.slice(0, 16)).to.equal(sa.slice(0, 16));
        expect(pair.b.list()).to.deep.equal([full]);
        const [keysA] = pair.eventsOf('a', 'sa-keys');
        const [keysB] = pair.eventsOf('b', 'sa-keys');
        expect(keysA).to.deep.equal(keysB);
        const childA = pair.a.get(full)!.children[0];
        const childB = pair.b.get(full)!.children[0];
        expect(childA.inboundSpi).to.deep.equal(childB.outboundSpi);
        expect(childA.outboundSpi).to.deep.equal(childB.inboundSpi);

        // a probes b; b answers on its own (autoAnswerDpd), echoing the seq.
        pair.run('a', pair.a.sendDpd(full, 0n));
        const [request] = pair.eventsOf('b', 'dpd-request');
        const [ack] = pair.eventsOf('a', 'dpd-ack');
        expect(ack.seq).to.equal(request.seq);
        expect(ack.messageId).to.not.equal(request.messageId);

        // b probes a; a is driven like the fake peer: it answers through answerDpd with the seq it chooses.
        pair.run('b', pair.b.sendDpd(full, 0n, 0x7ffffffe));
        const [requestToA] = pair.eventsOf('a', 'dpd-request');
        expect(requestToA.seq).to.equal(0x7ffffffe);
        expect(pair.eventsOf('b', 'dpd-ack')).to.have.length(0);
        pair.run('a', pair.a.answerDpd(full, requestToA.ticket, requestToA.seq, 0n));
        expect(pair.eventsOf('b', 'dpd-ack').map((e) => e.seq)).to.deep.equal([0x7ffffffe]);

        pair.run('a', pair.a.deleteSa(full, 'ipsec', 0n));
        expect(pair.eventsOf('b', 'delete-received')).to.deep.equal([{ kind: 'delete-received', protocolId: 3, spis: [Buffer.from(childA.inboundSpi).toString('hex')] }]);
        expect(pair.b.get(full)!.children).to.have.length(0);

        pair.run('b', pair.b.deleteSa(full, 'isakmp', 0n));
        expect(pair.eventsOf('a', 'delete-received')[0]).to.deep.equal({ kind: 'delete-received', protocolId: 1, spis: [full] });
        expect(states(pair.events.a).slice(-2)).to.deep.equal(['2:deleted', '1:deleted']);
        expect(pair.a.list()).to.deep.equal([]);
        expect(pair.b.list()).to.deep.equal([]);
        expect(pair.deliveries.every((d) => d.result.rejected === undefined)).to.equal(true);
      });
    });
  }
});
