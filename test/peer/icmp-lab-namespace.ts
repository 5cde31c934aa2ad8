/**
 * A network namespace joined to the root namespace by a veth pair, for the
 * ICMP and raw-capture tests: the namespace plays the DUT host, the root
 * namespace (this process) the fake peer. Names carry the `icx` prefix and
 * addresses stay inside 203.0.113.128/26, so concurrent labs do not collide.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { waitUntil } from '../support/wait-until.js';

const run = promisify(execFile);

export interface LabNamespace {
  name: string;
  /** The peer side, in the root namespace. */
  rootAddress: string;
  /** The DUT side, inside the namespace. */
  nsAddress: string;
  nsInterface: string;
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args, { timeout: 15_000 });
}

async function removeNamespace(name: string): Promise<void> {
  const rootIf = `${name}-root`;
  const rootIfExists = (): boolean => existsSync(`/sys/class/net/${rootIf}`);
  if (existsSync(`/run/netns/${name}`)) {
    await ip('netns', 'del', name);
    // The kernel destroys the namespace's veth end, and with it the root end, asynchronously.
    await waitUntil(() => !rootIfExists(), `${rootIf} to go with its namespace`, 10_000, 50).catch(() => undefined);
  }
  if (rootIfExists()) await ip('link', 'del', rootIf);
}

/** `subnet`: the first address of a /29 inside 203.0.113.128/26 (root side +1, namespace +2). */
export async function createNamespace(name: string, subnetBase: number): Promise<LabNamespace> {
  await removeNamespace(name); // left over from a run that was killed
  const rootAddress = `203.0.113.${subnetBase + 1}`;
  const nsAddress = `203.0.113.${subnetBase + 2}`;
  const rootIf = `${name}-root`;
  const nsInterface = `${name}-ns`;
  const lab: LabNamespace = { name, rootAddress, nsAddress, nsInterface, remove: () => removeNamespace(name) };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', rootIf, 'type', 'veth', 'peer', 'name', nsInterface);
    await ip('link', 'set', nsInterface, 'netns', name);
    await ip('addr', 'add', `${rootAddress}/29`, 'dev', rootIf);
    await ip('link', 'set', rootIf, 'up');
    await ip('-n', name, 'addr', 'add', `${nsAddress}/29`, 'dev', nsInterface);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    await ip('-n', name, 'link', 'set', nsInterface, 'up');
    await waitUntil(() => readFileSync(`/sys/class/net/${rootIf}/operstate`, 'utf8').trim() === 'up', `${rootIf} up`, 10_000, 50);
  } catch (err) {
    await removeNamespace(name);
    throw err;
  }
  return lab;
}

/** Runs `command` inside the namespace; stdout and stderr are collected. */
export function spawnIn(lab: LabNamespace, command: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn('ip', ['netns', 'exec', lab.name, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * A UDP client inside the namespace, the way an IKE daemon talks to its
 * peer: a socket connected to `target:port` sends `payload` once, prints
 * {"sent": localPort}, then prints {"error": code} when the kernel reports an
 * ICMP error on the connected socket (or {"error": "none"} after `waitMs`).
 */
export function udpClientIn(lab: LabNamespace, target: string, port: number, payload: Uint8Array, waitMs: number): ReturnType<typeof spawnIn> {
  const script = `
    const dgram = require('node:dgram');
    const [local, target, port, hex, waitMs] = process.argv.slice(1);
    const s = dgram.createSocket('udp4');
    const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
    s.on('error', (e) => { say({ error: e.code }); process.exit(0); });
    s.bind(0, local, () => s.connect(Number(port), target, () => {
      s.send(Buffer.from(hex, 'hex'), () => say({ sent: s.address().port }));
    }));
    setTimeout(() => { say({ error: 'none' }); process.exit(0); }, Number(waitMs));
  `;
  return spawnIn(lab, [process.execPath, '-e', script, lab.nsAddress, target, String(port), Buffer.from(payload).toString('hex'), String(waitMs)]);
}

/** The JSON lines a udpClientIn child printed so far. */
export function clientLines(stdout: string): Array<{ sent?: number; error?: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as { sent?: number; error?: string });
}

/** Records in a classic pcap file written so far (24-byte file header; 16-byte record headers, captured length at +8). */
function packetsIn(file: string): number {
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  if (bytes.length < 24) return 0;
  // The magic number tells the byte order tcpdump wrote in.
  const littleEndian = bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d;
  let count = 0;
  for (let at = 24; at + 16 <= bytes.length; count++) at += 16 + (littleEndian ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8));
  return count;
}

/** tcpdump inside the namespace, writing a pcap; resolves once it is listening. */
export async function captureIn(lab: LabNamespace, file: string, filter: string): Promise<{ waitForPackets(n: number): Promise<void>; stop(): Promise<void> }> {
  // --immediate-mode: without it packets wait in the kernel's ring for a block timeout, and a prompt SIGINT loses them.
  const dump = spawnIn(lab, ['tcpdump', '--immediate-mode', '-i', lab.nsInterface, '-U', '-n', '-w', file, filter]);
  await waitUntil(() => /listening on/.test(dump.stderr()) || dump.child.exitCode !== null, 'tcpdump to listen', 15_000, 50);
  if (dump.child.exitCode !== null) throw new Error(`tcpdump exited: ${dump.stderr()}`);
  return {
    waitForPackets: (n) => waitUntil(() => packetsIn(file) >= n, `${n} packet(s) in ${file}`, 15_000, 50),
    async stop() {
      if (dump.child.exitCode === null) {
        dump.child.kill('SIGINT');
        await dump.exited;
      }
    },
  };
}

/** tshark's fields of every packet in `file` (tab-separated, one line per packet). */
export async function tsharkFields(file: string, filter: string, fields: string[], preferences: string[] = []): Promise<string[][]> {
  const args = ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', ...preferences.flatMap((p) => ['-o', p]), ...fields.flatMap((f) => ['-e', f])];
  const { stdout } = await run('tshark', args, { timeout: 60_000 });
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

