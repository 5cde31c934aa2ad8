/**
 * Vendor IDs a DUT may advertise in phase 1, so reports can say "DPD
 * supported" or "this is strongSwan" instead of printing hex. Every entry
 * names its source; `md5Of` records the string whose MD5 the ID is (or starts
 * with), which the tests recompute.
 */
export interface KnownVendorId {
  name: string;
  /** The ID bytes, or the prefix when `prefix` is set. */
  bytes: Uint8Array;
  /** The vendor appends version or capability bytes after `bytes`. */
  prefix: boolean;
  /** Truncated or modified MD5 IDs say so in `source`. */
  md5Of?: string;
  source: string;
}

export interface VendorIdMatch {
  name: string;
  source: string;
  /** Bytes after a prefix match (a version or capability word); empty for exact matches. */
  suffix: Uint8Array;
  /** The suffix as text when the vendor appends a printable version string. */
  version?: string;
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const STRONGSWAN_SRC = 'strongSwan 5.9 src/libcharon/sa/ikev1/tasks/isakmp_vendor.c';
const LIBRESWAN_SRC = 'Libreswan 4.10 lib/libswan/vendorid.c';

/** The RFC 3706 §5.1 DPD vendor ID: 14 fixed bytes, then major 1, minor 0. */
export const DPD_VENDOR_ID = hex('afcad71368a1f1c96b8696fc77570100');

/** MD5("RFC 3947"), RFC 3947 §3.1: what the fake peer sends to offer NAT traversal. */
export const NAT_T_VENDOR_ID = hex('4a131c81070358455c5728f20e95452f');

export const VENDOR_IDS: readonly KnownVendorId[] = [
  { name: 'Dead Peer Detection (RFC 3706)', bytes: DPD_VENDOR_ID, prefix: false, source: 'RFC 3706 §5.1' },
  { name: 'NAT-T (RFC 3947)', bytes: NAT_T_VENDOR_ID, prefix: false, md5Of: 'RFC 3947', source: 'RFC 3947 §3.1' },
  { name: 'draft-ietf-ipsec-nat-t-ike-03', bytes: hex('7d9419a65310ca6f2c179d9215529d56'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-03', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-02', bytes: hex('cd60464335df21f87cfdb2fc68b6a448'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-02', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-02\\n', bytes: hex('90cb80913ebb696e086381b5ec427b1f'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-02\n', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-08', bytes: hex('8f8d83826d246b6fc7a8a6a428c11de8'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-08', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-07', bytes: hex('439b59f8ba676c4c7737ae22eab8f582'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-07', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-06', bytes: hex('4d1e0e136deafa34c4f3ea9f02ec7285'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-06', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-05', bytes: hex('80d0bb3def54565ee84645d4c85ce3ee'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-05', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-04', bytes: hex('9909b64eed937c6573de52ace952fa6b'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-04', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-01', bytes: hex('16f6ca16e4a4066d83821a0f0aeaa862'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-01', source: LIBRESWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike-00', bytes: hex('4485152d18b6bbcd0be8a8469579ddcc'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike-00', source: STRONGSWAN_SRC },
  { name: 'draft-ietf-ipsec-nat-t-ike', bytes: hex('4df37928e9fc4fd1b3262170d515c662'), prefix: false, md5Of: 'draft-ietf-ipsec-nat-t-ike', source: STRONGSWAN_SRC },
  { name: 'draft-stenberg-ipsec-nat-traversal-02', bytes: hex('6105c422e76847e43f9684801292aecd'), prefix: false, md5Of: 'draft-stenberg-ipsec-nat-traversal-02', source: STRONGSWAN_SRC },
  { name: 'draft-stenberg-ipsec-nat-traversal-01', bytes: hex('27bab5dc01ea0760ea4e3190ac27c0d0'), prefix: false, md5Of: 'draft-stenberg-ipsec-nat-traversal-01', source: STRONGSWAN_SRC },
  { name: 'strongSwan', bytes: hex('882fe56d6fd20dbc2251613b2ebe5beb'), prefix: false, md5Of: 'strongSwan', source: STRONGSWAN_SRC },
  // Libreswan sends the ASCII string "OE-Libreswan-" + version (lib/libswan/version.in.c) when send-vendorid=yes.
  { name: 'Libreswan', bytes: ascii('OE-Libreswan-'), prefix: true, source: 'Libreswan 4.10 lib/libswan/version.in.c' },
  { name: 'XAUTH', bytes: hex('09002689dfd6b712'), prefix: false, source: `${STRONGSWAN_SRC} (first 8 bytes of MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"))` },
  { name: 'Cisco Unity', bytes: hex('12f5f28c457168a9702d9fe274cc0100'), prefix: true, source: `${LIBRESWAN_SRC} (MD5("CISCO-UNITY") with the last two bytes replaced by version 01 00)` },
  { name: 'IKE FRAGMENTATION', bytes: hex('4048b7d56ebce88525e7de7f00d6c2d3'), prefix: true, source: `${STRONGSWAN_SRC} (a 4-byte capability word may follow)` },
  { name: 'Microsoft MS NT5 ISAKMPOAKLEY', bytes: hex('1e2b516905991c7d7c96fcbfb587e461'), prefix: true, source: `${LIBRESWAN_SRC} (4-byte Windows version follows)` },
  { name: 'Microsoft Vid-Initial-Contact', bytes: hex('26244d38eddb61b3172a36e3d0cfb819'), prefix: false, md5Of: 'Vid-Initial-Contact', source: LIBRESWAN_SRC },
  { name: 'KAME/racoon', bytes: hex('7003cbc1097dbe9c2600ba6983bc8b35'), prefix: false, md5Of: 'KAME/racoon', source: LIBRESWAN_SRC },
  { name: 'Cisco VPN 3000', bytes: hex('1f07f70eaa6514d3b0fa96542a50'), prefix: true, source: `${LIBRESWAN_SRC} (truncated MD5 of "ALTIGA GATEWAY"; version bytes follow)` },
  { name: 'Cisco IOS', bytes: hex('3e984048'), prefix: true, source: LIBRESWAN_SRC },
  { name: 'Check Point', bytes: hex('f4ed19e0c114eb516faaac0ee37daf2807b4381f'), prefix: true, source: STRONGSWAN_SRC },
  { name: 'HeartBeat Notify', bytes: ascii('HeartBeat_Notify'), prefix: true, source: LIBRESWAN_SRC },
];

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  return data.length >= prefix.length && prefix.every((b, i) => data[i] === b);
}

const printable = (bytes: Uint8Array): string | undefined =>
  bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f) ? new TextDecoder().decode(bytes) : undefined;

/** Names a Vendor ID payload's data, or undefined when it is not one we know. Exact matches win over prefixes. */
export function identifyVendorId(data: Uint8Array): VendorIdMatch | undefined {
  const exact = VENDOR_IDS.find((v) => !v.prefix && v.bytes.length === data.length && startsWith(data, v.bytes));
  const known = exact ?? VENDOR_IDS.find((v) => v.prefix && startsWith(data, v.bytes));
  if (!known) return undefined;
  const suffix = data.slice(known.bytes.length);
  const version = printable(suffix);
  return { name: known.name, source: known.source, suffix, ...(version !== undefined ? { version } : {}) };
}

/**
 * NAT-T versions a peer may announce that use the RFC 3947 exchange with payloads 20/21 (RFC) or
 * 130/131 (drafts 02 and 03, which strongSwan and Libreswan still send next to the RFC one).
 */
const NAT_T_NAMES = ['NAT-T (RFC 3947)', 'draft-ietf-ipsec-nat-t-ike-03', 'draft-ietf-ipsec-nat-t-ike-02', 'draft-ietf-ipsec-nat-t-ike-02\\n'];

/** 'rfc' or 'draft' when a Vendor ID payload's data offers NAT traversal we speak, else undefined. */
export function natTVersionOf(data: Uint8Array): 'rfc' | 'draft' | undefined {
  const known = identifyVendorId(data);
  if (!known || !NAT_T_NAMES.includes(known.name)) return undefined;
  return known.name === NAT_T_NAMES[0] ? 'rfc' : 'draft';
}
