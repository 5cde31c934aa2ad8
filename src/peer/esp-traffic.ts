/**
 * The fake peer's ESP data path (RFC 4303 in UDP per RFC 3948): ICMP echo requests sealed with
 * the Quick Mode keys and sent at a rate on the floated NAT-T endpoints, and inbound ESP opened,
 * replay-checked and answered (an echo request gets its echo reply, unless the peer is silent).
 * Each packet's verdict goes on its datagram event (`esp`), so counts are read from the stream.
 */
import { CryptoError, HarnessError, WireError } from '../errors.js';
import type { Clock, DatagramEvent, Endpoint, EspKeysEvent, Random } from '../events.js';
import { encryptionSpec } from '../crypto/cipher-suite.js';
import type { EspSaPair } from '../crypto/esp-keys.js';
import { openEsp, sealEsp } from '../crypto/esp-protection.js';
import { acceptSequence, nextSequence, replayVerdict, replayWindow, type ReplayWindow } from '../crypto/esp-replay-window.js';
import { NEXT_HEADER_IPV4 } from '../wire/esp-trailer.js';
import { echoReplyTo, ICMP_ECHO_TYPE } from './icmp-echo.js';
import { decodeInnerPacket, encodeInnerPacket, type InnerPacket } from './inner-packet.js';
import type { TimerSet } from './timer-set.js';

/** Where the peer's echo requests go: from an address of its protected subnet to one of the DUT's. */
export interface TrafficFlow {
  /** Packets per second; 0 stops. */
  rate: number;
  source: string;
  destination: string;
}

export interface EspTrafficDeps {
  clock: Clock;
  random: Random;
  timers: TimerSet;
  /** Whether the SA's behaviour lets anything leave (a silent peer sends no ESP either). */
  maySend(sa: string): boolean;
  /** Whether the DUT's echo requests get replies (behaviour ignoreEcho: its traffic one-way). */
  answersEcho(sa: string): boolean;
  send(sa: string, from: Endpoint, to: Endpoint, bytes: Uint8Array, esp: NonNullable<DatagramEvent['esp']>): void;
  mark(label: string, sa?: string): void;
  /** The keys for the report's Wireshark table. */
  keys(event: EspKeysEvent): void;
}

interface Child {
  sa: string;
  esp: EspSaPair;
  lastSeq: number;
  window: ReplayWindow;
}

/** The identifier of the peer's echo requests ("ESP" in ASCII), so its replies are told from the DUT's pings. */
const ECHO_IDENTIFIER = 0x4553;
const ECHO_DATA = new TextEncoder().encode('dpd-harness esp traffic');

export class EspTraffic {
  /** By IKE SA: its newest child with keys, and the endpoints ESP uses once it floated. */
  private readonly children = new Map<string, Child>();
  private readonly byInboundSpi = new Map<number, Child>();
  private readonly paths = new Map<string, { local: Endpoint; remote: Endpoint }>();
  private flow: { sa: string; flow: TrafficFlow; sequence: number } | undefined;
  private ipId = 0;

  constructor(private readonly deps: EspTrafficDeps) {}

  /** A child SA with ESP keys came up on `sa` (the engine's esp-sa event). */
  added(sa: string, esp: EspSaPair, remote: Endpoint): void {
    const child: Child = { sa, esp, lastSeq: 0, window: replayWindow() };
    this.children.set(sa, child);
    this.byInboundSpi.set(esp.inbound.spi, child);
    const local = this.paths.get(sa)?.local;
    const plain = (k: EspSaPair['inbound']): EspKeysEvent['outbound'] => ({ spi: k.spi, suite: { ...k.suite }, encryptionKey: k.keys.encryption, integrityKey: k.keys.integrity });
    this.deps.keys({ type: 'esp-keys', t: this.deps.clock.now(), sa, local: local?.address ?? '*', remote: remote.address, outbound: plain(esp.outbound), inbound: plain(esp.inbound) });
  }

  /** The SA's ESP runs between these endpoints (the float to 4500, or a NAT rebinding). */
  moved(sa: string, local: Endpoint, remote: Endpoint): void {
    this.paths.set(sa, { local: { ...local }, remote: { ...remote } });
  }

  forget(sa: string): void {
    const child = this.children.get(sa);
    if (child) this.byInboundSpi.delete(child.esp.inbound.spi);
    this.children.delete(sa);
    this.paths.delete(sa);
    if (this.flow?.sa === sa) this.stop();
  }

  /** Starts (or, with rate 0, stops) the peer's echo requests on `sa`. */
  start(sa: string, flow: TrafficFlow): void {
    this.stop();
    if (flow.rate <= 0) return;
    if (!this.children.has(sa) || !this.paths.has(sa)) {
      throw new HarnessError('ERR_SCENARIO_ABORTED', 'ESP traffic needs a child SA with ESP keys on UDP 4500 (nat.force_encapsulation before bring_up, an AES-CBC or AES-GCM ESP proposal)');
    }
    this.flow = { sa, flow, sequence: 0 };
    this.deps.mark(`ESP traffic from the peer: ${flow.rate}/s ICMP echo ${flow.source} → ${flow.destination}`, sa);
    this.tick();
  }

  stop(): void {
    if (!this.flow) return;
    this.deps.mark(`ESP traffic from the peer stopped after ${this.flow.sequence} echo requests`, this.flow.sa);
    this.flow = undefined;
    this.deps.timers.cancel('esp-traffic');
  }

  /**
   * An ESP packet from the DUT: its verdict for the datagram event, after the §3.4.3 order
   * (replay pre-check, ICV, then the window moves). Echo requests inside are answered.
   */
  receive(local: Endpoint, remote: Endpoint, bytes: Uint8Array): NonNullable<DatagramEvent['esp']> {
    const spi = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(0) : 0;
    const seq = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4) : 0;
    const child = this.byInboundSpi.get(spi);
    if (!child) return { spi, seq, verdict: 'unknown-spi' };
    if (replayVerdict(child.window, seq) !== 'new') return { spi, seq, verdict: 'replay' };
    let data: Uint8Array;
    try {
      data = openEsp(child.esp.inbound, bytes).plaintext.data;
    } catch (err) {
      if (err instanceof CryptoError || err instanceof WireError) return { spi, seq, verdict: 'auth-failed' };
      throw err;
    }
    child.window = acceptSequence(child.window, seq);
    let inner: DecodedInner;
    try {
      inner = decodeInnerPacket(data);
    } catch (err) {
      if (err instanceof WireError) return { spi, seq, verdict: 'ok', inner: 'other' };
      throw err;
    }
    if (inner.kind !== 'icmp-echo') return { spi, seq, verdict: 'ok', inner: inner.kind };
    if (inner.echo.type === ICMP_ECHO_TYPE.REPLY) return { spi, seq, verdict: 'ok', inner: inner.echo.identifier === ECHO_IDENTIFIER ? 'echo-reply' : 'other' };
    if (this.deps.maySend(child.sa) && this.deps.answersEcho(child.sa)) {
      this.paths.set(child.sa, { local, remote });
      this.seal(child, { kind: 'icmp-echo', source: inner.ip.destination, destination: inner.ip.source, echo: echoReplyTo(inner.echo) }, 'echo-reply');
    }
    return { spi, seq, verdict: 'ok', inner: 'echo-request' };
  }

  private tick(): void {
    const f = this.flow;
    if (!f) return;
    const child = this.children.get(f.sa);
    if (child && this.deps.maySend(f.sa)) {
      f.sequence = (f.sequence + 1) & 0xffff;
      this.seal(child, { kind: 'icmp-echo', source: f.flow.source, destination: f.flow.destination, echo: { type: ICMP_ECHO_TYPE.REQUEST, identifier: ECHO_IDENTIFIER, sequence: f.sequence, data: ECHO_DATA } }, 'echo-request');
    }
    this.deps.timers.set(1000 / f.flow.rate, () => this.tick(), 'esp-traffic');
  }

  private seal(child: Child, packet: InnerPacket, inner: 'echo-request' | 'echo-reply'): void {
    const path = this.paths.get(child.sa);
    if (!path) return;
    child.lastSeq = nextSequence(child.lastSeq);
    this.ipId = (this.ipId + 1) & 0xffff;
    const out = child.esp.outbound;
    const iv = this.deps.random.bytes(encryptionSpec(out.suite).ivLength);
    const bytes = sealEsp(out, child.lastSeq, iv, { nextHeader: NEXT_HEADER_IPV4, data: encodeInnerPacket(packet, { id: this.ipId }) });
    this.deps.send(child.sa, path.local, path.remote, bytes, { spi: out.spi, seq: child.lastSeq, verdict: 'ok', inner });
  }
}

type DecodedInner = ReturnType<typeof decodeInnerPacket>;
