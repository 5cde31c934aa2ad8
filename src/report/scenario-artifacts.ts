/**
 * The files a scenario leaves in the report folder, named the same way by the
 * writer that creates them and by every report that links to them.
 */
import type { Ikev2KeyMaterial } from '../events.js';
import type { EspKeyEntry } from './esp-key-table.js';
import { espKeyEntriesOf } from './esp-traffic-summary.js';
import { type Ikev1Key, ikev1Keys } from './ikev1-key-table.js';
import { ikev2Keys } from './ikev2-key-table.js';
import { type ScenarioResult, scenarioFileStem } from './result-model.js';

/** Key table file names end by the IKE version: Wireshark reads the two forms into different tables. */
export const KEY_FILE_SUFFIX = { ikev1: '.ikev1-keys', ikev2: '.ikev2-keys' } as const;

export interface ScenarioArtifacts {
  pcap: string;
  /** The Wireshark key table file; the keys themselves go only there and into README.md, never into results.json or report.html. */
  keys: string;
  ikev1Keys: Ikev1Key[];
  /** Set for an IKEv2 scenario: `keys` is then Wireshark's ikev2_decryption_table. */
  ikev2Keys?: Ikev2KeyMaterial[];
  /** Wireshark's `esp_sa` table for the pcap's ESP; set only when the pcap carries ESP and its keys are known. */
  espKeys?: { file: string; entries: EspKeyEntry[] };
}

/** The per-scenario files the writer produces (names relative to the report folder); null when the scenario exchanged no datagrams. */
export function scenarioArtifacts(s: ScenarioResult): ScenarioArtifacts | null {
  if (!s.events.some((e) => e.type === 'datagram')) return null;
  const stem = scenarioFileStem(s);
  const esp = s.events.some((e) => e.type === 'datagram' && e.udpEncapsulation === 'esp') ? espKeyEntriesOf(s.events) : [];
  const espKeys = esp.length > 0 ? { espKeys: { file: `${stem}.esp_sa`, entries: esp } } : {};
  const v2 = ikev2Keys(s.events.flatMap((e) => (e.type === 'sa-keys' && e.ikev2 !== undefined ? [e.ikev2] : [])));
  if (v2.length > 0) return { pcap: `${stem}.pcap`, keys: `${stem}${KEY_FILE_SUFFIX.ikev2}`, ikev1Keys: [], ikev2Keys: v2, ...espKeys };
  return { pcap: `${stem}.pcap`, keys: `${stem}${KEY_FILE_SUFFIX.ikev1}`, ikev1Keys: ikev1Keys(s), ...espKeys };
}
