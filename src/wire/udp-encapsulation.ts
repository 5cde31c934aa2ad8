/**
 * What a UDP datagram on an encapsulating port (4500) carries (RFC 3948 §2):
 * a single 0xFF byte is a NAT-keepalive (§2.3); four zero bytes, the non-ESP
 * marker, precede an IKE message (§2.2); anything else is an ESP packet whose
 * SPI cannot be zero (§2.1).
 */
import { toCodec, type Codec } from './codec.js';
import { ESP_HEADER_LENGTH } from './esp.js';
import { putBytes, putU32, putU8 } from './wire-writer.js';

export type UdpEncapsulated =
  | { kind: 'keepalive' }
  /** The IKE message after the marker, undecoded. */
  | { kind: 'ike'; message: Uint8Array }
  /** The whole ESP packet from its SPI on, for esp.ts once the SA is known. */
  | { kind: 'esp'; packet: Uint8Array };

export const NAT_KEEPALIVE = 0xff;
export const NON_ESP_MARKER_LENGTH = 4;

export const udpEncapsulated: Codec<UdpEncapsulated> = toCodec<UdpEncapsulated>({
  length: (v) => (v.kind === 'keepalive' ? 1 : v.kind === 'ike' ? NON_ESP_MARKER_LENGTH + v.message.length : v.packet.length),
  write(v, buf, offset) {
    if (v.kind === 'keepalive') {
      putU8(buf, offset, NAT_KEEPALIVE, 'NAT-keepalive');
      return offset + 1;
    }
    if (v.kind === 'ike') {
      putU32(buf, offset, 0, 'non-ESP marker');
      putBytes(buf, offset + NON_ESP_MARKER_LENGTH, v.message);
      return offset + NON_ESP_MARKER_LENGTH + v.message.length;
    }
    putBytes(buf, offset, v.packet);
    return offset + v.packet.length;
  },
  read(r, offset, end) {
    if (end - offset === 1) {
      const byte = r.u8(offset, end, 'NAT-keepalive');
      if (byte !== NAT_KEEPALIVE) r.fail('ERR_WIRE_BAD_VALUE', offset, `one-byte datagram 0x${byte.toString(16)} is not a NAT-keepalive (0xff)`);
      return { kind: 'keepalive' };
    }
    const first = r.u32(offset, end, 'SPI or non-ESP marker');
    if (first === 0) return { kind: 'ike', message: r.bytes(offset + NON_ESP_MARKER_LENGTH, end - offset - NON_ESP_MARKER_LENGTH, end, 'IKE message') };
    r.need(offset, ESP_HEADER_LENGTH, end, 'ESP SPI and sequence number');
    return { kind: 'esp', packet: r.bytes(offset, end - offset, end, 'ESP packet') };
  },
});

/** The datagram for an IKE message on the NAT-T port: marker, then the message. */
export function frameUdpEncapsulated(message: Uint8Array): Uint8Array {
  return udpEncapsulated.encode({ kind: 'ike', message });
}

/** Splits a port-4500 datagram; one too short for any of the three is a typed error. */
export function classifyUdpEncapsulated(datagram: Uint8Array): UdpEncapsulated {
  return udpEncapsulated.decode(datagram);
}
