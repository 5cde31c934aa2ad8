/**
 * README.md of a report folder: what each file is, and the exact tshark
 * command per scenario that shows the decrypted DPD notifications. This and
 * the .ikev1-keys files are the only places derived IKE keys are written.
 */
import { tsharkEspArguments } from './esp-key-table.js';
import { decodeAsPorts, tsharkCommandLine } from './ikev1-key-table.js';
import { tsharkIkev2CommandLine } from './ikev2-key-table.js';
import type { RunReport, ScenarioResult } from './result-model.js';
import { scenarioArtifacts } from './scenario-artifacts.js';

/** Display filter for the messages a DPD test is about (field names as in tshark 4.0). */
export const DPD_DISPLAY_FILTER = 'isakmp.notify.msgtype == 36136 || isakmp.notify.msgtype == 36137 || isakmp.typepayload == 12';

/** The ports of datagrams that travelled UDP-encapsulated (NAT-T), on either side. */
function natTPorts(s: ScenarioResult): number[] {
  return s.events.flatMap((e) => (e.type === 'datagram' && e.udpEncapsulation ? [e.local.port, e.remote.port] : []));
}

/** Every UDP port a scenario's datagrams used, on either side. */
function udpPorts(s: ScenarioResult): number[] {
  return s.events.flatMap((e) => (e.type === 'datagram' ? [e.local.port, e.remote.port] : []));
}

export function renderReportReadme(report: RunReport): string {
  const lines = [
    '# dpd-harness report',
    '',
    `Profile: ${report.profile.vendor} ${report.profile.product} ${report.profile.version} (${report.profile.target}), data plane: ${report.dataPlane}.`,
    report.interrupted ? '\nThe run was interrupted: the files cover the scenarios that finished.\n' : '',
    '- `report.html`: the summary, checks and message timelines; open it in a browser (self-contained, works offline).',
    '- `junit.xml`: for CI. Expected-fail scenarios count as passed and carry a `<system-out>` note.',
    '- `results.json`: machine-readable results, format in docs/results-format.md of dpd-harness.',
    '- `<scenario>.pcap`: every datagram the fake peer sent and received, with real addresses, ports and times.',
    "- `<scenario>.ikev1-keys`: Wireshark's IKEv1 decryption table for that pcap. To use it in Wireshark, copy it as",
    '  `ikev1_decryption_table` into your Wireshark profile folder, or enter the pairs under',
    '  Preferences > Protocols > ISAKMP > IKEv1 Decryption Table.',
    "- `<scenario>.ikev2-keys` (IKEv2 scenarios, instead): Wireshark's IKEv2 decryption table for that pcap (SPIs,",
    '  SK_e and SK_a both ways, algorithm names); copy it as `ikev2_decryption_table` into your Wireshark profile',
    '  folder, or enter the rows under Preferences > Protocols > ISAKMP > IKEv2 Decryption Table.',
    "- `<scenario>.esp_sa`: Wireshark's ESP SA table, beside every pcap that carries ESP (suite step `traffic`).",
    '',
    'The PSK is never written here; the key tables hold only the per-SA encryption keys of this run.',
    '',
    '## Decrypting a scenario with tshark',
    '',
    'Run from this folder. On the command line the cookie and key are written without quotes',
    "around each hex value (quoted, tshark says \"Length of Initiator's COOKIE must be 8 octets\").",
    'Add `-Y "<filter>"` to see only DPD: `' + DPD_DISPLAY_FILTER + '`.',
    'Wireshark and tshark read ISAKMP only on UDP 500 and 4500: where a scenario used other ports',
    '(the reference DUT listens on an ephemeral one), its command carries `-d udp.port==<port>,isakmp`;',
    'in Wireshark use Analyze > Decode As…, UDP port <port>, as ISAKMP.',
    '',
  ];
  for (const suite of report.suites) {
    for (const s of suite.scenarios) {
      const a = scenarioArtifacts(s);
      if (!a) continue;
      if (a.ikev2Keys) {
        lines.push(`### ${suite.name}: ${s.title} (${s.status})`, '', '```sh', tsharkIkev2CommandLine(a.pcap, a.ikev2Keys, decodeAsPorts(udpPorts(s))), '```', '');
        continue;
      }
      lines.push(`### ${suite.name}: ${s.title} (${s.status})`, '', '```sh', tsharkCommandLine(a.pcap, a.ikev1Keys, udpPorts(s), natTPorts(s)), '```', '');
      const ports = decodeAsPorts(udpPorts(s));
      if (ports.length > 0) {
        const encapsulated = new Set(natTPorts(s));
        const plain = ports.filter((p) => !encapsulated.has(p));
        const natT = ports.filter((p) => encapsulated.has(p));
        const add = [plain.length ? `UDP port ${plain.join(' and UDP port ')} as ISAKMP` : '', natT.length ? `UDP port ${natT.join(' and UDP port ')} as UDPENCAP (NAT-T)` : ''].filter(Boolean).join(', ');
        lines.push(`In Wireshark: open \`${a.pcap}\`, Analyze > Decode As…, add ${add}; the keys are in \`${a.keys}\` (Preferences > Protocols > ISAKMP > IKEv1 Decryption Table).`, '');
      }
      if (a.espKeys) {
        lines.push(
          `Its ESP (in UDP, RFC 3948): \`${a.espKeys.file}\` is Wireshark's ESP SA table (copy it as \`esp_sa\` into your Wireshark profile folder, and turn on Preferences > Protocols > ESP > Attempt to detect/decode encrypted ESP payloads and Check sequence numbers / authentication). With tshark:`,
          '', '```sh', `${tsharkCommandLine(a.pcap, a.ikev1Keys, udpPorts(s), natTPorts(s))} ${tsharkEspArguments(a.espKeys.entries).map(shellQuote).join(' ')}`, '```', '',
        );
      }
      if (a.ikev1Keys.length === 0) lines.push('No IKE SA keys were recorded for this scenario: only its unencrypted messages (Main Mode 1-4) can be read.', '');
    }
  }
  return lines.join('\n');
}

/** The ESP rows hold quotes and spaces; the options without them go as they are. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_.:=+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
