/**
 * What shares UDP port 4500 (RFC 3948 §2): IKE behind the 4-byte non-ESP marker (§2.2), the
 * one-byte NAT-keepalive 0xFF (§2.3), and ESP, whose SPI is never zero (§2.1). Framing only:
 * the ISAKMP inside is the message codec's business, the ESP the data plane's.
 */
import { WireError } from '../errors.js';

export const NON_ESP_MARKER = new Uint8Array(4);
export const NAT_KEEPALIVE = Uint8Array.of(0xff);

export type UdpEncapsulated =
  | { kind: 'ike'; ike: Uint8Array }
  | { kind: 'keepalive' }
  | { kind: 'esp'; esp: Uint8Array };

/** The datagram for an IKE message on the NAT-T port: marker, then the message. */
export function frameUdpEncapsulated(ike: Uint8Array): Uint8Array {
  const out = new Uint8Array(NON_ESP_MARKER.length + ike.length);
  out.set(ike, NON_ESP_MARKER.length);
  return out;
}

/** Splits a port-4500 datagram; anything too short to be one of the three is a typed error (offset 0). */
export function classifyUdpEncapsulated(datagram: Uint8Array): UdpEncapsulated {
  if (datagram.length === 1 && datagram[0] === 0xff) return { kind: 'keepalive' };
  if (datagram.length < 4) throw new WireError('ERR_WIRE_TRUNCATED', 0, `UDP-encapsulated datagram of ${datagram.length} byte(s) is neither a NAT-keepalive nor marker/SPI`);
  if (datagram[0] === 0 && datagram[1] === 0 && datagram[2] === 0 && datagram[3] === 0) return { kind: 'ike', ike: datagram.subarray(4) };
  return { kind: 'esp', esp: datagram };
}
