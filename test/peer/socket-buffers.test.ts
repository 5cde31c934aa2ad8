import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ikev2Engine } from '../../src/ike/v2/ikev2-engine.js';
import { FakePeer } from '../../src/peer/fake-peer.js';
import { Ikev2Peer } from '../../src/peer/ikev2-peer.js';
import type { SocketBuffers } from '../../src/peer/socket-buffers.js';
import { UdpTransport } from '../../src/peer/udp-transport.js';
import { FakeClock } from '../support/fake-clock.js';
import { ScriptedEngine } from '../support/scripted-engine.js';
import { v2Config } from '../ike/v2/ikev2-pair.js';

const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));

describe('peer socket buffers (BindEndpoint.buffers)', () => {
  let peer: FakePeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  const start = async (buffers?: SocketBuffers): Promise<FakePeer> =>
    (peer = await FakePeer.start({
      bind: [{ address: '127.0.0.1', port: 0, ...(buffers ? { buffers } : {}) }],
      clock: new FakeClock(),
      createEngine: (hooks) => new ScriptedEngine(hooks, () => peer!.endpoints[0]),
    }));
  const marks = (p: FakePeer): string[] => p.log.events.flatMap((e) => (e.type === 'mark' ? [e.label] : []));

  it('leaves the kernel default and the timeline alone when no size is asked for', async () => {
    expect(marks(await start())).to.deep.equal([]);
  });

  it('sets a size the kernel allows, and the fake peer marks nothing', async () => {
    expect(marks(await start({ receive: 65536, send: 65536 }))).to.deep.equal([]);
    const transport = await UdpTransport.open({ bind: [{ address: '127.0.0.1', port: 0, buffers: { receive: 65536, send: 65536 } }], clock: new FakeClock(), onDatagram: () => undefined });
    try {
      const [sizes] = transport.socketBufferSizes;
      expect(sizes.receive).to.be.at.least(65536);
      expect(sizes.send).to.be.at.least(65536);
    } finally {
      await transport.close();
    }
  });

  it('marks a socket whose receive buffer the kernel capped below what was asked', async () => {
    const asked = 4 * rmemMax + 4096;
    const [label, ...rest] = marks(await start({ receive: asked }));
    expect(rest).to.deep.equal([]);
    expect(label).to.match(new RegExp(`^socket buffers on 127\\.0\\.0\\.1:\\d+ capped: receive \\d+ of ${asked} bytes asked \\(net\\.core\\.rmem_max caps it\\)$`));
  });

  it('marks an ask between rmem_max and twice it (Linux reports double what it gives), naming what was given', async () => {
    const asked = rmemMax + 4096;
    const [label] = marks(await start({ receive: asked }));
    expect(label).to.match(new RegExp(`capped: receive ${rmemMax} of ${asked} bytes asked \\(net\\.core\\.rmem_max caps it\\)$`));
  });

  it('the IKEv2 peer marks a capped socket in its timeline too', async () => {
    const asked = 4 * rmemMax + 4096;
    const v2 = await Ikev2Peer.start({ bind: [{ address: '127.0.0.1', port: 0, buffers: { receive: asked } }], clock: new FakeClock(), engine: new Ikev2Engine(v2Config('buffers')) });
    try {
      const labels = v2.log.events.flatMap((e) => (e.type === 'mark' ? [e.label] : []));
      expect(labels).to.have.length(1);
      expect(labels[0]).to.match(new RegExp(`^socket buffers on 127\\.0\\.0\\.1:${v2.endpoints[0]!.port} capped: receive \\d+ of ${asked} bytes asked`));
    } finally {
      await v2.close();
    }
  });

  it('a NAT rebinding\'s fresh socket asks for the same buffers', async () => {
    const capped: string[] = [];
    const asked = 4 * rmemMax + 4096;
    const transport = await UdpTransport.open({ bind: [{ address: '127.0.0.1', port: 0, natT: true, buffers: { receive: asked } }], clock: new FakeClock(), onDatagram: () => undefined, onBuffersCapped: (label) => capped.push(label) });
    try {
      const fresh = await transport.rebind(transport.endpoints[0]!);
      expect(capped).to.have.length(2);
      expect(capped[1]).to.contain(`127.0.0.1:${fresh.port} capped: receive`);
    } finally {
      await transport.close();
    }
  });
});
