/**
 * Issue 3's evidence: real strongSwan 5.9 and Libreswan 4.10 come up in the lab,
 * negotiate IKEv1 Main Mode (PSK) + Quick Mode with each other — no harness IKE
 * code involved — exchange DPD (both logs show it), list the SA, and leave
 * nothing behind. Same-kind pairs run two instances of one daemon at once. The
 * PSK has a quote and a backslash, so both daemons read it from its hex form,
 * and no daemon log (strongSwan's key log included) may contain it.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DutAdapter } from '../../src/lab/dut-adapter-types.js';
import { HarnessError } from '../../src/errors.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec } from '../../src/lab/lab-spec.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { leftovers } from './fixtures/lab-fixture.js';

async function waitForLog(adapter: DutAdapter, pattern: RegExp, timeoutMs: number): Promise<string> {
  const found = (async () => {
    for await (const { line } of adapter.logLines()) if (pattern.test(line)) return line;
    throw new Error(`log ended without ${pattern}`);
  })();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no log line ${pattern} within ${timeoutMs} ms`)), timeoutMs).unref());
  return Promise.race([found, timeout]);
}

async function waitForSa(adapter: DutAdapter, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sas = await adapter.listSas();
    if (sas.some((s) => s.ike.established && s.children.some((c) => c.installed)) || Date.now() > deadline) return sas;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Daemon processes of this lab: pluto names its work directory on the command
 * line, charon only in STRONGSWAN_CONF, so both the command line and the
 * environment are searched.
 */
function daemonsOf(workDir: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
        return /charon|pluto/.test(cmd) && (cmd.includes(workDir) || env.includes(workDir)) ? [`${pid} ${cmd}`] : [];
      } catch {
        return [];
      }
    });
}

const PSK = 'lab "daemons" test\\psk';
const PSK_HEX = Buffer.from(PSK).toString('hex');
// strongSwan dumps byte strings 16 bytes a line: `   0: 6C 61 62 …  lab "daemons" te`.
const PSK_DUMP = [PSK_HEX.slice(0, 32).toUpperCase().replace(/(..)(?!$)/g, '$1 '), PSK.slice(0, 16)];

async function allLines(adapter: DutAdapter): Promise<string[]> {
  const lines: string[] = [];
  for await (const { line } of adapter.logLines()) lines.push(line);
  return lines;
}

const leaksPsk = (lines: readonly string[]): string[] => lines.filter((l) => [PSK, PSK_HEX, ...PSK_DUMP].some((s) => l.includes(s)));

/** The DUT probes every 2 s; the peer daemon runs no DPD of its own, so every R-U-THERE in the logs is the DUT's. */
const labOf = (name: string, subnet: string, dutKind: string, peerKind: string, extra: Record<string, unknown> = {}) => {
  const [net] = subnet.split('/');
  const base = net.split('.').slice(0, 3).join('.');
  const first = Number(net.split('.')[3]);
  const proposals = { ike_proposals: ['aes128-sha256-modp2048'], esp_proposals: ['aes128-sha1-modp2048'] };
  return parseLabSpec(
    {
      name,
      kind: dutKind,
      subnet,
      dut_address: `${base}.${first + 1}`,
      peer_addresses: [`${base}.${first + 2}`],
      peer_netns: true,
      psk: PSK,
      dut: { dpd: { delay: 2, timeout: 10, action: 'clear' }, log_keys: dutKind === 'strongswan', ...proposals, ...extra },
      peer_daemon: { kind: peerKind, dpd: { delay: 0 }, ...proposals, ...extra },
    },
    { file: 'daemons.test' },
  );
};

// The prober's "sent" and the answerer's "received/answered" lines, as each daemon logs them.
const SENT = { strongswan: /sending DPD request/, libreswan: /DPD: sending R_U_THERE \d+/ };
const ACKED = { strongswan: /parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]/, libreswan: /R_U_THERE_ACK, seqno received: (\d+) expected: \1/ };
const ANSWERED = { strongswan: /generating INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]/, libreswan: /Notify Message Type: v1N_R_U_THERE_ACK/ };

describe('lab/daemons: strongSwan and Libreswan negotiate and run DPD with each other @root', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  before(function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'unshare', 'setpriv', 'swanctl', 'certutil', '/usr/lib/ipsec/charon');
  });
  afterEach(async () => {
    await lab?.down();
    lab = undefined;
  });

  for (const [dutKind, peerKind, subnet] of [
    ['strongswan', 'libreswan', '203.0.113.64/29'],
    ['libreswan', 'strongswan', '203.0.113.72/29'],
    ['strongswan', 'strongswan', '203.0.113.80/29'],
    ['libreswan', 'libreswan', '203.0.113.88/29'],
  ] as const) {
    it(`${dutKind} DUT initiates to ${peerKind}: Main Mode + Quick Mode, both list the SA, DPD answered, no PSK in logs, nothing left after down`, async () => {
      const name = `ldx${dutKind[0]}${peerKind[0]}`;
      lab = await Lab.up(labOf(name, subnet, dutKind, peerKind));
      const { dut, peerDaemon, workDir } = lab as Lab & { dut: DutAdapter; peerDaemon: DutAdapter };

      expect(daemonsOf(workDir)).to.have.length(2);
      await dut.initiate('peer1');
      const mine = await waitForSa(dut, 10_000);
      const theirs = await waitForSa(peerDaemon, 10_000);
      expect(mine.map((s) => [s.ike.established, s.ike.peer, s.children.some((c) => c.installed)])).to.deep.equal([[true, lab.spec.peerAddresses[0], true]]);
      expect(theirs.map((s) => [s.ike.established, s.ike.peer, s.children.some((c) => c.installed)])).to.deep.equal([[true, lab.spec.dutAddress, true]]);
      // One SA pair seen from both ends: my inbound SPI is their outbound one.
      const spis = (sas: typeof mine) => sas[0].children.find((c) => c.installed)?.spis ?? [];
      expect(spis(mine)).to.have.length(2).and.deep.equal([...spis(theirs)].reverse());

      // The DUT probes every 2 s; the other side answers and the DUT accepts the ACK.
      expect(await waitForLog(dut, SENT[dutKind], 8_000)).to.match(SENT[dutKind]);
      expect(await waitForLog(peerDaemon, ANSWERED[peerKind], 8_000)).to.match(ANSWERED[peerKind]);
      expect(await waitForLog(dut, ACKED[dutKind], 8_000)).to.match(ACKED[dutKind]);
      expect(await waitForSa(dut, 1_000)).to.have.length(1);
      if (dutKind === 'strongswan') {
        const keyLog = readFileSync(join(workDir, 'dut', 'charon-keys.log'), 'utf8').split('\n');
        expect(keyLog.some((l) => l.includes('SKEYID'))).to.equal(true);
        expect(leaksPsk(keyLog)).to.deep.equal([]);
      }

      await lab.down();
      lab = undefined;
      const logs = [...(await allLines(dut)), ...(await allLines(peerDaemon))];
      expect(logs.some((l) => SENT[dutKind].test(l))).to.equal(true);
      expect(leaksPsk(logs)).to.deep.equal([]);
      expect(leftovers(name)).to.deep.equal([]);
      expect(daemonsOf(workDir)).to.deep.equal([]);
    });
  }

  it('SIGSTOPped daemons: every control call fails with ERR_LAB_TIMEOUT after control_timeout, down() still removes everything', async () => {
    const name = 'ldxst';
    lab = await Lab.up(labOf(name, '203.0.113.96/29', 'libreswan', 'strongswan', { control_timeout: 3 }));
    const { dut, peerDaemon, workDir } = lab as Lab & { dut: DutAdapter; peerDaemon: DutAdapter };
    const groups = lab.status().daemons.map((d) => d.pid);
    expect(groups).to.have.length(2);
    expect(daemonsOf(workDir)).to.have.length(2);
    // Each daemon is its own process group: this stops the daemon whatever wrapper started it.
    for (const pid of groups) process.kill(-pid, 'SIGSTOP');

    for (const adapter of [dut, peerDaemon]) {
      const started = performance.now();
      const err: unknown = await adapter.listSas().then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsedMs = performance.now() - started;
      expect(err, adapter.kind).to.be.instanceOf(HarnessError).with.property('code', 'ERR_LAB_TIMEOUT');
      expect(elapsedMs, adapter.kind).to.be.within(3000, 12_000); // below the 15 s default: the profile's bound applied
    }

    await lab.down();
    lab = undefined;
    expect(leftovers(name)).to.deep.equal([]);
    expect(daemonsOf(workDir)).to.deep.equal([]);
  });
});
