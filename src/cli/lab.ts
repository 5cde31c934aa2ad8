/**
 * `dpd-harness lab up|status|down`: real DUTs in network namespaces by hand.
 *   lab up --profile <file> [--no-daemons] [--foreground | --follow]   build the lab, print where
 *       everything is, and return, leaving a detached owner process that holds it until `lab down`;
 *       --foreground stays the owner itself until Ctrl-C; --follow also prints daemon log lines
 *   lab status [--name <lab> | --profile <file>] [--json]   (no name: every lab with state on this machine)
 *   lab down   [--name <lab> | --profile <file>]   idempotent (no name: every lab)
 * Every failure is a typed error; main.ts turns ERR_LAB_* / ERR_CONFIG_* into exit code 2.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { ConfigError, LabError, UsageError, EXIT } from '../errors.js';
import { DEFAULT_CACHE_DIR, downByName, Lab, readLabStatus, requireRootUser, type LabStatus } from '../lab/lab.js';
import { assertFree, DEFAULT_STATE_DIR, readState } from '../lab/lab-state.js';
import { systemClock } from '../peer/system-clock.js';
import { LAB } from './commands.js';
import { parseCommandArgs } from './option-table.js';
import { labSelectorsOf } from '../lab/daemon-selectors.js';
import { DEFAULT_LAB_NAME, LAB_NAME, parseLabSpec, type FieldPath, type LabSpec } from '../lab/lab-spec.js';
import { requirePackages } from '../lab/daemon-package.js';

const DATA_PLANE_NOTES: Partial<Record<string, string>> = {
  emulated: ' (kernel without ESP: SA installs acknowledged by the shim, no ESP traffic)',
  'kernel-libipsec': " (strongSwan's userspace ESP over a TUN device, UDP-encapsulated on 4500)",
};

interface Flags {
  profile?: string;
  name?: string;
  json: boolean;
  daemons: boolean;
  follow: boolean;
  foreground: boolean;
}

function parseFlags(sub: string, args: string[]): Flags {
  const parsed = parseCommandArgs(LAB, args);
  if (parsed.positionals.length > 0) throw new UsageError(`lab ${sub}: unexpected argument '${parsed.positionals[0]}'; see 'dpd-harness lab --help'`);
  const [profile, name] = [parsed.string('profile'), parsed.string('name')];
  const follow = parsed.flag('follow');
  return {
    ...(profile === undefined ? {} : { profile }),
    ...(name === undefined ? {} : { name }),
    json: parsed.flag('json'),
    daemons: !parsed.flag('no-daemons'),
    follow,
    foreground: follow || parsed.flag('foreground'),
  };
}

/** Reads the `lab:` section of a profile through parseLabSpec, with file:line:col on every error. */
export function loadLabSpecFromProfile(file: string): LabSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read profile ${file}: ${(err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lines = text.split('\n');
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col, excerpt: lines[line - 1] ?? '' };
  };
  const syntax = doc.errors[0];
  if (syntax) throw new ConfigError('ERR_CONFIG_SYNTAX', { file, ...at(syntax.pos[0]) }, syntax.message.split('\n')[0]);
  const locate = (path: FieldPath) => {
    // The field itself, or its nearest existing parent when the field is missing.
    for (let n = path.length; n >= 0; n--) {
      const node = (doc as Document).getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return undefined;
  };
  const lab = doc.get('lab', true);
  if (!isNode(lab)) throw new ConfigError('ERR_CONFIG_SCHEMA', { file, line: 1, col: 1 }, 'lab: missing (the lab section describes the DUT topology)');
  const js = doc.toJS() as { lab: unknown; ike?: { version?: 1 | 2; traffic_selectors?: Parameters<typeof labSelectorsOf>[0] } };
  // The same selectors `run` renders (load-profile.ts), so a lab brought up by hand matches the profile's fake peer.
  return { ...parseLabSpec(js.lab, { file, locate, base: ['lab'] }), trafficSelectors: labSelectorsOf(js.ike?.traffic_selectors ?? []), ikeVersion: js.ike?.version ?? 1 };
}

function labName(flags: Flags): string {
  const name = flags.name ?? (flags.profile ? loadLabSpecFromProfile(flags.profile).name : DEFAULT_LAB_NAME);
  if (!LAB_NAME.test(name)) throw new UsageError(`bad lab name '${name}': 1-10 lowercase letters or digits, starting with a letter`);
  return name;
}

/** status/down without --name or --profile mean every lab this machine has state for (profiles name their labs). */
function labNamesFor(flags: Flags): string[] {
  if (flags.name || flags.profile) return [labName(flags)];
  const recorded = existsSync(DEFAULT_STATE_DIR)
    ? readdirSync(DEFAULT_STATE_DIR)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
        .filter((n) => LAB_NAME.test(n))
    : [];
  return recorded.length > 0 ? recorded.sort() : [DEFAULT_LAB_NAME];
}

export function formatStatus(s: LabStatus): string {
  if (s.status === 'down') return `lab ${s.lab}: down\n`;
  const owner = s.status === 'stale' ? `owner pid ${s.owner} died; 'dpd-harness lab down --name ${s.lab}' removes what it left` : `owner pid ${s.owner}`;
  const out = [`lab ${s.lab}: ${s.status} (${owner})`];
  if (s.dataPlane) out.push(`  data plane     ${s.dataPlane}${DATA_PLANE_NOTES[s.dataPlane] ?? ''}`);
  if (s.dut) out.push(`  DUT            ${s.dut.kind} in netns ${s.dut.netns}, address ${s.dut.address} (subnet ${s.subnet})`);
  if (s.peerBind) out.push(`  peer bind      ${s.peerBind.addresses.join(', ')} in ${s.peerBind.netns ? `netns ${s.peerBind.netns}` : 'the root namespace'}`);
  out.push(`  namespaces     ${s.namespaces.join(', ')}`);
  if (s.rootLinks.length > 0) out.push(`  root links     ${s.rootLinks.join(', ')}`);
  for (const d of s.daemons) out.push(`  daemon         ${d.name} pid ${d.pid}${d.running ? '' : ' (exited)'}`);
  for (const [role, where] of Object.entries(s.where)) {
    for (const [what, path] of Object.entries(where)) out.push(`  ${`${role} ${what}`.padEnd(14)} ${path}`);
  }
  if (s.workDir) out.push(`  work dir       ${s.workDir}`);
  out.push(`  state file     ${s.stateFile}`);
  return `${out.join('\n')}\n`;
}

async function up(flags: Flags, args: string[]): Promise<number> {
  if (!flags.profile) throw new UsageError("lab up needs --profile <file>; see 'dpd-harness lab --help'");
  const spec = loadLabSpecFromProfile(flags.profile);
  requireRootUser();
  // Here too, not only in Lab.up: a detached lab up would report it only in its log.
  requirePackages(spec, DEFAULT_CACHE_DIR);
  if (!flags.foreground) return upDetached(spec.name, args);
  const lab = await Lab.up(spec, { daemons: flags.daemons, progress: (l) => process.stderr.write(`lab: ${l}\n`) });
  process.stdout.write(formatStatus(lab.status()));
  process.stdout.write(`lab ${spec.name} is up. Ctrl-C here, or 'dpd-harness lab down --name ${spec.name}' elsewhere, removes it.\n`);
  if (flags.follow) {
    for (const [role, adapter] of [['dut', lab.dut], ['peer', lab.peerDaemon]] as const) {
      if (!adapter) continue;
      void (async () => {
        for await (const l of adapter.logLines()) process.stdout.write(`[${role}] ${l.line}\n`);
      })();
    }
  }
  // Stay the owner until a signal: the exit guard then runs down() and ends the process.
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
  return EXIT.OK;
}

/** How long a detached `lab up` waits for its owner process to report the lab up (daemons included). */
const DETACHED_START_LIMIT_MS = 180_000;

/**
 * `lab up` without --foreground: the same command runs again with --foreground as a
 * detached owner process (its output in .cache/lab/<lab>.owner.log), and this one
 * returns once the state file says the lab is up, so `lab status` / `lab down` can
 * follow in the same shell.
 */
async function upDetached(name: string, args: string[]): Promise<number> {
  // Checked here too, so a refused start does not truncate the running owner's log.
  assertFree(DEFAULT_STATE_DIR, name);
  const logFile = join(DEFAULT_CACHE_DIR, 'lab', `${name}.owner.log`);
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  const fd = openSync(logFile, 'w', 0o600);
  const entry = process.argv[1];
  const owner = spawn(process.execPath, [...process.execArgv, entry, 'lab', 'up', ...args, '--foreground'], {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exitCode: number | undefined;
  owner.on('exit', (code) => (exitCode = code ?? EXIT.FAILED));
  const sleep = () => new Promise<void>((r) => systemClock.setTimeout(r, 100));
  const deadline = systemClock.now() + BigInt(DETACHED_START_LIMIT_MS) * 1_000_000n;
  for (;;) {
    const state = readState(DEFAULT_STATE_DIR, name);
    if (state?.status === 'up' && state.owner.pid === owner.pid) {
      owner.unref();
      process.stdout.write(formatStatus(readLabStatus(name)));
      process.stdout.write(`  owner log      ${logFile}\nlab ${name} is up. 'dpd-harness lab down --name ${name}' removes it.\n`);
      return EXIT.OK;
    }
    if (exitCode !== undefined) {
      // The owner already said what went wrong (dpd-harness: ERR_…): pass it on with its exit code.
      const said = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('dpd-harness: ')).join('\n');
      process.stderr.write(said ? `${said}\n` : `dpd-harness: lab up failed; see ${logFile}\n`);
      return exitCode;
    }
    if (systemClock.now() > deadline) {
      owner.kill('SIGTERM');
      throw new LabError('ERR_LAB_TIMEOUT', `lab ${name} was not up after ${DETACHED_START_LIMIT_MS / 1000} s; see ${logFile}`);
    }
    await sleep();
  }
}

export async function labCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || !LAB.subcommands!.includes(sub)) {
    throw new UsageError(`${sub === undefined ? 'lab: which one?' : `unknown lab command '${sub}':`} dpd-harness lab ${LAB.subcommands!.join('|')}; see 'dpd-harness lab --help'`);
  }
  const flags = parseFlags(sub, rest);
  if (sub === 'up') return up(flags, rest);
  if (sub === 'status') {
    const all = labNamesFor(flags).map((name) => readLabStatus(name));
    process.stdout.write(flags.json ? `${JSON.stringify(flags.name || flags.profile ? all[0] : all, null, 2)}\n` : all.map(formatStatus).join(''));
    return EXIT.OK;
  }
  const names = labNamesFor(flags);
  requireRootUser();
  for (const name of names) {
    const removed = await downByName(name);
    process.stdout.write(removed ? `lab ${name}: removed\n` : `lab ${name}: nothing to remove\n`);
  }
  return EXIT.OK;
}
