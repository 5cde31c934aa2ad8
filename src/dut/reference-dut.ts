/**
 * The reference DUT: an in-process IKEv1 device with Cisco IOS XE DPD behaviour.
 * The IKE engine (src/ike, in the DUT role) does the protocol; the Cisco policy
 * (cisco-dpd-policy.ts) decides when to probe, when the peer is dead and where to
 * fail over; this class only carries decisions out on the peer's UDP transport and
 * timer set (src/peer), so one socket and timer implementation serves both sides.
 */
import type { Clock, Endpoint, HarnessEvent, Random } from '../events.js';
import type { SaListing } from '../lab/dut-adapter-types.js';
import type { EngineEffect, EngineEvent, EngineHooks, EnginePort, InboundDatagram } from '../peer/engine-port.js';
import { TimerSet } from '../peer/timer-set.js';
import { UdpTransport } from '../peer/udp-transport.js';
import { decodeMessage } from '../wire/index.js';
import { DPD_VENDOR_ID } from '../wire/vendor-ids.js';
import { CiscoDpdPolicy, type DpdAction, type DpdInput } from './cisco-dpd-policy.js';
import type { DpdFaults, Keepalive } from './keepalive-config.js';

export interface ReferenceDutConfig {
  clock: Clock;
  random: Random;
  /** Where the DUT listens (loopback, unprivileged port in tests). */
  local: Endpoint;
  /** The fake peer's endpoints; `peerOrder` indexes into them. */
  peerEndpoints: Endpoint[];
  /** The crypto map's `set peer` order. */
  peerOrder: number[];
  keepalive: Keepalive;
  onDead: 'failover' | 'clear';
  faults?: DpdFaults;
  /** Builds the IKE engine in the DUT role (answering nothing on its own: `autoAnswerDpd: false`); `natTPort`: the DUT's bound NAT-T port. */
  createEngine: (hooks: EngineHooks, natTPort?: number) => EnginePort;
  /** NAT traversal (RFC 3947/3948): a second socket with the non-ESP marker, and whether NAT-keepalives count as traffic for DPD. */
  natT?: { keepalivesCountAsLiveness: boolean };
  /** The fake peer's NAT-T endpoints, index for index with `peerEndpoints`. */
  peerNatTEndpoints?: Endpoint[];
  /** Marks for the scenario's event stream (peer declared dead, ignored ACKs…). */
  onEvent?: (event: HarnessEvent) => void;
}

interface SaRecord {
  /** Index in peerEndpoints; -1 for a peer outside the crypto map (its address:port is `peer`). */
  peerIndex: number;
  peer: string;
  phase1: string;
  /** Phase-2 SAs by their `detail` from the engine. */
  children: string[];
}

const ISAKMP_MAIN_MODE = 2;
const ISAKMP_QUICK_MODE = 32;
const MAX_MESSAGE_ID = 0xffffffff;

/**
 * One IKE SA's keepalive: the crypto map's (which moves to the next peer on failover), or that of
 * an SA from a peer outside it. IOS applies `crypto isakmp keepalive` to every ISAKMP SA, so a
 * dynamic-crypto-map peer gets its own timers and is cleared, not failed over, when dead.
 */
interface DpdSession {
  policy: CiscoDpdPolicy;
  sa: string | undefined;
  pendingTicket: unknown;
  /** TimerSet key of its DPD deadline. */
  timer: string;
}

/** What carries datagrams out: the UDP transport in use, a recorder in unit tests. */
export type SendDatagram = (from: Endpoint, to: Endpoint, bytes: Uint8Array) => void;

export class ReferenceDut {
  private readonly engine: EnginePort;
  private readonly cryptoMap: DpdSession;
  /** Sessions of SAs with peers outside the crypto map, by CKY-I. */
  private readonly dynamic = new Map<string, DpdSession>();
  private readonly timers: TimerSet;
  private readonly sas = new Map<string, SaRecord>();
  /** Initiator cookies (hex) of the Main Modes whose peer sent the RFC 3706 vendor ID. */
  private readonly dpdVendorIds = new Set<string>();
  /** `<CKY-I hex>:<message ID>` of every Quick Mode message the peer sent (the quickModeIdTearsDown fault looks them up). */
  private readonly quickModeIds = new Set<string>();
  /** SAs removed without telling the peer (the no-Delete fault): their datagrams are dropped like unknown cookies. */
  private readonly forgotten = new Set<string>();
  private keepalivesSeen = 0;
  private closed = false;

  constructor(private readonly config: ReferenceDutConfig, private readonly send: SendDatagram, readonly natTPort?: number) {
    this.timers = new TimerSet(config.clock);
    this.engine = config.createEngine({ mutate: (_sa, _summary, message) => message, advertiseDpd: () => true }, natTPort);
    this.cryptoMap = { policy: this.newPolicy(config.peerOrder, config.onDead), sa: undefined, pendingTicket: undefined, timer: 'dpd' };
  }

  private newPolicy(peers: number[], onDead: 'failover' | 'clear'): CiscoDpdPolicy {
    const { config } = this;
    return new CiscoDpdPolicy({
      keepalive: config.keepalive,
      peers,
      onDead,
      faults: config.faults ?? {},
      // [RFC 3706 §6] first sequence number random, high bit clear so it does not wrap soon.
      firstSeq: () => {
        const b = config.random.bytes(4);
        return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) & 0x7fffffff;
      },
    });
  }

  /** Binds the DUT's UDP socket and starts it. */
  static async open(config: ReferenceDutConfig): Promise<{ dut: ReferenceDut; close(): Promise<void> }> {
    let dut: ReferenceDut | undefined;
    const transport = await UdpTransport.open({
      bind: config.natT ? [config.local, { address: config.local.address, port: 0, natT: true }] : [config.local],
      clock: config.clock,
      onDatagram: (d) => {
        if (d.udpEncapsulation === 'keepalive') dut?.keepalive(d.remote);
        // ESP from the peer is the protected traffic on-demand DPD counts as heard from it (its data plane is not emulated further).
        else if (d.udpEncapsulation === 'esp') dut?.inboundEsp();
        else dut?.receive({ local: d.local, remote: d.remote, bytes: d.bytes });
      },
    });
    const local = transport.endpoints[0]!;
    dut = new ReferenceDut({ ...config, local }, (from, to, bytes) => { transport.send(from, to, bytes); }, transport.natTEndpoints[0]?.port);
    const opened = dut;
    return { dut: opened, close: async () => { opened.close(); await transport.close(); } };
  }

  get localEndpoint(): Endpoint {
    return this.config.local;
  }

  /**
   * A NAT-keepalive (RFC 3948 §2.3) from the peer: it keeps a NAT mapping alive and says nothing
   * about IKE, so it is DPD traffic only when the profile says the device counts it.
   */
  keepalive(from: Endpoint): void {
    if (this.closed) return;
    this.keepalivesSeen += 1;
    const counts = this.config.natT?.keepalivesCountAsLiveness === true;
    if (this.keepalivesSeen === 1) this.mark(`NAT-keepalives from ${from.address}:${from.port} ${counts ? 'count' : 'do not count'} as DPD traffic`);
    if (counts && this.cryptoMap.sa !== undefined) this.decide(this.cryptoMap, { type: 'inbound' });
  }

  /** Starts Main Mode (and Quick Mode after it) towards the peer at `peerIndex`. */
  initiate(peerIndex: number): void {
    const to = this.config.peerEndpoints[peerIndex];
    if (!to) throw new RangeError(`no peer endpoint ${peerIndex}`);
    const { effects } = this.engine.initiate({ from: this.config.local, to, quickMode: true }, this.config.clock.now());
    this.apply(effects);
  }

  inboundEsp(): void {
    if (this.cryptoMap.sa !== undefined) this.decide(this.cryptoMap, { type: 'inbound' });
  }

  /** The DUT has (or stops having) protected traffic for its peer: what on-demand DPD waits for. */
  setOutboundTraffic(pending: boolean): void {
    this.decide(this.cryptoMap, { type: 'outbound-traffic', pending });
  }

  receive(datagram: InboundDatagram): void {
    if (this.closed) return;
    const cookies = cookiesOf(datagram.bytes);
    if (cookies !== undefined && [...this.forgotten].some((sa) => sa.startsWith(cookies.slice(0, 16)))) return;
    this.noteDpdVendorId(datagram.bytes);
    this.noteQuickModeId(datagram.bytes);
    const result = this.engine.receive(datagram, this.config.clock.now());
    if (result.rejected) this.mark(`rejected ${result.rejected.code}: ${result.rejected.message}`);
    this.apply(result.effects);
  }

  /** The SAs in the lab adapters' common shape, so scenarios can assert "SA gone". */
  listSas(): SaListing[] {
    return [...this.sas.entries()].map(([, sa]) => ({
      ike: { state: 'ESTABLISHED', peer: sa.peer, established: true },
      children: sa.children.map((name) => ({ name, state: 'INSTALLED', installed: true })),
    }));
  }

  close(): void {
    this.closed = true;
    this.timers.cancelAll();
  }

  /** RFC 3706 §5.1: DPD is used only when the peer's Main Mode message carried the DPD vendor ID (MM1/MM2 are in clear). */
  private noteDpdVendorId(bytes: Uint8Array): void {
    if (bytes.length < 28 || bytes[18] !== ISAKMP_MAIN_MODE || (bytes[19]! & 1) !== 0) return;
    try {
      const message = decodeMessage(bytes);
      const hasDpd = message.payloads.some((p) => p.kind === 'vendor-id' && equalBytes(p.data, DPD_VENDOR_ID));
      if (hasDpd) this.dpdVendorIds.add(hex(bytes.subarray(0, 8)));
    } catch {
      // Undecodable: the engine rejects it with a typed reason.
    }
  }

  private noteQuickModeId(bytes: Uint8Array): void {
    if (bytes.length >= 28 && bytes[18] === ISAKMP_QUICK_MODE) this.quickModeIds.add(`${hex(bytes.subarray(0, 8))}:${messageIdOf(bytes)}`);
  }

  /** The message-ID faults: true when one applies to this R-U-THERE and the SAs were torn down instead of answering. */
  private messageIdFault(sa: string, messageId: number): boolean {
    const faults = this.config.faults ?? {};
    const reused = faults.quickModeIdTearsDown === true && this.quickModeIds.has(`${sa.slice(0, 16)}:${messageId}`);
    const allOnes = faults.maxMessageIdTearsDown === true && messageId === MAX_MESSAGE_ID;
    if (!reused && !allOnes) return false;
    this.mark(`R-U-THERE under message ID ${messageId.toString(16).padStart(8, '0')} taken for a broken exchange: SAs torn down`);
    const session = this.sessionOf(sa);
    if (session) for (const action of [{ type: 'send-delete', what: 'ipsec' }, { type: 'send-delete', what: 'isakmp' }, { type: 'remove-sas' }] as const) this.carryOut(session, action);
    return true;
  }

  private apply(effects: EngineEffect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.send(effect.datagram.from, effect.datagram.to, effect.datagram.bytes);
          break;
        case 'set-timer':
          this.timers.set(effect.ms, () => this.apply(this.engine.timer(effect.sa, effect.id, this.config.clock.now())), `${effect.sa}/${effect.id}`);
          break;
        case 'cancel-timer':
          this.timers.cancel(`${effect.sa}/${effect.id}`);
          break;
        case 'event':
          this.onEngineEvent(effect.sa, effect.remote, effect.event);
          break;
      }
    }
  }

  /** The session an SA belongs to: the crypto map's while it is that SA, else its own dynamic one. */
  private sessionOf(sa: string): DpdSession | undefined {
    if (this.cryptoMap.sa !== undefined && sameSa(this.cryptoMap.sa, sa)) return this.cryptoMap;
    return this.dynamic.get(sa.slice(0, 16));
  }

  private onEngineEvent(sa: string, remote: Endpoint, event: EngineEvent): void {
    const session = this.sessionOf(sa);
    switch (event.kind) {
      case 'state': {
        if (event.phase === 1 && event.state === 'established') {
          const at = (list: Endpoint[] | undefined): number => (list ?? []).findIndex((p) => p.address === remote.address && p.port === remote.port);
          // After the NAT-T float the peer is known by its NAT-T endpoint.
          const peerIndex = at(this.config.peerEndpoints) >= 0 ? at(this.config.peerEndpoints) : at(this.config.peerNatTEndpoints);
          this.sas.set(sa, { peerIndex, peer: peerIndex >= 0 ? remote.address : `${remote.address}:${remote.port}`, phase1: sa, children: [] });
          let started: DpdSession;
          if (peerIndex >= 0) {
            started = this.cryptoMap;
          } else {
            started = { policy: this.newPolicy([], 'clear'), sa, pendingTicket: undefined, timer: `dpd/${sa.slice(0, 16)}` };
            this.dynamic.set(sa.slice(0, 16), started);
          }
          started.sa = sa;
          this.decide(started, { type: 'established', peerIndex, dpdVendorId: this.dpdVendorIds.has(sa.slice(0, 16)) });
        } else if (event.phase === 2 && event.state === 'established') {
          this.recordFor(sa)?.children.push(event.detail ?? 'ipsec');
        } else if (event.phase === 2 && event.state === 'deleted') {
          const record = this.recordFor(sa);
          if (record) record.children = [];
        } else if (event.phase === 1 && (event.state === 'deleted' || event.state === 'failed' || event.state === 'expired')) {
          this.dropSa(sa);
          if (session) this.decide(session, { type: 'sa-gone' });
          this.dynamic.delete(sa.slice(0, 16));
        }
        return;
      }
      case 'dpd-request':
        if (!session || this.messageIdFault(sa, event.messageId)) return;
        session.pendingTicket = event.ticket;
        this.decide(session, { type: 'probe', seq: event.seq });
        return;
      case 'dpd-ack':
        if (session) this.decide(session, { type: 'ack', seq: event.seq });
        return;
      case 'delete-received':
      case 'notify-received':
        if (session) this.decide(session, { type: 'inbound' });
        return;
      case 'sa-keys':
      case 'nat-detected':
      case 'float':
        return;
    }
  }

  private decide(session: DpdSession, input: DpdInput): void {
    const now = this.config.clock.now();
    for (const action of session.policy.handle(input, now)) this.carryOut(session, action);
  }

  private carryOut(session: DpdSession, action: DpdAction): void {
    const { sa } = session;
    const now = this.config.clock.now();
    switch (action.type) {
      case 'send-probe':
        if (sa) this.apply(this.engine.sendDpd(sa, now, action.seq));
        return;
      case 'send-ack':
        if (sa) this.apply(this.engine.answerDpd(sa, session.pendingTicket, action.seq, now));
        return;
      case 'arm-timer':
        this.timers.set(Number(action.at - now) / 1e6, () => this.decide(session, { type: 'timer' }), session.timer);
        return;
      case 'disarm-timer':
        this.timers.cancel(session.timer);
        return;
      case 'send-delete':
        if (sa) this.apply(this.engine.deleteSa(sa, action.what, now));
        return;
      case 'remove-sas':
        if (sa) {
          // With Delete sent the engine has let the SA go; without (a fault), the DUT forgets it all the same.
          if (this.engine.list().some((id) => sameSa(id, sa))) this.forgotten.add(sa);
          this.dropSa(sa);
          this.dynamic.delete(sa.slice(0, 16));
        }
        session.sa = undefined;
        return;
      case 'initiate':
        this.mark(`failover: Main Mode to peer ${action.peerIndex}`);
        this.initiate(action.peerIndex);
        return;
      case 'peer-dead':
        this.mark(`peer ${action.peerIndex >= 0 ? action.peerIndex : sa ?? '?'} dead after ${action.unansweredProbes} unanswered R-U-THERE`);
        return;
      case 'ignored':
        this.mark(action.reason);
        return;
    }
  }

  private recordFor(sa: string): SaRecord | undefined {
    for (const [id, record] of this.sas) if (sameSa(id, sa)) return record;
    return undefined;
  }

  private dropSa(sa: string): void {
    for (const id of [...this.sas.keys()]) if (sameSa(id, sa)) this.sas.delete(id);
  }

  private mark(label: string): void {
    this.config.onEvent?.({ type: 'mark', t: this.config.clock.now(), label: `reference-dut: ${label}` });
  }
}

/** docs/engine.md: an SA id is CKY-I‖CKY-R in hex, with zeros for CKY-R until it is known; CKY-I identifies it. */
const sameSa = (a: string, b: string): boolean => a.slice(0, 16) === b.slice(0, 16);

function cookiesOf(bytes: Uint8Array): string | undefined {
  return bytes.length >= 16 ? hex(bytes.subarray(0, 16)) : undefined;
}

function messageIdOf(bytes: Uint8Array): number {
  return ((bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!) >>> 0;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
