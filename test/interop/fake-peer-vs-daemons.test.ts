/**
 * The evidence that the fake peer's packets are real IKEv1: the harness's own
 * engine, on UDP/500 in this process, against strongSwan 5.9 (charon) and
 * Libreswan 4.10 (pluto) running as lab DUTs in a network namespace. For each
 * daemon and two proposal sets: Main Mode + Quick Mode with the peer as
 * initiator and as responder, DPD both ways (the DUT's probes answered and the
 * peer's probes echoed), and Delete both ways, checked on the wire (the peer's
 * event stream), in the DUT's status and in the DUT's log.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatagramEvent, HarnessEvent } from '../../src/events.js';
import { IkeEngine, type EspProposal, type Phase1Proposal } from '../../src/ike/index.js';
import type { DutAdapter, SaListing } from '../../src/lab/dut-adapter-types.js';
import { Lab } from '../../src/lab/lab.js';
import { parseLabSpec, type DutKind } from '../../src/lab/lab-spec.js';
import { FakePeer, sameSa } from '../../src/peer/fake-peer.js';
import { ikev1Keys, tsharkKeyArguments } from '../../src/report/ikev1-key-table.js';
import { datagramFromEvent, pcapFile } from '../../src/report/pcap-writer.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { systemRandom } from '../../src/peer/system-random.js';
import { quickModeSelector } from '../../src/target/engine-config.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const PSK = 'fpx-interop-psk';
const DPD_DELAY_S = 2;
const DPD_TIMEOUT_S = 6;

interface ProposalSet {
  /** IKE proposal in the lab's (strongSwan's) syntax. */
  name: string;
  ike: Phase1Proposal;
  /** ESP proposal in the same syntax; its group is the PFS group. */
  espName: string;
  esp: EspProposal;
}

// Every set with PFS in MODP2048: the lab renders one pfs= switch for Libreswan, which proposes and expects PFS.
const PROPOSAL_SETS: ProposalSet[] = [
  {
    name: 'aes128-sha1-modp2048',
    ike: { cipher: 'aes-cbc', keyLength: 16, hash: 'sha1', group: 14, lifetimeSeconds: 3600 },
    espName: 'aes128-sha1-modp2048',
    esp: { cipher: 'aes-cbc', keyLength: 16, integrity: 'sha1', pfsGroup: 14, lifetimeSeconds: 1200 },
  },
  {
    name: 'aes256-sha256-modp2048',
    ike: { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 14, lifetimeSeconds: 3600 },
    espName: 'aes256-sha256-modp2048',
    esp: { cipher: 'aes-cbc', keyLength: 32, integrity: 'sha256', pfsGroup: 14, lifetimeSeconds: 1200 },
  },
  {
    // ECP256 (RFC 5903) for phase 1: KE is x‖y without the 0x04 point prefix.
    name: 'aes256-sha256-ecp256',
    ike: { cipher: 'aes-cbc', keyLength: 32, hash: 'sha256', group: 19, lifetimeSeconds: 3600 },
    espName: 'aes256-sha256-modp2048',
    esp: { cipher: 'aes-cbc', keyLength: 32, integrity: 'sha256', pfsGroup: 14, lifetimeSeconds: 1200 },
  },
];

interface DaemonCase {
  kind: DutKind;
  lab: string;
  /** Link subnet /28 and inner /29s, all inside this engineer's 198.51.100.0/25. */
  net: string;
  dutSubnet: string;
  peerSubnet: string;
  /** The DUT's log line that shows it took our R-U-THERE-ACK as the answer to its probe. */
  ackLogged: RegExp;
  /** Log lines that would show it refused an ACK or gave up on us. */
  refusedLogged: RegExp;
}

const DAEMONS: DaemonCase[] = [
  {
    kind: 'strongswan',
    lab: 'fpxss',
    net: '198.51.100.96',
    dutSubnet: '198.51.100.112/29',
    peerSubnet: '198.51.100.120/29',
    // charon: message.c logs every parsed message (ENC level 1); a mismatching seq would log "invalid DPD sequence number".
    ackLogged: /parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]/,
    refusedLogged: /DPD check timed out|invalid DPD sequence number/,
  },
  {
    kind: 'libreswan',
    lab: 'fpxls',
    net: '198.51.100.32',
    dutSubnet: '198.51.100.48/29',
    peerSubnet: '198.51.100.56/29',
    // pluto (plutodebug=base): ikev1_dpd.c compares the echoed seq with the one it sent.
    ackLogged: /DPD: R_U_THERE_ACK, seqno received: (\d+) expected: \1 /,
    refusedLogged: /DPD action|unexpected R_U_THERE_ACK|seqno received: (\d+) expected: (?!\1 )/,
  },
];

const host = (base: string, n: number): string => base.replace(/\d+$/, (last) => String(Number(last) + n));
async function poll(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const isDatagram = (e: HarnessEvent): e is DatagramEvent => e.type === 'datagram';

for (const daemon of DAEMONS) {
  describe(`interop: fake peer vs ${daemon.kind} DUT in the lab @root`, function () {
    this.timeout(60_000);
    let lab: Lab;
    let dut: DutAdapter;
    const logLines: string[] = [];
    const dutAddress = host(daemon.net, 1);

    before(async function () {
      requireRoot(this);
      requireCommands(this, 'ip', 'unshare', 'tshark', ...(daemon.kind === 'strongswan' ? ['/usr/lib/ipsec/charon', 'swanctl'] : ['certutil']));
      const spec = parseLabSpec(
        {
          name: daemon.lab,
          kind: daemon.kind,
          subnet: `${daemon.net}/28`,
          dut_address: dutAddress,
          peer_addresses: PROPOSAL_SETS.map((_, i) => host(daemon.net, 2 + i)),
          dut_subnets: [daemon.dutSubnet],
          peer_subnets: [daemon.peerSubnet],
          psk: PSK,
          dut: {
            ike_proposals: PROPOSAL_SETS.map((p) => p.name),
            esp_proposals: [...new Set(PROPOSAL_SETS.map((p) => p.espName))],
            dpd: { delay: DPD_DELAY_S, timeout: DPD_TIMEOUT_S, action: 'clear' },
            retransmit: { tries: 2, timeout: 2.0, base: 1.5 },
          },
        },
        { file: 'test/interop/fake-peer-vs-daemons.test.ts' },
      );
      lab = await Lab.up(spec);
      dut = lab.dut as DutAdapter;
      void (async () => {
        for await (const l of dut.logLines()) logLines.push(l.line);
      })();
    });

    after(async () => {
      await lab?.down();
    });

    afterEach(function () {
      // A failure is debugged from the DUT's side of the story.
      if (this.currentTest?.state === 'failed') console.log(`--- ${daemon.kind} log (last 60 lines)\n${logLines.slice(-60).join('\n')}`);
    });

    PROPOSAL_SETS.forEach((set, index) => {
      describe(`proposal set ${set.name}`, () => {
        let peer: FakePeer;
        const peerAddress = (): string => lab.peerBind.addresses[index];
        const conn = `peer${index + 1}`;
        const dutEndpoint = { address: dutAddress, port: 500 };
        const listed = async (): Promise<SaListing | undefined> => (await dut.listSas()).find((s) => s.conn === conn && s.ike.established);

        before(async () => {
          peer = await FakePeer.start({
            bind: [{ address: peerAddress(), port: 500 }],
            clock: systemClock,
            createEngine: (hooks) =>
              new IkeEngine(
                {
                  random: systemRandom,
                  psk: (remote) => (remote.address === dutAddress ? new TextEncoder().encode(PSK) : undefined),
                  proposals: [set.ike],
                  espProposals: [set.esp],
                  trafficSelectors: [quickModeSelector({ local: daemon.peerSubnet, remote: daemon.dutSubnet })],
                  retransmitMs: [1000, 2000, 4000],
                },
                hooks,
              ),
          });
        });

        after(async () => {
          await peer?.close();
        });

        let sa: string;

        it('the peer initiates Main Mode + Quick Mode and the DUT lists the SA', async () => {
          const started = systemClock.now();
          sa = peer.initiate({ from: { address: peerAddress(), port: 500 }, to: dutEndpoint, quickMode: true });
          await peer.waitForSaState({ sa, phase: 2, state: 'established' }, 15_000, started);
          await poll(`${daemon.kind} lists ${conn} with an installed child SA`, 10_000, async () => (await listed())?.children.some((c) => c.installed) ?? false);
          const rejected = peer.log.datagrams().filter((d) => d.rejected);
          expect(rejected, 'datagrams the engine refused').to.deep.equal([]);
        });

        it("answers the DUT's R-U-THEREs with the echoed sequence number, and the DUT logs them as answered, not timed out", async () => {
          const since = systemClock.now();
          const logFrom = logLines.length;
          // Long enough for the DUT to have declared us dead (dpd_timeout) had any ACK gone missing.
          await new Promise((r) => setTimeout(r, (DPD_TIMEOUT_S + 1) * 1000));
          const ours = peer.log.datagrams().filter((d) => d.t >= since);
          const probes = ours.filter((d) => d.direction === 'in' && d.summary?.kind === 'r-u-there');
          const acks = ours.filter((d) => d.direction === 'out' && d.summary?.kind === 'r-u-there-ack');
          expect(probes.length, 'R-U-THEREs from the DUT').to.be.at.least(2);
          expect(acks.map((a) => a.summary?.seq)).to.deep.equal(probes.map((p) => p.summary?.seq));
          // The log is read by tailing a file: give the last lines a moment to arrive.
          const logged = (): number => logLines.slice(logFrom).filter((l) => daemon.ackLogged.test(l)).length;
          await poll(`${probes.length} ACKs in the ${daemon.kind} log`, 5000, () => logged() >= probes.length).catch(() => undefined);
          expect(logged(), 'ACKs taken as answers in the DUT log').to.be.at.least(probes.length);
          expect(logLines.slice(logFrom).filter((l) => daemon.refusedLogged.test(l)), 'refused ACKs or DPD death in the DUT log').to.deep.equal([]);
          expect(await listed(), 'SA still listed').to.not.equal(undefined);
        });

        it("the DUT answers the peer's R-U-THERE with the same sequence number", async () => {
          const since = systemClock.now();
          peer.probe(sa);
          const sent = ((await peer.log.waitFor((e) => isDatagram(e) && e.direction === 'out' && e.summary?.kind === 'r-u-there', { clock: systemClock, timeoutMs: 2000, since })) as DatagramEvent).summary;
          const ack = (await peer.log.waitFor((e) => isDatagram(e) && e.direction === 'in' && e.summary?.kind === 'r-u-there-ack', { clock: systemClock, timeoutMs: 5000, since })) as DatagramEvent;
          expect(ack.summary?.seq).to.equal(sent?.seq);
          expect(ack.rejected).to.equal(undefined);
        });

        it('Wireshark decrypts the DPD exchange with the key table from the sa-keys events', async () => {
          const mine = peer.log.events.filter((e) => (e.type === 'datagram' || e.type === 'sa-keys') && e.sa !== undefined && sameSa(e.sa, sa));
          const dpd = mine.filter((e): e is DatagramEvent => isDatagram(e) && (e.summary?.kind === 'r-u-there' || e.summary?.kind === 'r-u-there-ack'));
          const dir = mkdtempSync(join(tmpdir(), 'fpx-pcap-'));
          try {
            const pcap = join(dir, 'dpd.pcap');
            writeFileSync(pcap, pcapFile(mine.filter(isDatagram).map((d) => datagramFromEvent(d, (t) => t))));
            const fields = execFileSync(
              'tshark',
              ['-r', pcap, ...tsharkKeyArguments(ikev1Keys({ events: mine })), '-Y', 'isakmp.notify.msgtype == 36136 || isakmp.notify.msgtype == 36137', '-T', 'fields', '-e', 'isakmp.notify.msgtype', '-e', 'isakmp.notify.data.dpd.are_you_there', '-e', 'isakmp.notify.data.dpd.are_you_there_ack'],
              { timeout: 30_000 },
            ).toString();
            const decoded = fields.trim().split('\n').map((line) => {
              const [type, seq, ackSeq] = line.split('\t');
              return [Number(type) === 36136 ? 'r-u-there' : 'r-u-there-ack', Number(seq || ackSeq)];
            });
            expect(decoded).to.deep.equal(dpd.map((d) => [d.summary?.kind, d.summary?.seq]));
            expect(decoded.length).to.be.at.least(4);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });

        it("a Delete from the peer makes the SA disappear from the DUT's status", async () => {
          peer.deleteSa(sa, 'ipsec');
          peer.deleteSa(sa, 'isakmp');
          await poll(`${daemon.kind} no longer lists ${conn}`, 10_000, async () => (await listed()) === undefined);
        });

        it('the DUT initiates, the peer completes Main Mode + Quick Mode as responder and answers its DPD', async () => {
          const since = systemClock.now();
          await dut.initiate(conn);
          const up = await peer.waitForSaState({ remoteAddress: dutAddress, phase: 2, state: 'established' }, 15_000, since);
          sa = up.sa;
          await poll(`${daemon.kind} lists ${conn}`, 10_000, async () => (await listed()) !== undefined);
          const probe = (await peer.log.waitFor((e) => isDatagram(e) && e.direction === 'in' && e.summary?.kind === 'r-u-there' && e.sa === sa, { clock: systemClock, timeoutMs: (DPD_DELAY_S + 3) * 1000, since })) as DatagramEvent;
          const ack = (await peer.log.waitFor((e) => isDatagram(e) && e.direction === 'out' && e.summary?.kind === 'r-u-there-ack' && e.sa === sa, { clock: systemClock, timeoutMs: 2000, since: probe.t })) as DatagramEvent;
          expect(ack.summary?.seq).to.equal(probe.summary?.seq);
        });

        it('a Delete from the DUT is recognised by the peer', async () => {
          const since = systemClock.now();
          await dut.terminate(conn);
          const del = (await peer.log.waitFor((e) => isDatagram(e) && e.direction === 'in' && e.summary?.kind === 'delete' && e.sa === sa, { clock: systemClock, timeoutMs: 10_000, since })) as DatagramEvent;
          expect(del.rejected).to.equal(undefined);
          await peer.waitForSaState({ sa, phase: 1, state: 'deleted' }, 10_000, since);
        });
      });
    });
  });
}
