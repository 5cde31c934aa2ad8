/** The end-to-end report checks (lab-run-checks.ts) against strongSwan 5.9: lab dpdss, 198.51.100.192/28. */
import { describeLabRun } from './lab-run-checks.js';

/** charon 5.9 at log level 1, e.g. `12[ENC] <peer1|2> generating INFORMATIONAL_V1 request 3271733691 [ HASH N(DPD) ]`. */
const SENT_PROBE = /generating INFORMATIONAL_V1 request (\d+) \[ HASH N\(DPD\) \]/;

describeLabRun({
  name: 'strongSwan',
  profile: 'profiles/strongswan.yaml',
  commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl'],
  probeIdsInLog: (lines) => lines.flatMap((l) => SENT_PROBE.exec(l)?.slice(1) ?? []).map((id) => Number(id).toString(16).padStart(8, '0')),
});
