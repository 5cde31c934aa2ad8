/**
 * The batches bench/dpd-answer-cost.ts alternates, in a module of their own so the bench runs
 * them as tsc output under plain node (bench/compiled-checkout.ts), the engine and the floor
 * alike: each returns the CPU µs per answer of one batch.
 */
import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes } from 'node:crypto';
import type { Endpoint } from '../src/events.js';
import type { EngineEffect, IkeEngine, OutboundDatagram } from '../src/ike/index.js';

const sends = (effects: EngineEffect[]): OutboundDatagram[] =>
  effects.flatMap((e) => (e.type === 'send' ? [e.datagram] : []));

/** Delivers datagrams between two engines until neither has anything left to send. */
function exchange(engines: Map<number, IkeEngine>, first: OutboundDatagram[]): void {
  const queue = [...first];
  for (let d = queue.shift(); d; d = queue.shift()) {
    const engine = engines.get(d.to.port) as IkeEngine;
    queue.push(...sends(engine.receive({ local: d.to, remote: d.from, bytes: d.bytes }, process.hrtime.bigint()).effects));
  }
}

export type MakeEngine = () => IkeEngine;

/** Two engines with one SA up between them; `batch()` answers `probes` fresh R-U-THEREs and returns the CPU µs per answer. */
export function engineBatch(probes: number, make: MakeEngine): () => number {
  const a: Endpoint = { address: '127.0.0.1', port: 1 };
  const b: Endpoint = { address: '127.0.0.1', port: 2 };
  const prober = make();
  const answerer = make();
  const { sa, effects } = prober.initiate({ from: a, to: b }, 0n);
  exchange(new Map([[1, prober], [2, answerer]]), sends(effects));
  return () => {
    const requests = Array.from({ length: probes }, () => sends(prober.sendDpd(sa, 0n))[0]);
    const cpu0 = process.cpuUsage();
    let acks = 0;
    for (const r of requests) {
      const got = answerer.receive({ local: b, remote: a, bytes: r.bytes }, 0n);
      for (const e of got.effects) {
        if (e.type !== 'event' || e.event.kind !== 'dpd-request') continue;
        acks += sends(answerer.answerDpd(e.sa, e.event.ticket, e.event.seq, 0n)).length;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    if (acks !== probes) throw new Error(`engine answered ${acks} of ${probes} R-U-THEREs`);
    return (cpu.user + cpu.system) / probes;
  };
}

function perMessage(probes: number, one: () => number): () => number {
  return () => {
    const cpu0 = process.cpuUsage();
    let sink = 0;
    for (let i = 0; i < probes; i++) sink ^= one();
    const cpu = process.cpuUsage(cpu0);
    if (sink < 0) throw new Error('unreachable');
    return (cpu.user + cpu.system) / probes;
  };
}

/**
 * HMAC-SHA1 (RFC 2104 §2) from the key's pads, kept: two one-shot hashes, no HMAC object, each
 * digest a 'binary' string (no native buffer per digest), the inner one copied into the outer pad.
 */
function keptPadHmac(key: Uint8Array): (data: Uint8Array) => string {
  const inner = Buffer.alloc(64 + 4 + 32, 0x36);
  const outer = Buffer.alloc(64 + 20, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] ^= key[i];
    outer[i] ^= key[i];
  }
  return (data) => {
    inner.set(data, 64);
    const digest = hash('sha1', inner, 'binary');
    for (let i = 0; i < digest.length; i++) outer[64 + i] = digest.charCodeAt(i);
    return hash('sha1', outer, 'binary');
  };
}

/**
 * The floor: the crypto one answer cannot do without, at the sizes of the real messages
 * (a 64-byte encrypted body: HASH(1) 24 + Notify 32 + padding; HASH(1) over M-ID 4 + Notify 32),
 * the cheapest way Node allows and the engine may legitimately use — cipher contexts kept
 * per key, as src/crypto/cbc-cipher.ts keeps them, HMAC key pads kept, digests as 'binary'
 * strings rather than buffers (as src/crypto/hash-algorithm.ts takes them):
 * the R-U-THERE's IV (RFC 2409 App. B: hash(last phase-1 block | M-ID)), AES-128 decrypt,
 * HMAC-SHA1 for the HASH(1) check, HMAC-SHA1 for the ACK's HASH(1), the ACK's IV, AES-128-CBC
 * encrypt. The two IVs belong in it: every Informational needs its own, and nothing can be
 * computed before its M-ID is known.
 */
export function floorBatch(probes: number): () => number {
  const key = randomBytes(16);
  const lastPhase1Block = randomBytes(16);
  const body = randomBytes(64);
  const covered = randomBytes(36);
  const ivInput = Buffer.alloc(20);
  lastPhase1Block.copy(ivInput);
  const hmac = keptPadHmac(randomBytes(20));
  const ecb = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const cbc = createCipheriv('aes-128-cbc', key, randomBytes(16)).setAutoPadding(false);
  return perMessage(probes, () => {
    let sink = hash('sha1', ivInput, 'binary').charCodeAt(0);
    sink ^= ecb.update(body)[0];
    sink ^= hmac(covered).charCodeAt(0);
    sink ^= hmac(covered).charCodeAt(0);
    sink ^= hash('sha1', ivInput, 'binary').charCodeAt(0);
    return sink ^ cbc.update(body)[0];
  });
}

/**
 * The floor as issue 14 first stated it, kept for comparison with the older figures: four
 * operations (no IVs) on 80 bytes, each on a fresh Node crypto object.
 */
export function freshObjectFloorBatch(probes: number): () => number {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const skeyidA = randomBytes(20);
  const body = randomBytes(80);
  return perMessage(probes, () => {
    const plain = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(body);
    let sink = createHmac('sha1', skeyidA).update(plain).digest()[0];
    sink ^= createHmac('sha1', skeyidA).update(plain).digest()[0];
    return sink ^ createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false).update(plain)[0];
  });
}
