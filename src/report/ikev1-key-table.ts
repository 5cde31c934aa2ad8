/**
 * Wireshark's IKEv1 decryption table for one scenario, from its sa-keys
 * events: the encryption key (SKEYID_e expanded to the cipher's key length,
 * RFC 2409 Appendix B) per initiator cookie. Never the PSK: only these derived
 * per-SA keys leave the harness, and only in this file and the command line.
 */
import type { SaKeysEvent } from '../events.js';
import type { ScenarioResult } from './result-model.js';

export interface Ikev1Key {
  initiatorCookie: string;
  encryptionKey: string;
}

const HEX = /^[0-9a-f]*$/;

/** One entry per initiator cookie (a rekey of the same SA re-announces identical keys). */
export function ikev1Keys(result: Pick<ScenarioResult, 'events'>): Ikev1Key[] {
  const byCookie = new Map<string, Ikev1Key>();
  for (const e of result.events) {
    if (e.type !== 'sa-keys' || e.ikev2 !== undefined) continue;
    const key = normalise(e);
    if (key) byCookie.set(key.initiatorCookie, key);
  }
  return [...byCookie.values()];
}

/** Drops entries Wireshark would refuse (cookie not 8 bytes, key not hex), rather than write a table that breaks the whole UAT. */
function normalise(e: SaKeysEvent): Ikev1Key | undefined {
  const initiatorCookie = e.initiatorCookie.toLowerCase();
  const encryptionKey = e.encryptionKey.toLowerCase();
  if (initiatorCookie.length !== 16 || !HEX.test(initiatorCookie)) return undefined;
  if (encryptionKey.length === 0 || encryptionKey.length % 2 !== 0 || !HEX.test(encryptionKey)) return undefined;
  return { initiatorCookie, encryptionKey };
}

/**
 * The file format of Wireshark's `ikev1_decryption_table` UAT (the file of that
 * name in a Wireshark profile directory): one `"<icookie>","<key>"` line per SA.
 */
export function renderIkev1KeyTable(keys: readonly Ikev1Key[]): string {
  return keys.map((k) => `"${k.initiatorCookie}","${k.encryptionKey}"\n`).join('');
}

/**
 * tshark arguments that decrypt the scenario's pcap. On the command line the
 * UAT record takes the hex UNQUOTED: quoted, tshark rejects it with "Length of
 * Initiator's COOKIE must be 8 octets" (observed with tshark 4.0 on Debian 12).
 */
export function tsharkKeyArguments(keys: readonly Ikev1Key[]): string[] {
  return keys.flatMap((k) => ['-o', `uat:ikev1_decryption_table:${k.initiatorCookie},${k.encryptionKey}`]);
}

/** The UDP ports among `ports` that Wireshark does not read as ISAKMP by itself (it knows 500 and 4500), ascending. */
export function decodeAsPorts(ports: readonly number[]): number[] {
  return [...new Set(ports)].filter((p) => p !== 500 && p !== 4500).sort((x, y) => x - y);
}

/**
 * The tshark command that decrypts one pcap, a line a user can paste. tshark dissects ISAKMP only on UDP/500
 * (and 4500): a capture on other ports (the reference DUT's ephemeral ones) needs
 * `-d udp.port==N,isakmp` per port, or it shows plain UDP and decrypts nothing.
 */
export function tsharkCommandLine(pcapPath: string, keys: readonly Ikev1Key[], ports: readonly number[] = [], natTPorts: readonly number[] = []): string {
  const path = /^[A-Za-z0-9_./:,=+-]+$/.test(pcapPath) ? pcapPath : `'${pcapPath.replace(/'/g, `'\\''`)}'`;
  // NAT-T ports carry the non-ESP marker before ISAKMP (RFC 3948 §2.2): Wireshark's udpencap dissector strips it.
  const natT = new Set(decodeAsPorts(natTPorts));
  const decodeAs = decodeAsPorts(ports).map((p) => `-d udp.port==${p},${natT.has(p) ? 'udpencap' : 'isakmp'}`);
  // Cookie and key are validated hex, so single quotes need no escaping inside.
  const options = keys.map((k) => `-o 'uat:ikev1_decryption_table:${k.initiatorCookie},${k.encryptionKey}'`);
  return ['tshark', '-r', path, ...decodeAs, ...options].join(' ');
}

/** A key table file read back (merge renders README.md from it); lines that are not `"<cookie>","<key>"` are skipped. */
export function parseIkev1KeyTable(text: string): Ikev1Key[] {
  return text.split('\n').flatMap((line) => {
    const m = /^"([0-9a-f]{16})","([0-9a-f]+)"$/.exec(line.trim());
    return m ? [{ initiatorCookie: m[1]!, encryptionKey: m[2]! }] : [];
  });
}
