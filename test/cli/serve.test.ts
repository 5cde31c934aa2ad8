import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseServeArgs, startServe } from '../../src/cli/serve.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { requireCommands } from '../support/environment.js';
import { ScriptedEngine } from '../support/scripted-engine.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const PROFILE = join(ROOT, 'test', 'fixtures', 'peer', 'serve-profile.yaml');

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

  it('exits 2 for an unreadable profile and 1 for an address it cannot bind, with the typed code on stderr', async () => {
    const { main } = await import('../../src/cli/main.js');
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(await main(['serve', '--profile', join(ROOT, 'test', 'fixtures', 'peer', 'missing.yaml')])).to.equal(2);
      // 198.51.100.126: inside this project's peer-test range, and never given to an interface.
      expect(await main(['serve', '--profile', PROFILE, '--listen', '198.51.100.126:0'])).to.equal(1);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).to.match(/ERR_CONFIG_SYNTAX[\s\S]*ERR_PEER_SOCKET/);
  });

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

describe('cli/serve as a process, recognised by ike-scan (loopback)', function () {
  this.timeout(60_000);

  before(function () {
    requireCommands(this, 'ike-scan');
  });

  it('answers Main Mode advertising DPD, and exits 0 on SIGTERM', async () => {
    const args = ['serve', '--profile', PROFILE, '--listen', '127.0.0.1:0'];
    const script = `import(${JSON.stringify(MAIN)}).then(async (m) => { process.exitCode = await m.main(${JSON.stringify(args)}); })`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      const deadline = Date.now() + 30_000;
      let port: string | undefined;
      while (!(port = /listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1])) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // AES-128 / SHA-1 / PSK / MODP2048, the profile's first proposal (ike-scan --trans=enc[/bits],hash,auth,group).
      const scan = execFileSync('ike-scan', ['--sport=0', '-d', port, '--trans=7/128,2,1,14', '127.0.0.1'], { timeout: 20_000 }).toString();
      expect(scan).to.match(/Main Mode Handshake returned/);
      expect(scan).to.include('Dead Peer Detection v1.0');
      expect(scan).to.include('1 returned handshake');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).to.equal(0);
      expect(out).to.match(/in {2}127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ main-mode #1/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
