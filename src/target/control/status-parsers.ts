/**
 * The status parser for each `target.control.status.format`, and the regex
 * form for any other CLI: every line matching the profile's pattern is an up
 * IKE SA with the peer its named group `peer` captured.
 */
import type { StatusFormat } from '../../profile/device-profile.js';
import { parseCiscoCryptoSession, parseCiscoIsakmpSa } from './status-cisco.js';
import { rejectErrorOutput, type StatusParser } from './status-entry.js';
import { parseFortiosGatewayList, parseJuniperIkeSas, parsePanosIkeSa } from './status-firewalls.js';
import { parseSwanctlListSas, parseTrafficstatus, parseWhackShowstates } from './status-swan.js';

export function regexParser(pattern: string): StatusParser {
  const re = new RegExp(pattern);
  return (output) => {
    rejectErrorOutput(output, 'regex');
    return output.split('\n').flatMap((line) => {
      const m = re.exec(line);
      const peer = m?.groups?.peer;
      return peer ? [{ peer, state: m.groups?.state ?? 'matched', up: true }] : [];
    });
  };
}

const PARSERS: Record<Exclude<StatusFormat, 'regex'>, StatusParser> = {
  'cisco-ios-isakmp-sa': parseCiscoIsakmpSa,
  'cisco-ios-crypto-session': parseCiscoCryptoSession,
  'strongswan-swanctl': parseSwanctlListSas,
  'libreswan-trafficstatus': parseTrafficstatus,
  'libreswan-showstates': parseWhackShowstates,
  'juniper-srx': parseJuniperIkeSas,
  panos: parsePanosIkeSa,
  fortios: parseFortiosGatewayList,
};

export function statusParser(format: StatusFormat, pattern?: string): StatusParser {
  return format === 'regex' ? regexParser(pattern ?? '(?<peer>)') : PARSERS[format];
}
