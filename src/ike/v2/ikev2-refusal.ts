/**
 * The DUT's refusal of an exchange the engine started: the error notify it
 * answered with (RFC 7296 §3.10.1, types below 16384), named, with the
 * exchange and the profile field most likely wrong. Pure data.
 */
import { IkeError } from '../../errors.js';
import { IKEV2_NOTIFY_TYPES } from '../../wire/ikev2/constants.js';

export interface Ikev2Refusal {
  notifyType: number;
  /** IANA name, e.g. AUTHENTICATION_FAILED; `notify 40001` when unknown. */
  notify: string;
  exchange: string;
  hint: string;
}

const NAMES = new Map<number, string>(Object.entries(IKEV2_NOTIFY_TYPES).map(([name, n]) => [n, name]));

export const ikev2NotifyName = (notifyType: number): string => NAMES.get(notifyType) ?? `notify ${notifyType}`;

/** RFC 7296 §3.10.1: error types are 1-16383. */
export const isIkev2ErrorNotify = (notifyType: number): boolean => notifyType > 0 && notifyType < 16384;

function hintFor(notifyType: number, exchange: string): string {
  switch (notifyType) {
    case IKEV2_NOTIFY_TYPES.AUTHENTICATION_FAILED:
      return 'psk and ike.local_id / ike.remote_id: the DUT computed another AUTH (RFC 7296 §2.15)';
    case IKEV2_NOTIFY_TYPES.NO_PROPOSAL_CHOSEN:
      // The CHILD_SA's proposals have their own list (its default: the IKE list's ciphers).
      return exchange.includes('CHILD_SA')
        ? "ike.ikev2_esp_proposals: one must match one of the DUT's ESP proposals (esp_proposals / esp=)"
        : "ike.ikev2_proposals: one must match one of the DUT's IKE proposals (proposals / ike=)";
    case IKEV2_NOTIFY_TYPES.TS_UNACCEPTABLE:
      return "ike.traffic_selectors: they must lie within the DUT's local_ts/remote_ts (or leftsubnet/rightsubnet)";
    case IKEV2_NOTIFY_TYPES.INVALID_IKE_SPI:
      return 'the DUT holds no IKE SA with these SPIs: it restarted or deleted it';
    default:
      return 'the DUT configuration for this peer (see the DUT log for why it refused)';
  }
}

export function ikev2Refusal(notifyType: number, exchange: string): Ikev2Refusal {
  return { notifyType, notify: ikev2NotifyName(notifyType), exchange, hint: hintFor(notifyType, exchange) };
}

/** The typed error an owner throws for a refusal; ERR_DUT_REFUSED with the notify kept. */
export class Ikev2RefusedError extends IkeError {
  constructor(readonly refusal: Ikev2Refusal) {
    super('ERR_DUT_REFUSED', `the DUT refused ${refusal.exchange} with ${refusal.notify} (${refusal.notifyType}); check ${refusal.hint}`);
  }
}
