/**
 * The files a scenario leaves in the report folder, named the same way by the
 * writer that creates them and by every report that links to them.
 */
import type { Ikev2KeyMaterial } from '../events.js';
import { type Ikev1Key, ikev1Keys } from './ikev1-key-table.js';
import { ikev2Keys } from './ikev2-key-table.js';
import { type ScenarioResult, scenarioFileStem } from './result-model.js';

export interface ScenarioArtifacts {
  pcap: string;
  /** The Wireshark key table file; the keys themselves go only there and into README.md, never into results.json or report.html. */
  keys: string;
  ikev1Keys: Ikev1Key[];
  /** Set for an IKEv2 scenario: `keys` is then Wireshark's ikev2_decryption_table. */
  ikev2Keys?: Ikev2KeyMaterial[];
}

/** The per-scenario files the writer produces (names relative to the report folder); null when the scenario exchanged no datagrams. */
export function scenarioArtifacts(s: ScenarioResult): ScenarioArtifacts | null {
  if (!s.events.some((e) => e.type === 'datagram')) return null;
  const stem = scenarioFileStem(s);
  const v2 = ikev2Keys(s.events.flatMap((e) => (e.type === 'sa-keys' && e.ikev2 !== undefined ? [e.ikev2] : [])));
  if (v2.length > 0) return { pcap: `${stem}.pcap`, keys: `${stem}.ikev2-keys`, ikev1Keys: [], ikev2Keys: v2 };
  return { pcap: `${stem}.pcap`, keys: `${stem}.ikev1-keys`, ikev1Keys: ikev1Keys(s) };
}
