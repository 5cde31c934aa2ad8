/**
 * An encrypted IKEv1 exchange for the decryption test, built here with
 * node:crypto because the harness's own crypto (src/crypto) is not this
 * module's to use yet: Main Mode with AES-128-CBC/SHA-1/PSK, MM5/MM6 and an
 * R-U-THERE encrypted under RFC 2409 Appendix B IV rules (phase-1 IV =
 * hash(g^xi | g^xr), then CBC chaining; Informational IV = hash(last phase-1
 * block | M-ID)). The DH values are fixed filler: Wireshark never checks them,
 * it only hashes them for the IV, so given the encryption key it can decrypt.
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { DatagramEvent, Endpoint, SaKeysEvent } from '../../src/events.js';
import { encodeMessage, encodePayloads, type Payload } from '../../src/wire/index.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const sha1 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

const ICOOKIE = hex('1112131415161718');
const RCOOKIE = hex('b1b2b3b4b5b6b7b8');
export const KEY_HEX = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const KEY = hex(KEY_HEX);
const BLOCK = 16;
export const DPD_SEQ = 0x5eed0001;

const clear = (messageId: number, responderCookie: Uint8Array, payloads: Payload[]): Uint8Array =>
  encodeMessage({ initiatorCookie: ICOOKIE, responderCookie, exchangeType: messageId === 0 ? 2 : 5, flags: { encryption: false, commit: false, authOnly: false }, messageId, payloads });

/** RFC 2409 Appendix B: CBC over the payloads, zero-padded to the block size. */
function encrypted(exchangeType: number, messageId: number, payloads: Payload[], iv: Uint8Array): { bytes: Uint8Array; lastBlock: Uint8Array } {
  const body = encodePayloads(payloads);
  const padded = new Uint8Array(Math.ceil(body.length / BLOCK) * BLOCK);
  padded.set(body);
  const cipher = createCipheriv('aes-128-cbc', KEY, iv).setAutoPadding(false);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(padded), cipher.final()]));
  const bytes = encodeMessage({
    initiatorCookie: ICOOKIE,
    responderCookie: RCOOKIE,
    exchangeType,
    // The header names the first (encrypted) payload: ID (5) in MM5/MM6, HASH (8) in an Informational.
    nextPayload: payloads[0].kind === 'hash' ? 8 : 5,
    flags: { encryption: true, commit: false, authOnly: false },
    messageId,
    payloads: [],
    encrypted: ciphertext,
  });
  return { bytes, lastBlock: ciphertext.subarray(ciphertext.length - BLOCK) };
}

/** The datagrams (fake peer = initiator at `peer`) and the sa-keys event of one encrypted exchange ending in an R-U-THERE from the DUT. */
export function encryptedDpdExchange(t0: bigint, peer: Endpoint, dut: Endpoint): { events: (DatagramEvent | SaKeysEvent)[]; messageId: number } {
  // AES-CBC 128 (1=7, 14=128), SHA-1 (2=2), PSK (3=1), group 2 (4=2): RFC 2409 Appendix A attribute values.
  const sa: Payload = {
    kind: 'sa',
    doi: 1,
    situation: 1,
    proposals: [{ proposalNumber: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [{ transformNumber: 1, transformId: 1, attributes: [{ type: 1, value: 7 }, { type: 14, value: 128 }, { type: 2, value: 2 }, { type: 3, value: 1 }, { type: 4, value: 2 }] }] }],
  };
  const gi = new Uint8Array(128).fill(0x11);
  const gr = new Uint8Array(128).fill(0x22);
  const id = (address: string): Payload => ({ kind: 'id', idType: 1, protocolId: 17, port: 500, data: Uint8Array.from(address.split('.').map(Number)) });
  const mm5 = encrypted(2, 0, [id(peer.address), { kind: 'hash', data: new Uint8Array(20).fill(5) }], sha1(gi, gr).subarray(0, BLOCK));
  const mm6 = encrypted(2, 0, [id(dut.address), { kind: 'hash', data: new Uint8Array(20).fill(6) }], mm5.lastBlock);
  const messageId = 0x7a7b7c7d;
  const seq = Uint8Array.of(DPD_SEQ >>> 24, (DPD_SEQ >>> 16) & 0xff, (DPD_SEQ >>> 8) & 0xff, DPD_SEQ & 0xff);
  const notify: Payload = { kind: 'notify', doi: 1, protocolId: 1, notifyType: 36136, spi: new Uint8Array([...ICOOKIE, ...RCOOKIE]), data: seq };
  const mid = Uint8Array.of(0x7a, 0x7b, 0x7c, 0x7d);
  const dpd = encrypted(5, messageId, [{ kind: 'hash', data: new Uint8Array(20).fill(7) }, notify], sha1(mm6.lastBlock, mid).subarray(0, BLOCK));

  const sa2 = Buffer.from([...ICOOKIE, ...RCOOKIE]).toString('hex');
  const flow: [Uint8Array, 'in' | 'out'][] = [
    [clear(0, new Uint8Array(8), [sa]), 'out'],
    [clear(0, RCOOKIE, [sa]), 'in'],
    [clear(0, RCOOKIE, [{ kind: 'ke', data: gi }, { kind: 'nonce', data: new Uint8Array(16).fill(3) }]), 'out'],
    [clear(0, RCOOKIE, [{ kind: 'ke', data: gr }, { kind: 'nonce', data: new Uint8Array(16).fill(4) }]), 'in'],
    [mm5.bytes, 'out'],
    [mm6.bytes, 'in'],
    [dpd.bytes, 'in'],
  ];
  const events: (DatagramEvent | SaKeysEvent)[] = flow.map(([bytes, direction], i) => ({
    type: 'datagram',
    t: t0 + BigInt(i + 1) * 1_000_000n,
    direction,
    local: peer,
    remote: dut,
    bytes,
    sa: sa2,
    summary: i === 6 ? { exchangeType: 5, messageId, kind: 'r-u-there', seq: DPD_SEQ, notifyType: 36136 } : { exchangeType: 2, messageId: 0, kind: 'main-mode', step: i + 1 },
  }));
  events.splice(6, 0, { type: 'sa-keys', t: t0 + 6_500_000n, sa: sa2, initiatorCookie: Buffer.from(ICOOKIE).toString('hex'), encryptionKey: KEY_HEX });
  return { events, messageId };
}
