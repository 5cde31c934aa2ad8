import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { parseServeArgs, startServe } from '../../src/cli/serve.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { ScriptedEngine } from '../support/scripted-engine.js';

describe('cli/serve', () => {
  it('parses --profile and repeated --listen, defaulting to 127.0.0.1:500', () => {
    expect(parseServeArgs(['--profile', 'p.yaml'])).to.deep.equal({ profile: 'p.yaml', listen: [{ address: '127.0.0.1', port: 500 }] });
    expect(parseServeArgs(['--listen', '127.0.0.1:0', '--profile', 'p.yaml', '--listen', '[::1]:4500']).listen).to.deep.equal([
      { address: '127.0.0.1', port: 0 },
      { address: '::1', port: 4500 },
    ]);
  });

  for (const bad of [[], ['--profile'], ['--profile', 'p.yaml', '--verbose'], ['--profile', 'p.yaml', '--listen', 'nowhere']]) {
    it(`rejects ${JSON.stringify(bad)} with ERR_USAGE`, () => {
      expect(() => parseServeArgs(bad)).to.throw().with.property('code', 'ERR_USAGE');
    });
  }

  it('prints where it listens and one line per event while answering', async () => {
    const lines: string[] = [];
    let engine: ScriptedEngine | undefined;
    const peer = await startServe({
      listen: [{ address: '127.0.0.1', port: 0 }],
      clock: systemClock,
      createEngine: (hooks) => (engine = new ScriptedEngine(hooks, () => peer.endpoints[0])),
      print: (l) => lines.push(l),
    });
    const client = createSocket('udp4');
    try {
      const { port } = peer.endpoints[0];
      expect(lines[0]).to.equal(`listening on 127.0.0.1:${port}`);
      client.bind(0, '127.0.0.1');
      await once(client, 'listening');
      const answer = once(client, 'message');
      client.send(ScriptedEngine.packet('ab'.repeat(16), 1, 4242), port, '127.0.0.1');
      await answer;
      expect(engine?.received).to.have.length(1);
      expect(lines.slice(1).map((l) => l.replace(/^\+\d+\.\d+ /, ''))).to.deep.equal([
        `in  127.0.0.1:${(client.address() as { port: number }).port} -> 127.0.0.1:${port} r-u-there seq=4242 msgid=00002092 sa=${'ab'.repeat(16)}`,
        `out 127.0.0.1:${port} -> 127.0.0.1:${(client.address() as { port: number }).port} r-u-there-ack seq=4242 msgid=00002092 sa=${'ab'.repeat(16)}`,
      ]);
    } finally {
      client.close();
      await peer.close();
    }
  });
});
