/**
 * Helpers for the end-to-end tests: `dpd-harness run` in a child process (so
 * signals reach it exactly as from a terminal), and read-only checks of what a
 * run leaves behind: report files, tshark's view of the pcaps, lab leftovers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI from source, the way bin/dpd-harness.js runs the compiled one. */
const RUN_MAIN = fileURLToPath(new URL('../cli/fixtures/run-main.ts', import.meta.url));
export const SMOKE_SUITE = fileURLToPath(new URL('./fixtures/dpd-smoke.yaml', import.meta.url));
/** One scenario that fails on every DUT (the run's failure path). */
export const MISS_SUITE = fileURLToPath(new URL('./fixtures/dpd-smoke-miss.yaml', import.meta.url));
const STATE_DIR = '/run/dpd-harness';

export interface CliRun {
  child: ChildProcess;
  /** stdout + stderr so far, interleaved as received. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the output matches, rejects on exit or after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Ends the child if it still runs (test clean-up after a failure). */
  stop(): Promise<void>;
}

/**
 * `dpd-harness <args…>` from source. The child leads its own process group, so
 * `process.kill(-child.pid, 'SIGINT')` is what Ctrl-C on a terminal delivers.
 */
export function startCli(args: readonly string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_MAIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  return {
    child,
    output: () => text,
    exited,
    stop: async () => {
      if (done) return;
      child.kill('SIGKILL');
      await exited;
    },
    waitForOutput: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} in the run's output within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        const check = (): void => {
          if (pattern.test(text)) finish();
          else if (done) finish(new Error(`the run exited before printing ${pattern}:\n${text}`));
        };
        const finish = (err?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

export interface LabProfile {
  file: string;
  lab: string;
  psk: string;
  dutAddress: string;
  peerAddresses: string[];
  dpd: { interval: number; retry_interval: number; probes_before_dead: number; retry_seq: 'reuse' | 'increment'; delete_on_dead: boolean; tolerance: { absolute: number; relative: number } };
}

export function readLabProfile(relativeFile: string): LabProfile {
  const file = join(REPO, relativeFile);
  const doc = parse(readFileSync(file, 'utf8')) as { lab: { name: string; psk: string; dut_address: string; peer_addresses: string[] }; dpd: LabProfile['dpd'] };
  return { file, lab: doc.lab.name, psk: doc.lab.psk, dutAddress: doc.lab.dut_address, peerAddresses: doc.lab.peer_addresses, dpd: doc.dpd };
}

/** Everything a lab named `lab` could leave on this machine; empty when it is gone. */
export function labLeftovers(lab: string): string[] {
  const left: string[] = [];
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of namespaces.split('\n')) if (line.startsWith(`${lab}-`)) left.push(`namespace ${line.split(' ')[0]}`);
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  for (const m of links.matchAll(/^\d+: ([^:@\s]+)/gm)) if (m[1]!.startsWith(`${lab}-`)) left.push(`link ${m[1]}`);
  if (existsSync(join(STATE_DIR, `${lab}.json`))) left.push(`state file ${STATE_DIR}/${lab}.json`);
  // The adapters render each daemon's configuration under .cache/lab/<lab>/ and point the
  // daemon at it (charon through STRONGSWAN_CONF, pluto on its command line).
  const marker = `/.cache/lab/${lab}/`;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let identity: string;
    try {
      identity = readFileSync(`/proc/${pid}/cmdline`, 'latin1') + readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    if (identity.includes(marker)) left.push(`process ${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`);
  }
  return left;
}

export interface TimelineMessage {
  t: number;
  direction: 'in' | 'out';
  peer: { address: string; port: number };
  local: { address: string; port: number };
  exchangeType: number | null;
  kind: string;
  seq: number | null;
  messageId: string | null;
  notifyType: number | null;
}
export interface Check {
  name: string;
  expected: number | string;
  observed: number | string | null;
  tolerance: number | null;
  pass: boolean;
}
export interface ScenarioJson {
  id: string;
  title: string;
  status: string;
  reason: string | null;
  durationMs: number;
  checks: Check[];
  timeline: TimelineMessage[];
  daemonLogs: { daemon: string; lines: { t: number; line: string }[] }[];
  /** One key table per scenario: IKEv1's or IKEv2's, the other null. */
  files: { pcap: string; ikev1Keys: string | null; ikev2Keys: string | null; keyCount: number } | null;
}
export interface ResultsJson {
  schemaVersion: number;
  finishedAt: string | null;
  interrupted: boolean;
  summary: Record<string, number>;
  suites: { name: string; scenarios: ScenarioJson[] }[];
}

export function readResults(outDir: string): ResultsJson {
  return JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as ResultsJson;
}

export const scenariosOf = (results: ResultsJson): ScenarioJson[] => results.suites.flatMap((s) => s.scenarios);

/**
 * The notify message types tshark finds in a scenario's pcap, decrypted with the
 * scenario's key table passed the way the report's README.md says (unquoted hex);
 * without keys (`decrypt: false`) to show the DPD notifies are only visible decrypted.
 */
export function notifyTypesInPcap(outDir: string, files: { pcap: string; ikev1Keys: string | null }, decrypt = true): number[] {
  if (files.ikev1Keys === null) throw new Error(`${files.pcap}: no IKEv1 key table (an IKEv2 scenario)`);
  const keys = readFileSync(join(outDir, files.ikev1Keys), 'utf8').trim().split('\n');
  const options = decrypt ? keys.flatMap((line) => ['-o', `uat:ikev1_decryption_table:${line.replace(/"/g, '')}`]) : [];
  const out = execFileSync('tshark', ['-r', join(outDir, files.pcap), ...options, '-T', 'fields', '-e', 'isakmp.notify.msgtype'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  return out.split('\n').flatMap((l) => l.split(',')).filter((v) => v !== '').map(Number);
}
