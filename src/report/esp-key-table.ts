/**
 * Wireshark's ESP SA table (the `esp_sa` UAT file in a Wireshark profile
 * directory), so tshark can decrypt and authenticate the ESP a scenario
 * exchanged. Like the IKEv1 key table, it holds per-SA keys only, never the PSK.
 * Eight quoted columns per SA, as packet-ipsec.c declares them in Wireshark
 * 3.6 to 4.x: Protocol, Src IP, Dest IP, SPI, Encryption, Encryption Key,
 * Authentication, Authentication Key.
 */
import type { SuiteEncryption, SuiteIntegrity } from '../crypto/cipher-suite.js';
import type { EspSaPair } from '../crypto/esp-keys.js';
import type { EspSa } from '../crypto/esp-protection.js';

export interface EspKeyEntry {
  /** Outer addresses of the packets this SA protects (for ESP in UDP: the UDP datagram's); '*' matches any. */
  source: string;
  destination: string;
  sa: EspSa;
}

/** Both directions of one child: outbound packets go from `local` to `remote`, inbound ones back. */
export function espKeyEntries(sas: EspSaPair, local: string, remote: string): EspKeyEntry[] {
  return [
    { source: local, destination: remote, sa: sas.outbound },
    { source: remote, destination: local, sa: sas.inbound },
  ];
}

/** packet-ipsec.c `esp_encryption_type_vals` (Wireshark 3.6-4.x). */
const ENCRYPTION_NAMES: Record<SuiteEncryption, string> = {
  'aes-cbc-128': 'AES-CBC [RFC3602]',
  'aes-cbc-256': 'AES-CBC [RFC3602]',
  'aes-gcm-16-128': 'AES-GCM with 16 octet ICV [RFC4106]',
  'aes-gcm-16-256': 'AES-GCM with 16 octet ICV [RFC4106]',
};

/** packet-ipsec.c `esp_authentication_type_vals`; AES-GCM authenticates itself, so its row says NULL. */
const AUTHENTICATION_NAMES: Record<SuiteIntegrity, string> = {
  'hmac-sha1-96': 'HMAC-SHA-1-96 [RFC2404]',
  'hmac-sha256-128': 'HMAC-SHA-256-128 [RFC4868]',
};

const hexKey = (key: Uint8Array): string => `0x${Buffer.from(key).toString('hex')}`;

function columns(e: EspKeyEntry): string[] {
  const { sa } = e;
  const family = e.source.includes(':') || e.destination.includes(':') ? 'IPv6' : 'IPv4';
  return [
    family,
    e.source,
    e.destination,
    `0x${sa.spi.toString(16).padStart(8, '0')}`,
    ENCRYPTION_NAMES[sa.suite.encryption],
    hexKey(sa.keys.encryption),
    sa.suite.integrity === undefined ? 'NULL' : AUTHENTICATION_NAMES[sa.suite.integrity],
    sa.suite.integrity === undefined ? '' : hexKey(sa.keys.integrity),
  ];
}

/** The `esp_sa` file: one line per SA, every column quoted (addresses, hex and the names above need no escaping). */
export function renderEspKeyTable(entries: readonly EspKeyEntry[]): string {
  return entries.map((e) => `${columns(e).map((c) => `"${c}"`).join(',')}\n`).join('');
}

/**
 * tshark options that decrypt and check ESP with `entries`, for a command line
 * instead of a profile file: the two ESP preferences are off by default.
 */
export function tsharkEspArguments(entries: readonly EspKeyEntry[]): string[] {
  return [
    '-o', 'esp.enable_encryption_decode:TRUE',
    '-o', 'esp.enable_authentication_check:TRUE',
    ...entries.flatMap((e) => ['-o', `uat:esp_sa:${columns(e).map((c) => `"${c}"`).join(',')}`]),
  ];
}
