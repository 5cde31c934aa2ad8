/**
 * A DUT's refusal of an exchange the fake peer started: the error notify it
 * sent (RFC 2408 §3.14.1 types below 8192 are errors; 8192–16383 private
 * errors), named, with what was on offer and the profile field most likely
 * wrong. Pure data, so the peer turns it into a typed set-up error and a
 * report can show it without knowing IKE.
 */
import { NOTIFY_TYPES } from '../wire/index.js';

export interface Refusal {
  notifyType: number;
  /** RFC 2408 name, e.g. INVALID-ID-INFORMATION; `notify 40001` when unknown. */
  notify: string;
  phase: 1 | 2;
  /** What the fake peer offered in the refused exchange. */
  offered: string;
  /** The profile field a mismatch most likely sits in. */
  hint: string;
}

const NAMES = new Map<number, string>(Object.entries(NOTIFY_TYPES).map(([name, n]) => [n, name.replace(/_/g, '-')]));

export function notifyName(notifyType: number): string {
  return NAMES.get(notifyType) ?? `notify ${notifyType}`;
}

/** RFC 2408 §3.14.1: 1–16383 are error types; status types start at 16384. */
export const isErrorNotify = (notifyType: number): boolean => notifyType > 0 && notifyType < 16384;

const PSK_HINT = 'psk (the pre-shared key for this peer address) and ike.local_id / ike.remote_id';

function hintFor(notifyType: number, phase: 1 | 2): string {
  switch (notifyType) {
    case NOTIFY_TYPES.INVALID_ID_INFORMATION:
      return phase === 2
        ? "ike.traffic_selectors: they must mirror the DUT's policy (crypto map match address ACL, swanctl local_ts/remote_ts, leftsubnet/rightsubnet)"
        : 'ike.local_id: the identity the DUT expects for this peer';
    case NOTIFY_TYPES.NO_PROPOSAL_CHOSEN:
    case NOTIFY_TYPES.INVALID_TRANSFORM_ID:
    case NOTIFY_TYPES.ATTRIBUTES_NOT_SUPPORTED:
    case NOTIFY_TYPES.BAD_PROPOSAL_SYNTAX:
      return phase === 2
        ? "ike.esp_proposals and ike.pfs_group: they must match the DUT's transform set / esp= and its PFS group"
        : "ike.proposals (encryption, hash, group) and ike.lifetime.ike: they must match one of the DUT's ISAKMP policies";
    case NOTIFY_TYPES.AUTHENTICATION_FAILED:
    case NOTIFY_TYPES.INVALID_HASH_INFORMATION:
    case NOTIFY_TYPES.INVALID_SIGNATURE:
      return PSK_HINT;
    case NOTIFY_TYPES.PAYLOAD_MALFORMED:
    case NOTIFY_TYPES.INVALID_PAYLOAD_TYPE:
      // A DUT with another key decrypts MM5 into garbage and reports it as malformed.
      return phase === 1 ? `${PSK_HINT}; a different key makes the DUT decrypt Main Mode message 5 into garbage` : 'the exchange the DUT could not parse (see the pcap)';
    case NOTIFY_TYPES.INVALID_COOKIE:
    case NOTIFY_TYPES.INVALID_SPI:
      return 'the DUT has no SA for these cookies: it restarted or deleted the SA (target.address, or a stale SA on the DUT)';
    default:
      return 'the DUT configuration for this peer (see the DUT log for why it refused)';
  }
}

export function refusal(notifyType: number, phase: 1 | 2, offered: string): Refusal {
  return { notifyType, notify: notifyName(notifyType), phase, offered, hint: hintFor(notifyType, phase) };
}

/**
 * The DUT answered Main Mode message 5 with an Informational that does not open under
 * the fake peer's keys: both sides derived SKEYID from different pre-shared keys
 * (RFC 2409 §5.4), which is how charon reports it (N(PAYLOAD-MALFORMED) under its keys).
 */
export function keyMismatch(offered: string): Refusal {
  return { notifyType: 0, notify: 'an Informational encrypted under other keys', phase: 1, offered, hint: `${PSK_HINT}: the DUT derived other keys, so the pre-shared keys differ` };
}

/**
 * The DUT sent Main Mode message 4 again `repeats` times after our message 5 and never
 * message 6: it is alive but cannot open message 5, which a responder with another
 * pre-shared key derives other keys for and drops without a notify (Libreswan 4.10:
 * "probable authentication failure (mismatch of preshared secrets?)").
 */
export function silentKeyMismatch(offered: string, repeats: number): Refusal {
  return {
    notifyType: 0, notify: `Main Mode message 4 again (${repeats} times) instead of message 6, no notify`, phase: 1, offered,
    hint: `${PSK_HINT}: the DUT keeps waiting for a message 5 it can open, so the pre-shared keys differ (or message 5 is lost on the way to it: see the pcap)`,
  };
}

export function describeRefusal(r: Refusal): string {
  return `the DUT refused phase ${r.phase} with ${r.notify} (${r.notifyType}); offered ${r.offered}; check ${r.hint}`;
}
