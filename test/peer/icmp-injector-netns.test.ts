/**
 * The ICMP injector against a real Linux stack: a client in namespace icx-a
 * (the DUT) sends to UDP/500 of the root namespace (the fake peer), the
 * injector answers with Destination Unreachable, tshark inside the namespace
 * decodes what arrived, and the client's connected socket shows whether the
 * kernel accepted the error as belonging to it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoint } from '../../src/events.js';
import { IcmpInjector, type IcmpSent } from '../../src/peer/icmp-injector.js';
import { RawCapture, type CapturedUdp } from '../../src/peer/raw-capture.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { UdpTransport, type Datagram } from '../../src/peer/udp-transport.js';
import { EXCHANGE_TYPES, encodeMessage } from '../../src/wire/index.js';
import { requireCommands, requireRoot } from '../support/environment.js';
import { captureIn, clientLines, createNamespace, tsharkFields, udpClientIn, type LabNamespace } from './icmp-lab-namespace.js';
import { waitUntil } from '../support/wait-until.js';

/**
 * What a DUT's R-U-THERE looks like on the wire: an encrypted Informational
 * (the ciphertext is filler). Well-formed, so Wireshark's ISAKMP dissector has
 * nothing to complain about inside the RFC 1812 quote.
 */
const PAYLOAD = encodeMessage({
  initiatorCookie: Uint8Array.of(0x1c, 0x5a, 0, 0, 0, 0, 0, 1),
  responderCookie: Uint8Array.of(0x1c, 0x5a, 0, 0, 0, 0, 0, 2),
  nextPayload: 8, // HASH, the first payload of a protected Informational (RFC 2409 §5.7)
  exchangeType: EXCHANGE_TYPES.INFORMATIONAL,
  flags: { encryption: true, commit: false, authOnly: false },
  messageId: 0x5eed0001,
  payloads: [],
  encrypted: new Uint8Array(64).fill(0xa5),
});
/** A "router" on the namespace's link that is not a configured address anywhere. */
const ROUTER = '203.0.113.134';

describe('IcmpInjector in a network namespace @root', function () {
  this.timeout(120_000);
  let lab: LabNamespace | undefined;
  let transport: UdpTransport | undefined;
  let injector: IcmpInjector | undefined;
  let capture: RawCapture | undefined;
  let dir: string;
  const received: Datagram[] = [];
  const captured: CapturedUdp[] = [];

  before(async function () {
    requireRoot(this);
    requireCommands(this, 'ip', 'tshark', 'tcpdump');
    dir = mkdtempSync(join(tmpdir(), 'icx-'));
    lab = await createNamespace('icx-a', 128);
    // The peer listens on UDP/500, so the root namespace's own kernel never answers with a port unreachable of its own.
    transport = await UdpTransport.open({ bind: [{ address: lab.rootAddress, port: 500 }], clock: systemClock, onDatagram: (d) => received.push(d) });
    injector = IcmpInjector.open({ clock: systemClock });
    capture = RawCapture.open({ clock: systemClock, addresses: [lab.rootAddress], onPacket: (p) => captured.push(p) });
  });

  after(async () => {
    capture?.close();
    injector?.close();
    await transport?.close();
    await lab?.remove();
    if (dir && !process.env.ICX_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  /** Client sends; the peer's socket receives it; `answer` injects the error; returns the client's verdict and the pcap. */
  async function exchange(
    name: string,
    clientWaitMs: number,
    answer: (d: Datagram, raw: CapturedUdp) => Promise<unknown>,
  ): Promise<{ sport: number; error: string; pcap: string }> {
    const l = lab as LabNamespace;
    const pcap = join(dir, `${name}.pcap`);
    // ARP is left out so that the two packets waited for below are the datagram and the ICMP error.
    const dump = await captureIn(l, pcap, `host ${l.nsAddress} and (udp or icmp)`);
    const client = udpClientIn(l, l.rootAddress, 500, PAYLOAD, clientWaitMs);
    try {
      await waitUntil(() => clientLines(client.stdout()).some((x) => x.sent !== undefined) || client.child.exitCode !== null, 'the client to send', 30_000, 50);
      const sport = clientLines(client.stdout()).find((x) => x.sent !== undefined)?.sent;
      if (sport === undefined) throw new Error(`client did not send: ${client.stderr()}`);
      const isOurs = (e: Endpoint): boolean => e.address === l.nsAddress && e.port === sport;
      await waitUntil(() => received.some((d) => isOurs(d.remote)) && captured.some((p) => p.src === l.nsAddress && p.sport === sport), 'the datagram at the peer', 30_000, 50);
      const datagram = received.find((d) => isOurs(d.remote)) as Datagram;
      const raw = captured.find((p) => p.src === l.nsAddress && p.sport === sport) as CapturedUdp;
      await answer(datagram, raw);
      await client.exited;
      // The client's datagram and the ICMP error.
      await dump.waitForPackets(2);
      const error = clientLines(client.stdout()).find((x) => x.error !== undefined)?.error ?? `no verdict: ${client.stderr()}`;
      return { sport, error, pcap };
    } finally {
      if (client.child.exitCode === null) client.child.kill('SIGKILL');
      await dump.stop();
    }
  }

  it('port unreachable from the peer address, rebuilt from the UDP socket: tshark decodes it cleanly, the client gets ECONNREFUSED', async () => {
    const l = lab as LabNamespace;
    let sent: IcmpSent | undefined;
    let arrived: CapturedUdp | undefined;
    const { sport, error, pcap } = await exchange('port', 30_000, async (d, raw) => {
      arrived = raw;
      sent = await (injector as IcmpInjector).unreachable({ datagram: d, code: 'port' });
    });
    // The rebuilt quote carries the client's ports and UDP length (outer IP 20 + ICMP 8 + quoted IP 20). Its checksum
    // cannot be compared: over veth the sender leaves a partial checksum for offload; tshark verifies ours below.
    expect(Buffer.from((sent as IcmpSent).packet.subarray(48, 54)).toString('hex')).to.equal(Buffer.from((arrived as CapturedUdp).packet.subarray(20, 26)).toString('hex'));

    expect(error).to.equal('ECONNREFUSED');
    const rows = await tsharkFields(
      pcap,
      'icmp',
      ['ip.src', 'ip.dst', 'icmp.type', 'icmp.code', 'icmp.checksum.status', 'udp.srcport', 'udp.dstport', 'ip.checksum.status', 'udp.checksum.status'],
      ['ip.check_checksum:TRUE', 'udp.check_checksum:TRUE'],
    );
    expect(rows).to.have.length(1);
    const [src, dst, type, code, checksumStatus, srcPorts, dstPorts, ipChecksums, udpChecksum] = rows[0];
    expect([src.split(',')[0], dst.split(',')[0]]).to.deep.equal([l.rootAddress, l.nsAddress]);
    expect([type, code]).to.deep.equal(['3', '3']);
    // Wireshark's checksum status 1 is "Good" (2 would be "Bad").
    expect(checksumStatus).to.equal('1');
    expect(ipChecksums.split(',')).to.deep.equal(['1', '1']);
    // The RFC 1812 quote holds the whole datagram here, so Wireshark can check the rebuilt UDP checksum.
    expect(udpChecksum).to.equal('1');
    // The quoted UDP header: the client's own port to 500.
    expect(srcPorts).to.equal(String(sport));
    expect(dstPorts).to.equal('500');
    expect(await tsharkFields(pcap, 'icmp && (_ws.malformed || _ws.expert.severity >= "warning")', ['frame.number'])).to.deep.equal([]);
  });

  it('administratively prohibited from a router, quoting the captured packet byte for byte (RFC 792 minimum): the client gets EHOSTUNREACH', async () => {
    const { sport, error, pcap } = await exchange('admin', 30_000, (d, raw) =>
      (injector as IcmpInjector).unreachable({ datagram: d, code: 'admin-prohibited', from: ROUTER, received: raw.packet, quote: 'rfc792' }),
    );

    // Linux treats code 13 as a hard error and reports it on the connected socket as EHOSTUNREACH.
    expect(error).to.equal('EHOSTUNREACH');
    const rows = await tsharkFields(pcap, 'icmp', ['ip.src', 'icmp.type', 'icmp.code', 'icmp.checksum.status', 'udp.srcport', 'udp.dstport', 'ip.len', 'frame.len']);
    expect(rows).to.have.length(1);
    const [src, type, code, checksumStatus, srcPort, dstPort, ipLengths, frameLength] = rows[0];
    expect(src.split(',')[0]).to.equal(ROUTER);
    expect([type, code, checksumStatus]).to.deep.equal(['3', '13', '1']);
    expect([srcPort, dstPort]).to.deep.equal([String(sport), '500']);
    // Outer: 20 (IP) + 8 (ICMP) + 28 (quote); the quoted header still announces the whole original datagram.
    expect(ipLengths.split(',')).to.deep.equal(['56', String(20 + 8 + PAYLOAD.length)]);
    expect(frameLength).to.equal(String(14 + 56));
    expect(await tsharkFields(pcap, 'icmp && (_ws.malformed || _ws.expert.severity >= "warning")', ['frame.number'])).to.deep.equal([]);
  });

  it('host unreachable from a router: tshark decodes code 1; Linux keeps it from a connected UDP socket (a soft error)', async () => {
    const { sport, error, pcap } = await exchange('host', 3_000, (d) => (injector as IcmpInjector).unreachable({ datagram: d, code: 'host', from: ROUTER }));

    // Linux's icmp_err_convert marks host unreachable non-fatal: without IP_RECVERR the socket never hears of it.
    expect(error).to.equal('none');
    const rows = await tsharkFields(pcap, 'icmp', ['ip.src', 'icmp.type', 'icmp.code', 'icmp.checksum.status', 'udp.srcport', 'udp.dstport']);
    // ip.src lists the outer source, then the quoted one.
    expect(rows).to.deep.equal([[`${ROUTER},${(lab as LabNamespace).nsAddress}`, '3', '1', '1', String(sport), '500']]);
  });
});
