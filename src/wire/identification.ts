/**
 * The identification data inside an ID payload (RFC 2407 §4.6.2.1-§4.6.2.12)
 * as typed values, so scenarios write `{ type: 'ipv4-addr', address: '192.0.2.1' }`
 * and reports print what a DUT sent. The ID payload itself stays a plain
 * byte container (id-payload.ts), so malformed IDs remain easy to build.
 */
import { WireError } from '../errors.js';
import { ID_TYPES } from './constants.js';
import { formatIpAddress, parseIpv4, parseIpv6 } from './ip-address.js';
import type { IdPayload } from './types.js';

export type Identification =
  | { type: 'ipv4-addr' | 'ipv6-addr'; address: string }
  | { type: 'ipv4-subnet' | 'ipv6-subnet'; address: string; mask: string }
  | { type: 'ipv4-range' | 'ipv6-range'; from: string; to: string }
  | { type: 'fqdn' | 'user-fqdn'; name: string }
  | { type: 'key-id' | 'der-asn1-dn' | 'der-asn1-gn'; bytes: Uint8Array };

const ID_TYPE_OF: Record<Identification['type'], number> = {
  'ipv4-addr': ID_TYPES.IPV4_ADDR,
  'ipv6-addr': ID_TYPES.IPV6_ADDR,
  'ipv4-subnet': ID_TYPES.IPV4_ADDR_SUBNET,
  'ipv6-subnet': ID_TYPES.IPV6_ADDR_SUBNET,
  'ipv4-range': ID_TYPES.IPV4_ADDR_RANGE,
  'ipv6-range': ID_TYPES.IPV6_ADDR_RANGE,
  fqdn: ID_TYPES.FQDN,
  'user-fqdn': ID_TYPES.USER_FQDN,
  'key-id': ID_TYPES.KEY_ID,
  'der-asn1-dn': ID_TYPES.DER_ASN1_DN,
  'der-asn1-gn': ID_TYPES.DER_ASN1_GN,
};

function address(text: string, version: 4 | 6): Uint8Array {
  const bytes = version === 4 ? parseIpv4(text) : parseIpv6(text);
  if (!bytes) throw new WireError('ERR_WIRE_BAD_VALUE', 4, `not an IPv${version} address: ${JSON.stringify(text)}`);
  return bytes;
}

const versionOf = (type: string): 4 | 6 => (type.startsWith('ipv4') ? 4 : 6);

function dataOf(id: Identification): Uint8Array {
  switch (id.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return address(id.address, versionOf(id.type));
    case 'ipv4-subnet':
    case 'ipv6-subnet':
      return new Uint8Array([...address(id.address, versionOf(id.type)), ...address(id.mask, versionOf(id.type))]);
    case 'ipv4-range':
    case 'ipv6-range':
      return new Uint8Array([...address(id.from, versionOf(id.type)), ...address(id.to, versionOf(id.type))]);
    case 'fqdn':
    case 'user-fqdn':
      return new TextEncoder().encode(id.name);
    default:
      return id.bytes;
  }
}

/**
 * An ID payload for `id`. Phase 1 IDs carry protocol 0 and port 0 as both
 * strongSwan and Libreswan send them; Quick Mode IDs may name UDP/500 etc.
 */
export function idPayloadFor(id: Identification, protocolId = 0, port = 0): IdPayload {
  return { kind: 'id', idType: ID_TYPE_OF[id.type], protocolId, port, data: dataOf(id) };
}

/**
 * The typed identification in an ID payload. Offsets in errors count from the
 * start of the ID payload (its data starts at byte 8).
 */
export function identificationOf(payload: IdPayload): Identification {
  const { data } = payload;
  const fixed = (size: number): void => {
    if (data.length !== size) throw new WireError('ERR_WIRE_BAD_LENGTH', 8, `ID type ${payload.idType} needs ${size} data bytes, got ${data.length}`);
  };
  const text = (): string => new TextDecoder('utf-8', { fatal: false }).decode(data);
  switch (payload.idType) {
    case ID_TYPES.IPV4_ADDR:
      fixed(4);
      return { type: 'ipv4-addr', address: formatIpAddress(data) };
    case ID_TYPES.IPV6_ADDR:
      fixed(16);
      return { type: 'ipv6-addr', address: formatIpAddress(data) };
    case ID_TYPES.IPV4_ADDR_SUBNET:
    case ID_TYPES.IPV4_ADDR_RANGE:
    case ID_TYPES.IPV6_ADDR_SUBNET:
    case ID_TYPES.IPV6_ADDR_RANGE: {
      const half = payload.idType === ID_TYPES.IPV4_ADDR_SUBNET || payload.idType === ID_TYPES.IPV4_ADDR_RANGE ? 4 : 16;
      fixed(2 * half);
      const [a, b] = [formatIpAddress(data.subarray(0, half)), formatIpAddress(data.subarray(half))];
      const family = half === 4 ? 'ipv4' : 'ipv6';
      return payload.idType === ID_TYPES.IPV4_ADDR_SUBNET || payload.idType === ID_TYPES.IPV6_ADDR_SUBNET
        ? { type: `${family}-subnet`, address: a, mask: b }
        : { type: `${family}-range`, from: a, to: b };
    }
    case ID_TYPES.FQDN:
      return { type: 'fqdn', name: text() };
    case ID_TYPES.USER_FQDN:
      return { type: 'user-fqdn', name: text() };
    case ID_TYPES.DER_ASN1_DN:
      return { type: 'der-asn1-dn', bytes: data.slice() };
    case ID_TYPES.DER_ASN1_GN:
      return { type: 'der-asn1-gn', bytes: data.slice() };
    case ID_TYPES.KEY_ID:
      return { type: 'key-id', bytes: data.slice() };
    default:
      throw new WireError('ERR_WIRE_BAD_VALUE', 4, `unknown ID type ${payload.idType}`);
  }
}

/** One line for reports: "192.0.2.1", "10.1.0.0/255.255.255.0", "fqdn vpn.example.net", "key-id 0a0b". */
export function formatIdentification(id: Identification): string {
  switch (id.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return id.address;
    case 'ipv4-subnet':
    case 'ipv6-subnet':
      return `${id.address}/${id.mask}`;
    case 'ipv4-range':
    case 'ipv6-range':
      return `${id.from}-${id.to}`;
    case 'fqdn':
    case 'user-fqdn':
      return `${id.type} ${id.name}`;
    default:
      return `${id.type} ${Array.from(id.bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}
