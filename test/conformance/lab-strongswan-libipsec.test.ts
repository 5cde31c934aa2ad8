/**
 * suites/traffic.yaml and suites/nat-t.yaml against strongSwan 5.9.8 with kernel-libipsec in lab
 * dpdsli (profiles/strongswan-libipsec.yaml: real ESP in userspace, always in UDP 4500; dpd_delay
 * 2 s, dpd_timeout 6 s). Measured 2026-12-07: 7 passed, 3 skipped by `requires:` (on-demand mode,
 * keepalives counted as liveness); about 1 min. The evidence reads each scenario's pcap with
 * tshark, decrypting ESP with the report's esp_sa key file (docs/results-format.md).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDut } from '../e2e/lab-duts.js';
import { readLabProfile, type ScenarioJson } from '../e2e/cli-run.js';
import { describeLabConformance, type Status } from './lab-conformance.js';
import type { FullRun } from './full-run.js';

const DUT: LabDut = {
  name: 'strongSwan (kernel-libipsec)',
  profile: 'profiles/strongswan-libipsec.yaml',
  commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl', '/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so', 'ping', 'tshark'],
};
const { dpd } = readLabProfile(DUT.profile);
const DUT_ADDRESS = readLabProfile(DUT.profile).dutAddress;
const R_U_THERE = 36136;

const PASSED = [
  'nat-t/dead-over-udp-4500',
  'nat-t/dpd-across-nat-rebinding',
  'nat-t/dpd-over-udp-4500',
  'nat-t/keepalives-are-not-liveness',
  'traffic/dead-while-traffic-one-way',
  'traffic/dpd-over-udp-4500-with-traffic',
  'traffic/inbound-esp-suppresses-idle-dpd',
];
const SKIPPED = [
  // charon's DPD is idle-mode (profile dpd.mode), and it does not count NAT-keepalives.
  'nat-t/keepalives-are-liveness',
  'traffic/inbound-esp-suppresses-on-demand-dpd',
  'traffic/on-demand-outbound-only',
];

type EspScenario = ScenarioJson & {
  esp: { sent: number; received: number; replies: number; requests: number; replayDropped: number; authFailed: number } | null;
  files: { pcap: string; ikev1Keys: string; espKeys: string | null } | null;
};

/** One datagram of a pcap as tshark decodes it with the IKE and ESP keys; t in s from the first packet. */
interface WirePacket {
  t: number;
  fromDut: boolean;
  espSeq?: number;
  icvGood?: boolean;
  icmpType?: number;
  notify?: number;
  keepalive: boolean;
}

function onWire(run: FullRun, s: EspScenario): WirePacket[] {
  const dir = run.outDir;
  const keys = readFileSync(join(dir, s.files!.ikev1Keys), 'utf8').trim().split('\n').flatMap((l) => ['-o', `uat:ikev1_decryption_table:${l.replace(/"/g, '')}`]);
  const esp = s.files!.espKeys ? readFileSync(join(dir, s.files!.espKeys), 'utf8').trim().split('\n').flatMap((l) => ['-o', `uat:esp_sa:${l}`]) : [];
  const out = execFileSync('tshark', [
    '-r', join(dir, s.files!.pcap), ...keys, '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE', ...esp,
    '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'esp.sequence', '-e', 'esp.icv_good', '-e', 'icmp.type', '-e', 'isakmp.notify.msgtype', '-e', 'udp.length',
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  return out.trim().split('\n').filter((l) => l !== '').map((l) => {
    const [t, src, seq, good, icmp, notify, udpLength] = l.split('|');
    return {
      t: Number(t),
      fromDut: src!.split(',')[0] === DUT_ADDRESS,
      ...(seq ? { espSeq: Number(seq), icvGood: good === '1' } : {}),
      ...(icmp ? { icmpType: Number(icmp.split(',').at(-1)) } : {}),
      ...(notify ? { notify: Number(notify.split(',')[0]) } : {}),
      // RFC 3948 §2.3: a NAT-keepalive is a UDP datagram of one 0xFF byte.
      keepalive: udpLength === '9',
    };
  });
}

describeLabConformance({
  dut: DUT,
  suites: ['suites/traffic.yaml', 'suites/nat-t.yaml'],
  statuses: Object.fromEntries([...PASSED.map((id) => [id, 'passed' as Status]), ...SKIPPED.map((id) => [id, 'skipped' as Status])]),
  timeoutMs: 150_000,
  evidence(run) {
    const scenario = (id: string): EspScenario => run().byId.get(id) as EspScenario;
    const tol = dpd.tolerance.absolute;

    it('reports the kernel-libipsec data plane', () => {
      expect((run().results as unknown as { dataPlane: string }).dataPlane).to.equal('kernel-libipsec');
      expect(readFileSync(join(run().outDir, 'README.md'), 'utf8')).to.include('data plane: kernel-libipsec');
    });

    it('inbound ESP suppresses charon’s DPD; R-U-THERE comes dpd_delay after the last inbound ESP (tshark, ICV good)', () => {
      const s = scenario('traffic/inbound-esp-suppresses-idle-dpd');
      const wire = onWire(run(), s);
      const fromPeer = wire.filter((p) => p.espSeq !== undefined && !p.fromDut);
      const fromDut = wire.filter((p) => p.espSeq !== undefined && p.fromDut);
      expect(fromPeer.length, 'ESP from the fake peer').to.equal(s.esp!.sent).and.greaterThan(20);
      expect(fromDut.length, 'ESP from charon').to.equal(s.esp!.received).and.equal(s.esp!.replies);
      expect([...fromPeer, ...fromDut].filter((p) => !p.icvGood)).to.deep.equal([]);
      expect(new Set(fromPeer.map((p) => p.icmpType)), 'echo requests').to.deep.equal(new Set([8]));
      expect(new Set(fromDut.map((p) => p.icmpType)), 'echo replies').to.deep.equal(new Set([0]));
      expect(fromPeer.map((p) => p.espSeq)).to.deep.equal(fromPeer.map((_, i) => i + 1));
      const lastInbound = fromPeer.at(-1)!.t;
      const probes = wire.filter((p) => p.fromDut && p.notify === R_U_THERE);
      expect(probes.filter((p) => p.t <= lastInbound), 'R-U-THERE while ESP came in').to.deep.equal([]);
      expect(probes[0]!.t - lastInbound, 'first R-U-THERE after the last inbound ESP').to.be.closeTo(dpd.interval, tol);
    });

    it('outbound ESP alone does not: R-U-THERE dpd_delay after the last inbound IKE while the DUT’s echo requests flow', () => {
      const s = scenario('traffic/dpd-over-udp-4500-with-traffic');
      const wire = onWire(run(), s);
      const dutEsp = wire.filter((p) => p.espSeq !== undefined && p.fromDut);
      expect(dutEsp.length).to.equal(s.esp!.requests).and.greaterThanOrEqual(3);
      expect(dutEsp.every((p) => p.icvGood && p.icmpType === 8)).to.equal(true);
      expect(wire.filter((p) => p.espSeq !== undefined && !p.fromDut), 'no ESP from the peer (ignore_echo)').to.deep.equal([]);
      const probe = wire.find((p) => p.fromDut && p.notify === R_U_THERE)!;
      expect(dutEsp.some((p) => p.t < probe.t)).to.equal(true);
      const lastInboundIke = wire.filter((p) => !p.fromDut && p.espSeq === undefined && p.t < probe.t).at(-1)!.t;
      expect(probe.t - lastInboundIke).to.be.closeTo(dpd.interval, tol);
    });

    it('a silent peer is dead on time while charon keeps sending ESP', () => {
      const s = scenario('traffic/dead-while-traffic-one-way');
      const wire = onWire(run(), s);
      const dutEsp = wire.filter((p) => p.espSeq !== undefined && p.fromDut);
      expect(dutEsp.length).to.equal(s.esp!.requests).and.greaterThanOrEqual(8);
      expect(dutEsp.every((p) => p.icvGood)).to.equal(true);
      const probes = wire.filter((p) => p.fromDut && p.notify === R_U_THERE);
      expect(probes).to.have.length(dpd.probes_before_dead);
      expect(probes[1]!.t - probes[0]!.t).to.be.closeTo(dpd.retry_interval, tol);
      const gone = s.checks.find((c) => c.name.startsWith('SA gone'))!;
      expect(gone.observed as number).to.be.closeTo(4, 0.6);
    });

    it('NAT-keepalives are not liveness: dead 4 s after the first unanswered probe, as without them', () => {
      const s = scenario('nat-t/keepalives-are-not-liveness');
      const wire = onWire(run(), s);
      const first = wire.find((p) => p.fromDut && p.notify === R_U_THERE)!;
      expect(wire.filter((p) => p.keepalive && !p.fromDut && p.t > first.t).length).to.be.greaterThanOrEqual(3);
      for (const id of ['nat-t/keepalives-are-not-liveness', 'nat-t/dead-over-udp-4500']) {
        const gone = scenario(id).checks.find((c) => c.name.startsWith('SA gone'))!;
        expect(gone.observed as number, id).to.be.closeTo(4, 0.6);
      }
    });

    it('after a NAT rebinding charon’s R-U-THEREs go to the new port', () => {
      const s = scenario('nat-t/dpd-across-nat-rebinding');
      const probes = s.timeline.filter((m) => m.direction === 'in' && m.kind === 'r-u-there');
      expect(probes.length).to.be.greaterThanOrEqual(2);
      expect(new Set(probes.map((m) => m.local.port)).has(4500), 'a probe to the old port').to.equal(false);
    });
  },
});
