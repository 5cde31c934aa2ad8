/**
 * Wireshark's IKEv2 decryption table for one scenario, from the engine's
 * sa-keys events: per IKE SA its SPIs, SK_ei/SK_er (with the 4-byte salt for
 * AES-GCM, RFC 5282 §7.1), SK_ai/SK_ar and the algorithm names Wireshark's
 * ikev2_decryption_table UAT enumerates (epan/dissectors/packet-isakmp.c).
 * Never the PSK: only derived per-SA keys leave the harness, and only here.
 */
import type { Ikev2SaKeys } from '../ike/v2/ikev2-effects.js';

const HEX = /^[0-9a-f]*$/;
const SPI = /^[0-9a-f]{16}$/;
/** The UAT's enumerations as the engine names them; anything else would make Wireshark drop the whole table. */
const NAME = /^[A-Za-z0-9_ -]+ \[RFC\d+\]$|^AES-GCM-\d+ with \d+ octet ICV \[RFC5282\]$/;

function normalise(k: Ikev2SaKeys): Ikev2SaKeys | undefined {
  const lower = { ...k, spiI: k.spiI.toLowerCase(), spiR: k.spiR.toLowerCase(), skEi: k.skEi.toLowerCase(), skEr: k.skEr.toLowerCase(), skAi: k.skAi.toLowerCase(), skAr: k.skAr.toLowerCase() };
  if (!SPI.test(lower.spiI) || !SPI.test(lower.spiR)) return undefined;
  const keys = [lower.skEi, lower.skEr, lower.skAi, lower.skAr];
  if (keys.some((key) => !HEX.test(key) || key.length % 2 !== 0) || lower.skEi.length === 0) return undefined;
  if (!NAME.test(lower.encryption) || !NAME.test(lower.integrity)) return undefined;
  return lower;
}

/** One entry per SA (SPIi, SPIr); a rekeyed IKE SA is a new entry under its new SPIs. */
export function ikev2Keys(records: Iterable<Ikev2SaKeys>): Ikev2SaKeys[] {
  const bySpis = new Map<string, Ikev2SaKeys>();
  for (const r of records) {
    const k = normalise(r);
    if (k) bySpis.set(k.spiI + k.spiR, k);
  }
  return [...bySpis.values()];
}

/** One UAT record: hex fields bare, the two algorithm names quoted (they hold spaces and brackets). */
function record(k: Ikev2SaKeys): string {
  return [k.spiI, k.spiR, k.skEi, k.skEr, `"${k.encryption}"`, k.skAi, k.skAr, `"${k.integrity}"`].join(',');
}

/** The contents of the `ikev2_decryption_table` file in a Wireshark profile directory. */
export function renderIkev2KeyTable(keys: readonly Ikev2SaKeys[]): string {
  return keys.map((k) => `${record(k)}\n`).join('');
}

/** tshark arguments that decrypt the scenario's IKEv2 messages. */
export function tsharkIkev2KeyArguments(keys: readonly Ikev2SaKeys[]): string[] {
  return keys.flatMap((k) => ['-o', `uat:ikev2_decryption_table:${record(k)}`]);
}

/** The same as one pasteable line; the record holds no single quote (validated above), so single quotes suffice. */
export function tsharkIkev2CommandLine(pcapPath: string, keys: readonly Ikev2SaKeys[], decodeAsPorts: readonly number[] = []): string {
  const path = /^[A-Za-z0-9_./:,=+-]+$/.test(pcapPath) ? pcapPath : `'${pcapPath.replace(/'/g, `'\\''`)}'`;
  const decodeAs = decodeAsPorts.map((p) => `-d udp.port==${p},isakmp`);
  return ['tshark', '-r', path, ...decodeAs, ...keys.map((k) => `-o 'uat:ikev2_decryption_table:${record(k)}'`)].join(' ');
}

/** A key table file read back; lines that are not records of eight fields are skipped. */
export function parseIkev2KeyTable(text: string): Ikev2SaKeys[] {
  return ikev2Keys(
    text.split('\n').flatMap((line) => {
      const m = /^([0-9a-f]{16}),([0-9a-f]{16}),([0-9a-f]*),([0-9a-f]*),"([^"]+)",([0-9a-f]*),([0-9a-f]*),"([^"]+)"$/.exec(line.trim());
      return m ? [{ spiI: m[1]!, spiR: m[2]!, skEi: m[3]!, skEr: m[4]!, encryption: m[5]!, skAi: m[6]!, skAr: m[7]!, integrity: m[8]! }] : [];
    }),
  );
}
