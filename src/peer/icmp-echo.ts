/**
 * ICMP Echo and Echo Reply (RFC 792, types 8 and 0): the traffic a ping
 * sends through an ESP tunnel. Checksum computed unless overridden; decoding
 * reports whether it holds rather than refusing, like icmp-message.ts.
 */
import { checksumHolds, internetChecksum } from './icmp-internet-checksum.js';
import { outputBuffer, PacketReader, putField } from './icmp-ipv4-udp.js';

export const ICMP_ECHO_TYPE = { REPLY: 0, REQUEST: 8 } as const;

/** Type, code, checksum, identifier, sequence number (RFC 792, Echo or Echo Reply Message). */
const ECHO_HEADER = 8;

export interface IcmpEcho {
  type: 0 | 8;
  /** Default 0, the only code RFC 792 defines for echo. */
  code?: number;
  identifier: number;
  sequence: number;
  data: Uint8Array;
  /** Computed unless overridden. */
  checksum?: number;
}

export interface DecodedIcmpEcho extends Required<IcmpEcho> {
  checksumValid: boolean;
}

export const icmpEcho = {
  encodingLength: (m: IcmpEcho): number => ECHO_HEADER + m.data.length,
  encode(m: IcmpEcho, buf?: Uint8Array, offset = 0): Uint8Array {
    const length = ECHO_HEADER + m.data.length;
    const out = outputBuffer(buf, offset, length);
    putField(out, offset, m.type, 8, 'ICMP type');
    putField(out, offset + 1, m.code ?? 0, 8, 'ICMP code');
    putField(out, offset + 2, 0, 16, 'ICMP checksum');
    putField(out, offset + 4, m.identifier, 16, 'ICMP echo identifier');
    putField(out, offset + 6, m.sequence, 16, 'ICMP echo sequence number');
    out.set(m.data, offset + ECHO_HEADER);
    // RFC 792 (Echo, Checksum): over the ICMP message starting with the ICMP Type.
    putField(out, offset + 2, m.checksum ?? internetChecksum(out.subarray(offset, offset + length)), 16, 'ICMP checksum');
    return out;
  },
  /** One echo message occupying [offset, end); any other ICMP type is ERR_ICMP_UNSUPPORTED. */
  decode(buf: Uint8Array, offset = 0, until = buf.length): DecodedIcmpEcho {
    const end = Math.min(until, buf.length);
    const r = new PacketReader(buf);
    r.need(offset, ECHO_HEADER, end, 'ICMP echo header');
    const type = r.u8(offset, end, 'ICMP type');
    if (type !== ICMP_ECHO_TYPE.REQUEST && type !== ICMP_ECHO_TYPE.REPLY) r.fail('ERR_ICMP_UNSUPPORTED', offset, `ICMP type ${type} is not Echo (8) or Echo Reply (0)`);
    return {
      type: type as 0 | 8,
      code: r.u8(offset + 1, end, 'ICMP code'),
      checksum: r.u16(offset + 2, end, 'ICMP checksum'),
      identifier: r.u16(offset + 4, end, 'ICMP echo identifier'),
      sequence: r.u16(offset + 6, end, 'ICMP echo sequence number'),
      data: buf.slice(offset + ECHO_HEADER, end),
      checksumValid: checksumHolds(buf.subarray(offset, end)),
    };
  },
};

/** RFC 792: "The data received in the echo message must be returned in the echo reply message." */
export function echoReplyTo(request: IcmpEcho): IcmpEcho {
  return { type: ICMP_ECHO_TYPE.REPLY, identifier: request.identifier, sequence: request.sequence, data: request.data };
}
