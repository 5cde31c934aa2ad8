/**
 * Deliberate damage to an outbound message's plaintext, applied after the
 * engine has computed the HASH payload and before it encrypts, so the DUT sees
 * a packet that decrypts cleanly but is wrong in exactly one place. Each kind
 * mirrors a real interop bug (protocol-digest.md §9.6, §10).
 */
import type { MessageKind } from '../events.js';
import type { PlaintextMessage } from '../ike/engine-effects.js';
import type { IsakmpHeader } from '../wire/index.js';

export type Corruption = {
  /** Only messages of these kinds are damaged; all when absent. */
  kinds?: MessageKind[];
} & (
  /** Flip the last bit of HASH(1)/HASH_I/HASH_R: the receiver must reject it as a bad hash. */
  | { field: 'hash' }
  /** Put the HASH payload after the others (RFC 3706's diagram order, which strongSwan and Libreswan drop). */
  | { field: 'hash-last' }
  /** Notify SPI size other than 16 (Libreswan answers PAYLOAD-MALFORMED, strongSwan accepts). */
  | { field: 'notify-spi-size'; value: number }
  /** Responder cookie first in the notify SPI (Libreswan tolerates it). */
  | { field: 'notify-spi-swapped' }
  /** A different notify message type (e.g. a Cisco-private one). */
  | { field: 'notify-type'; value: number }
  /** A generic-header length field written as given instead of computed. */
  | { field: 'payload-length'; payloadIndex: number; value: number }
  /** Notify data replaced after HASH(1) was computed: the HASH covers other bytes than those sent. */
  | { field: 'notify-data'; value: Uint8Array }
  /**
   * Header fields replaced after HASH(1) and the phase-2 IV were computed: message ID (the HASH and IV
   * belong to the original one), flags (the commit bit), or the length written instead of the sealed size.
   */
  | { field: 'header'; patch: Partial<Pick<IsakmpHeader, 'messageId' | 'flags' | 'length'>> }
);

/** Whether this corruption applies to a message of `kind`. */
export function corruptionApplies(corruption: Corruption, kind: MessageKind): boolean {
  return corruption.kinds === undefined || corruption.kinds.includes(kind);
}

/** Returns a damaged copy; the input is not modified. Fields the message does not have are left alone. */
export function corruptMessage(message: PlaintextMessage, corruption: Corruption): PlaintextMessage {
  const payloads = message.payloads.map((p) => ({ ...p }));
  const header = corruption.field === 'header' ? { ...message.header, ...corruption.patch } : { ...message.header };
  switch (corruption.field) {
    case 'hash':
      for (const p of payloads) {
        if (p.kind !== 'hash' || p.data.length === 0) continue;
        const data = p.data.slice();
        data[data.length - 1] ^= 0x01;
        p.data = data;
      }
      break;
    case 'hash-last': {
      const i = payloads.findIndex((p) => p.kind === 'hash');
      if (i >= 0) payloads.push(...payloads.splice(i, 1));
      break;
    }
    case 'notify-spi-size':
      for (const p of payloads) if (p.kind === 'notify') p.spiSize = corruption.value;
      break;
    case 'notify-spi-swapped':
      for (const p of payloads) {
        if (p.kind !== 'notify' || p.spi.length !== 16) continue;
        const spi = new Uint8Array(16);
        spi.set(p.spi.subarray(8, 16), 0);
        spi.set(p.spi.subarray(0, 8), 8);
        p.spi = spi;
      }
      break;
    case 'notify-type':
      for (const p of payloads) if (p.kind === 'notify') p.notifyType = corruption.value;
      break;
    case 'payload-length': {
      const p = payloads[corruption.payloadIndex];
      if (p) p.length = corruption.value;
      break;
    }
    case 'notify-data':
      for (const p of payloads) if (p.kind === 'notify') p.data = corruption.value.slice();
      break;
    case 'header':
      break;
  }
  return { header, payloads };
}
