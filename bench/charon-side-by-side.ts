/**
 * `npm run bench:charon` (root): the fake peer beside a real daemon in one run. A strongSwan
 * 5.9.8 lab DUT (charon, IKEv1, dpd_delay 1 s) and the fake peer with BENCH_ADDRESSES ×
 * BENCH_PORTS IKE SAs to it (default 250 × 4 = 1,000: a lab link holds one documentation /24,
 * so several SAs share an address from different ports; charon keeps them apart by cookies,
 * and without INITIAL-CONTACT it does not replace one with another). For BENCH_SECONDS the
 * fake peer probes every SA once a second (its own dpd_delay of 1 s) and answers whatever
 * charon sends. Over that window it counts the DPD exchanges that completed, either way, and
 * divides each process's CPU by them: the harness's from process.cpuUsage(), charon's from
 * /proc/<pid>/stat (utime + stime of all its threads). Both processes take part in every
 * exchange, so the two figures share one denominator. Results go in docs/performance.md.
 *
 *   sudo flock /tmp/dpd-lab.lock npm run bench:charon
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Endpoint, HarnessEvent } from '../src/events.js';
import { IkeEngine } from '../src/ike/index.js';
import { Lab } from '../src/lab/lab.js';
import { parseLabSpec } from '../src/lab/lab-spec.js';
import { labNames } from '../src/lab/topology.js';
import { FakePeer } from '../src/peer/fake-peer.js';
import { systemClock } from '../src/peer/system-clock.js';
import { systemRandom } from '../src/peer/system-random.js';

const ADDRESSES = Number(process.env.BENCH_ADDRESSES ?? 250);
const PORTS = Number(process.env.BENCH_PORTS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const LAB = 'dpdsbs';
const DUT = '198.51.100.1';
const PSK = 'dpd-harness-bench-side-by-side';
/** Ticks per second of /proc/<pid>/stat's utime and stime. */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const SLICE_MS = 2;

if (ADDRESSES > 253) throw new Error(`BENCH_ADDRESSES ${ADDRESSES}: the lab link is one /24 (at most 253 fake-peer addresses)`);
const peerAddresses = Array.from({ length: ADDRESSES }, (_, i) => `198.51.100.${i + 2}`);
const spec = parseLabSpec(
  {
    name: LAB,
    kind: 'strongswan',
    subnet: '198.51.100.0/24',
    dut_address: DUT,
    peer_addresses: peerAddresses,
    psk: PSK,
    dut: {
      ike_proposals: ['aes128-sha1-modp2048'],
      esp_proposals: ['aes128-sha1'],
      // dpd_timeout far beyond the window: a probe that waits on a busy core must not kill its SA.
      dpd: { delay: 1, timeout: 60, action: 'clear' },
      retransmit: { tries: 3, timeout: 4.0, base: 1.8 },
    },
  },
  { file: 'bench/charon-side-by-side.ts' },
);

/** CPU seconds of a process and all its threads so far. */
function processCpuS(pid: number): number {
  // comm may hold spaces; the fields after its closing parenthesis are fixed (proc(5)): utime is 14th, stime 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function charonPid(): number {
  const pids = execFileSync('ip', ['netns', 'pids', labNames(LAB).dutNs], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  const charon = pids.filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'charon');
  if (charon.length !== 1) throw new Error(`expected one charon in ${labNames(LAB).dutNs}, found ${charon.length}`);
  return charon[0]!;
}

const cpu = cpus();
console.log(`charon side-by-side bench, ${new Date().toISOString()}: ${ADDRESSES * PORTS} IKE SAs (${ADDRESSES} addresses × ${PORTS} ports), dpd_delay 1 s both sides, ${SECONDS} s`);
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const lab = await Lab.up(spec);
let peer: FakePeer | undefined;
try {
  const pid = charonPid();
  // Port-major: handshakes in flight at once come from different addresses.
  const bind: Endpoint[] = Array.from({ length: PORTS }, () => peerAddresses.map((address) => ({ address, port: 0 }))).flat();
  peer = await FakePeer.start({
    bind,
    clock: systemClock,
    createEngine: (hooks) =>
      new IkeEngine(
        {
          random: systemRandom,
          psk: (remote) => (remote.address === DUT ? new TextEncoder().encode(PSK) : undefined),
          proposals: [{ cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 }],
          espProposals: [{ cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', lifetimeSeconds: 1200 }],
          retransmitMs: [4000, 4000, 8000],
        },
        hooks,
      ),
  });
  const fake = peer;
  const up = await establish(fake, fake.endpoints.slice(0, bind.length), 32);
  console.log(`${up.sas.length} SAs up in ${up.seconds.toFixed(1)} s${up.failed.length ? `; ${up.failed.length} failed, first: ${up.failed[0]}` : ''}`);

  // Count completed exchanges: our R-U-THEREs that came back ACKed, and charon's that we ACKed.
  let ours = 0;
  let theirs = 0;
  let counting = false;
  const off = fake.log.on((e: HarnessEvent) => {
    if (!counting || e.type !== 'datagram' || !e.summary) return;
    if (e.direction === 'in' && e.summary.kind === 'r-u-there-ack') ours++;
    if (e.direction === 'out' && e.summary.kind === 'r-u-there-ack') theirs++;
  });
  const cpu0 = process.cpuUsage();
  const charon0 = processCpuS(pid);
  counting = true;
  const sent = await probeEverySecond(fake, up.sas, SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  counting = false;
  const harnessS = ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0));
  const charonS = processCpuS(pid) - charon0;
  off();
  const exchanges = ours + theirs;
  const us = (s: number): string => ((s * 1e6) / exchanges).toFixed(1);
  console.log(`DPD exchanges in ${SECONDS} s: ${exchanges} (${ours} of our ${sent} R-U-THEREs ACKed by charon, ${theirs} of charon's ACKed by us)`);
  console.log(`CPU: harness ${harnessS.toFixed(2)} s = ${us(harnessS)} µs per exchange; charon ${charonS.toFixed(2)} s = ${us(charonS)} µs per exchange; harness ÷ charon ${(harnessS / charonS).toFixed(2)}; load ${loadavg()[0]!.toFixed(2)}`);
} finally {
  await peer?.close();
  await lab.down();
}

/** Main Mode from every endpoint to charon, at most `window` in flight. */
async function establish(fake: FakePeer, from: Endpoint[], window: number): Promise<{ sas: string[]; failed: string[]; seconds: number }> {
  const started = Date.now();
  const waiting = new Map<string, { resolve(sa: string): void; reject(err: Error): void }>();
  const off = fake.log.on((e: HarnessEvent) => {
    if (e.type !== 'sa-state' || e.phase !== 1 || e.state === 'negotiating') return;
    const handshake = waiting.get(e.sa.slice(0, 16));
    if (!handshake) return;
    waiting.delete(e.sa.slice(0, 16));
    if (e.state === 'established') handshake.resolve(e.sa);
    else handshake.reject(new Error(`handshake ${e.sa} ended ${e.state}: ${e.detail ?? ''}`));
  });
  const sas: string[] = [];
  const failed: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < from.length) {
      const local = from[next++]!;
      try {
        sas.push(await new Promise<string>((resolve, reject) => {
          const sa = fake.initiate({ from: local, to: { address: DUT, port: 500 } });
          waiting.set(sa.slice(0, 16), { resolve, reject });
        }));
      } catch (err) {
        failed.push(`${local.address}:${local.port}: ${(err as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(window, from.length) }, lane));
  } finally {
    off();
  }
  return { sas, failed, seconds: (Date.now() - started) / 1000 };
}

/** Every SA probed once a second for `seconds` s, spread over 2 ms slices; resolves with the probes sent. */
function probeEverySecond(fake: FakePeer, sas: readonly string[], seconds: number): Promise<number> {
  const total = sas.length * seconds;
  const perSlice = Math.ceil(sas.length / (1000 / SLICE_MS));
  const start = Date.now();
  let next = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      // Slices are scheduled against the start time, so a late one does not shift the rest.
      const due = Math.min(total, Math.floor((Date.now() - start) / SLICE_MS + 1) * perSlice);
      for (; next < due; next++) fake.probe(sas[next % sas.length]!);
      if (next < total) setTimeout(tick, SLICE_MS - ((Date.now() - start) % SLICE_MS));
      else resolve(next);
    };
    tick();
  });
}
