/**
 * What Main Mode and Aggressive Mode share (RFC 2409 §5): deriving and installing
 * the phase-1 keys from a pre-shared key, opening a message under them, failing
 * authentication, and reading the payloads both exchanges carry.
 */
import { cipherBlockSize } from '../crypto/cbc-cipher.js';
import { dhSharedSecret, type DhKeyPair } from '../crypto/dh-group.js';
import { deriveSkeyids, ikev1EncryptionKey, phase1Iv, skeyidPreSharedKey } from '../crypto/ikev1-key-schedule.js';
import { IkeError, WireError } from '../errors.js';
import type { MessageSummary } from '../events.js';
import { EXCHANGE_TYPES } from '../wire/constants.js';
import { HEADER_LENGTH, idPayload, payloadsLength, saPayload } from '../wire/index.js';
import type { IdPayload, IsakmpMessage, Payload, SaPayload } from '../wire/types.js';
import { DPD_VENDOR_ID } from '../wire/vendor-ids.js';
import { equalBytes, hex } from './bytes.js';
import type { Phase1Proposal } from './engine-config.js';
import type { EngineEffect } from './engine-effects.js';
import { headerOnlySummary } from './message-summary.js';
import { natTVendorIds } from './nat-traversal.js';
import { openMessage, type Opened } from './protection.js';
import { IkeRejection } from './rejection.js';
import type { Keys, SaContext } from './sa-context.js';
import type { IsakmpHeader } from '../wire/types.js';

/** SKEYID and its descendants (RFC 2409 §5), and the phase-1 IV, which it sets on the SA. */
export function deriveKeys(sa: SaContext, proposal: Phase1Proposal, dh: DhKeyPair, gxi: Uint8Array, ni: Uint8Array, gxr: Uint8Array, nr: Uint8Array): Keys {
  const psk = sa.config.psk(sa.remote);
  if (!psk) throw new IkeError('ERR_IKE_AUTH_FAILED', `no pre-shared key for ${sa.remote.address}`);
  const peerPublic = sa.role === 'initiator' ? gxr : gxi;
  const gxy = dhSharedSecret(dh, peerPublic);
  const skeyid = skeyidPreSharedKey(proposal.hash, psk, ni, nr);
  const { skeyidD, skeyidA, skeyidE } = deriveSkeyids(proposal.hash, skeyid, gxy, sa.ckyI, sa.ckyR);
  const key = ikev1EncryptionKey(proposal.hash, skeyidE, proposal.keyLength);
  sa.iv = phase1Iv(proposal.hash, gxi, gxr, cipherBlockSize(proposal.cipher));
  return { proposal, skeyid, skeyidD, skeyidA, cipher: { cipher: proposal.cipher, key } };
}

export function installKeys(sa: SaContext, keys: Keys, effects: EngineEffect[]): void {
  sa.keys = keys;
  effects.push(sa.event({ kind: 'sa-keys', initiatorCookie: hex(sa.ckyI), encryptionKey: hex(keys.cipher.key) }));
}

/**
 * MM5/MM6 (and an encrypted AM3) under the new keys. With different pre-shared keys the plaintext is noise
 * that does not parse, so a decode failure here is an authentication failure.
 */
export function openPhase1(sa: SaContext, keys: Keys, msg: IsakmpMessage): Opened {
  try {
    return openMessage(keys.cipher, sa.iv, msg.nextPayload as number, msg.encrypted as Uint8Array);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return authFailed(sa, `${msg.exchangeType === EXCHANGE_TYPES.AGGRESSIVE_MODE ? 'Aggressive Mode message 3' : `Main Mode message ${sa.role === 'responder' ? 5 : 6}`} (it does not decrypt to payloads: ${err.message})`, headerOnlySummary(msg));
  }
}

export function authFailed(sa: SaContext, what: string, summary: MessageSummary): never {
  const effects: EngineEffect[] = [];
  sa.fail(effects, `${what} does not verify`);
  throw new IkeRejection('ERR_IKE_AUTH_FAILED', `${what} does not verify (pre-shared keys differ?)`, summary, effects);
}

/** A payload's body without its 4-byte generic header: the "_b" of RFC 2409 §5, for a payload of ours not yet sent. */
export function bodyOf(p: SaPayload | IdPayload): Uint8Array {
  const bytes = p.kind === 'sa' ? saPayload.encode(p) : idPayload.encode(p);
  return bytes.subarray(4);
}

/**
 * The "_b" of a received payload as the peer wrote it, out of the chain that starts at
 * `start` in `bytes`, by the lengths the decoder checked. Re-encoding the decoded payload
 * would equal it only if the codec made every choice the peer's encoder made (RFC 2409 §5
 * hashes the bytes that were sent), and would cost an encoding per HASH.
 */
export function receivedBody(bytes: Uint8Array, start: number, payloads: readonly Payload[], p: Payload): Uint8Array {
  let at = start;
  for (const q of payloads) {
    if (q === p) return bytes.subarray(at + 4, at + (q.length as number));
    at += q.length as number;
  }
  throw new IkeError('ERR_IKE_MALFORMED', `no ${p.kind} payload in the chain`);
}

export function keAndNonce(payloads: Payload[], step: number): { ke: Uint8Array; nonce: Uint8Array } {
  const ke = payloads.find((p) => p.kind === 'ke');
  const nonce = payloads.find((p) => p.kind === 'nonce');
  if (ke?.kind !== 'ke' || nonce?.kind !== 'nonce') throw new IkeError('ERR_IKE_MALFORMED', `Main Mode message ${step} needs KE and Nonce payloads`);
  if (nonce.data.length < 8 || nonce.data.length > 256) throw new IkeError('ERR_IKE_MALFORMED', `nonce of ${nonce.data.length} bytes (RFC 2409 §5: 8 to 256)`);
  return { ke: ke.data, nonce: nonce.data };
}

export function hasDpdVendorId(payloads: Payload[]): boolean {
  return payloads.some((p) => p.kind === 'vendor-id' && equalBytes(p.data, DPD_VENDOR_ID));
}

/**
 * Sends phase 1's first message (Main or Aggressive Mode) with the DPD vendor ID when the hooks
 * want it (and the NAT-T one when configured), and keeps what HASH_I/HASH_R will cover: the SA payload as it went out, whatever a
 * behaviour did to it.
 */
export function sendFirstPhase1(sa: SaContext, header: IsakmpHeader, payloads: Payload[]): EngineEffect[] {
  if (sa.hooks.advertiseDpd(sa.id)) payloads.push({ kind: 'vendor-id', data: DPD_VENDOR_ID });
  payloads.push(...natTVendorIds(sa));
  const effects: EngineEffect[] = [sa.event({ kind: 'state', phase: 1, state: 'negotiating' })];
  const sent = sa.sendClear(effects, header, payloads, 1, false);
  // The SA body in the encoded datagram, at the real lengths before it (a behaviour may override a length field).
  const i = sent.payloads.findIndex((p) => p.kind === 'sa');
  const at = HEADER_LENGTH + payloadsLength(sent.payloads.slice(0, i));
  sa.saiB = i < 0 ? new Uint8Array(0) : sent.bytes.subarray(at + 4, at + payloadsLength([sent.payloads[i]]));
  sa.lastSent = sent.bytes;
  sa.armRetransmit(effects);
  return effects;
}
