/**
 * tcpdump as the independent kernel-side judge of what crossed a lab link:
 * start it on an interface, stop it, and read its capture back (classic pcap,
 * Ethernet or raw IP) as UDP packets with the capture's own timestamps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Endpoint } from '../../src/events.js';

/**
 * Resolves once tcpdump listens. Immediate mode: with the default ring-buffer timeout a packet
 * still in the kernel's current block is lost when tcpdump is stopped. Nanosecond stamps.
 */
export async function startTcpdump(link: string, file: string, filter: string): Promise<ChildProcess> {
  const child = spawn('tcpdump', ['-i', link, '-n', '--immediate-mode', '-U', '--time-stamp-precision=nano', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${text}`)));
  });
  return child;
}

export async function stopTcpdump(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

export interface CapturedUdpRecord {
  /** Capture time, ns since the Unix epoch. */
  timeNs: bigint;
  src: Endpoint;
  dst: Endpoint;
  payload: Uint8Array;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const ETHERTYPE_IPV4 = 0x0800;

/** The IPv4/UDP records of a classic pcap file (pcap-savefile(5)); anything else is skipped. */
export function readUdpCapture(file: string): CapturedUdpRecord[] {
  const buf = readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const nano = magic === 0xa1b23c4d;
  if (!nano && magic !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian classic pcap (magic ${magic.toString(16)})`);
  const linktype = buf.readUInt32LE(20);
  const out: CapturedUdpRecord[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const sec = BigInt(buf.readUInt32LE(at));
    const frac = BigInt(buf.readUInt32LE(at + 4));
    const caplen = buf.readUInt32LE(at + 8);
    const frame = buf.subarray(at + 16, at + 16 + caplen);
    at += 16 + caplen;
    let ip = frame;
    if (linktype === LINKTYPE_ETHERNET) {
      if (frame.length < 14 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) continue;
      ip = frame.subarray(14);
    } else if (linktype !== LINKTYPE_RAW) {
      throw new Error(`${file}: link type ${linktype} not read here`);
    }
    if (ip.length < 28 || ip[0]! >> 4 !== 4 || ip[9] !== 17) continue;
    const ihl = (ip[0]! & 0x0f) * 4;
    const total = ip.readUInt16BE(2);
    const udp = ip.subarray(ihl, total);
    const address = (o: number): string => Array.from(ip.subarray(o, o + 4)).join('.');
    out.push({
      timeNs: sec * 1_000_000_000n + (nano ? frac : frac * 1000n),
      src: { address: address(12), port: udp.readUInt16BE(0) },
      dst: { address: address(16), port: udp.readUInt16BE(2) },
      payload: Uint8Array.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return out;
}
