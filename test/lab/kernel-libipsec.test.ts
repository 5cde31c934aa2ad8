/**
 * strongSwan 5.9.8 with `data_plane: kernel-libipsec` on a kernel without
 * CONFIG_INET_ESP: charon loads the plugin from libcharon-extra-plugins, creates
 * its TUN device, installs the CHILD_SA in userspace (nothing in the kernel's
 * SAD, no shim), and — two such daemons back to back — carries UDP between
 * the inner subnets as ESP in UDP 4500. Lab `kli`, peer-namespace mode:
 * 198.51.100.248/29 (link), .240/30 and .244/30 (inner).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { waitUntil } from '../support/wait-until.js';
import { leftovers } from './fixtures/lab-fixture.js';

const DUT_INNER = '198.51.100.241';
const PEER_INNER = '198.51.100.245';
const daemon = { esp_proposals: ['aes128-sha256-modp2048'], data_plane: 'kernel-libipsec' };

const inNs = (ns: string, ...argv: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 20_000 });

/** A UDP echo server on the peer's inner address: answers each datagram with the same bytes. */
const ECHO_SERVER = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m, r) => s.send(m, r.port, r.address));
s.bind(7, process.argv[1], () => console.log('listening'));`;

/** Sends three datagrams from the DUT's inner address and prints how many came back within 5 s. */
const ECHO_CLIENT = `const s = require('node:dgram').createSocket('udp4');
let back = 0;
s.on('message', () => { if (++back === 3) done(); });
const done = () => { console.log('echoed ' + back); s.close(); };
setTimeout(done, 5000).unref();
s.bind(0, process.argv[1], () => { for (let i = 0; i < 3; i++) setTimeout(() => s.send('esp ' + i, 7, process.argv[2]), i * 300); });`;

describe('lab/kernel-libipsec: strongSwan ESP in userspace over TUN, UDP-encapsulated @root', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', 'setpriv', 'swanctl', 'tcpdump', '/usr/lib/ipsec/charon', '/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so');
    const spec = parseLabSpec(
      {
        name: 'kli',
        kind: 'strongswan',
        subnet: '198.51.100.248/29',
        dut_address: '198.51.100.249',
        peer_addresses: ['198.51.100.250'],
        dut_subnets: ['198.51.100.240/30'],
        peer_subnets: ['198.51.100.244/30'],
        peer_netns: true,
        psk: 'kernel-libipsec lab psk',
        dut: { ...daemon, dpd: { delay: 2, timeout: 10, action: 'clear' } },
        peer_daemon: { kind: 'strongswan', ...daemon, dpd: { delay: 0 } },
      },
      { file: 'test/lab/kernel-libipsec.test.ts' },
    );
    lab = await Lab.up(spec);
  });

  after(async () => {
    await lab?.down();
    expect(leftovers('kli')).to.deep.equal([]);
  });

  it('reports the data plane, loads the plugin and brings up its TUN device in the DUT namespace', () => {
    const { names, dut } = lab as Lab & { dut: DutAdapter };
    expect(lab!.status().dataPlane).to.equal('kernel-libipsec');
    const loaded = readFileSync(dut.describe().log as string, 'utf8').split('\n').find((l) => l.includes('loaded plugins:')) ?? '';
    expect(loaded.split(/\s+/)).to.include.members(['kernel-libipsec', 'kernel-netlink']);
    expect(inNs(names.dutNs, 'ip', '-d', 'link', 'show', 'ipsec0')).to.match(/\btun\b/);
    // No shim: libipsec, not the kernel, holds the SAs.
    expect(readFileSync(`/proc/${lab!.status().daemons[0]!.pid}/environ`, 'utf8')).to.not.include('LD_PRELOAD');
  });

  it('the CHILD_SA is installed in userspace only, and UDP between the inner subnets crosses as ESP in UDP 4500', async () => {
    const { names, dut, peerDaemon } = lab as Lab & { dut: DutAdapter; peerDaemon: DutAdapter };
    await dut.initiate('peer1');
    const installed = async (a: DutAdapter) => (await a.listSas()).some((s) => s.ike.established && s.children.some((c) => c.installed));
    await waitUntil(async () => (await installed(dut)) && (await installed(peerDaemon)), 'CHILD_SA installed at both ends', 15_000, 200);
    expect(inNs(names.dutNs, 'ip', 'xfrm', 'state')).to.equal('');

    const capture = spawn('ip', ['netns', 'exec', names.peerNs, 'tcpdump', '-n', '-l', '-i', `${lab!.spec.name}-p`, 'udp'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: string[] = [];
    capture.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const server = spawn('ip', ['netns', 'exec', names.peerNs, process.execPath, '-e', ECHO_SERVER, PEER_INNER], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((r) => server.stdout.once('data', r));
      await new Promise((r) => setTimeout(r, 1000));
      expect(inNs(names.dutNs, process.execPath, '-e', ECHO_CLIENT, DUT_INNER, PEER_INNER).trim()).to.equal('echoed 3');
      await waitUntil(() => lines.filter((l) => /\.4500 > .*\.4500: UDP-encap: ESP/.test(l)).length >= 6, 'six ESP-in-UDP packets on the link', 5_000, 100);
    } finally {
      server.kill('SIGTERM');
      capture.kill('SIGTERM');
    }
    const esp = lines.filter((l) => /UDP-encap: ESP/.test(l));
    expect(esp.filter((l) => l.includes(`${lab!.spec.dutAddress}.4500 > ${lab!.spec.peerAddresses[0]}.4500`))).to.have.length.of.at.least(3);
    expect(esp.filter((l) => l.includes(`${lab!.spec.peerAddresses[0]}.4500 > ${lab!.spec.dutAddress}.4500`))).to.have.length.of.at.least(3);
  });
});
